import type { TryProtocol } from '../../../shared/schemas/serve';

export interface ProtocolInfo {
  id: TryProtocol;
  tab: string;
  title: string;
  /** One sentence for a data scientist: who sends this and what it looks like. */
  explain: string;
}

export const PROTOCOLS: ProtocolInfo[] = [
  {
    id: 'lesson',
    tab: 'Lesson /predict',
    title: 'POST /predict',
    explain: 'The course\'s Flask API: rows in "instances", predictions (and class names, when known) back. Clients written for the lesson\'s app send this unchanged.',
  },
  {
    id: 'v1',
    tab: 'TF Serving V1',
    title: 'TF Serving / KServe V1',
    explain: 'Clients written for TensorFlow Serving or KServe V1 send this: rows in "instances" to /v1/models/NAME:predict, "predictions" back.',
  },
  {
    id: 'v2',
    tab: 'V2 JSON',
    title: 'V2 Open Inference Protocol (JSON)',
    explain: 'What Triton, KServe V2 and MLServer clients send: named tensors with their shape, datatype and values flattened into one list.',
  },
  {
    id: 'v2-binary',
    tab: 'V2 binary',
    title: 'V2 with binary tensor data',
    explain: 'The same V2 request, but the tensors travel as raw bytes after a small JSON header: much faster for large inputs such as images. Edit the JSON form here; ModelDock converts the values to bytes when it sends.',
  },
];

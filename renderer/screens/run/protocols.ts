import type { TryProtocol } from '../../../shared/schemas/serve';

export interface ProtocolInfo {
  id: TryProtocol;
  tab: string;
  title: string;
  /** One sentence for a data scientist: who sends this and what it looks like. */
  explain: string;
  /** The same, for a photo sent to an image model. */
  photoExplain: string;
}

export const PROTOCOLS: ProtocolInfo[] = [
  {
    id: 'lesson',
    tab: 'Lesson /predict',
    title: 'POST /predict',
    explain: 'The course\'s Flask API: rows in "instances", predictions (and class names, when known) back. Clients written for the lesson\'s app send this unchanged.',
    photoExplain: 'A photo goes to /predict as a form upload (multipart/form-data), the way a browser sends a file; predictions and class names come back.',
  },
  {
    id: 'v1',
    tab: 'TF Serving V1',
    title: 'TF Serving / KServe V1',
    explain: 'Clients written for TensorFlow Serving or KServe V1 send this: rows in "instances" to /v1/models/NAME:predict, "predictions" back.',
    photoExplain: 'TensorFlow Serving clients send a photo inside JSON, base64-encoded: {"instances": [{"b64": "..."}]}. The server decodes it like any upload.',
  },
  {
    id: 'v2',
    tab: 'V2 JSON',
    title: 'V2 Open Inference Protocol (JSON)',
    explain: 'What Triton, KServe V2 and MLServer clients send: named tensors with their shape, datatype and values flattened into one list.',
    photoExplain: 'In V2 a photo is one element of a BYTES tensor of shape [1]. JSON cannot carry raw bytes, so here it travels base64-encoded.',
  },
  {
    id: 'v2-binary',
    tab: 'V2 binary',
    title: 'V2 with binary tensor data',
    explain: 'The same V2 request, but the tensors travel as raw bytes after a small JSON header: much faster for large inputs such as images. Edit the JSON form here; ModelDock converts the values to bytes when it sends.',
    photoExplain: 'How Triton\'s clients send photos: a small JSON header, then the file\'s own bytes, with no base64. The smallest request for an image.',
  },
];

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import type { ImagePreview, InputSource } from '../../shared/schemas/inference';
import type { ImagePreprocess, Spec } from '../../shared/schemas/spec';
import { parseCsvInputs } from './csv-input';
import { allocateValues, formatDims, type HostTensor, type TensorValues } from './host-tensor';
import { decodeImage, imageToTensor, isImageBytes } from './image-input';
import { imageTensorPreview } from './image-preview';
import { orientationNote } from './exif-orientation';
import { checkFeeds } from './input-check';
import { inputFor, parseJsonInputs } from './json-input';
import { readNpy } from './npy-reader';
import { wireToHost } from './tensor-codec';
import { decodeTensorProto } from './tensor-proto';
import type { IoMeta } from './worker-protocol';

/** Input files beyond this size are refused: predictions take examples, not datasets. */
const MAX_INPUT_BYTES = 1024 * 1024 * 1024;

/**
 * Turns a prediction's input sources into checked feeds in the model's input order. Sources that produce the same
 * input (several images for one input) are stacked along the batch axis. Sources without a name and without input
 * names of their own (a .npy, an image) fill the model's inputs in order.
 */
/** What the person should know about how inputs were read: notes (see orientationNote) and image previews. Filled when given. */
export interface InputReport {
  notes: string[];
  previews: ImagePreview[];
}

/** Image previews per prediction: enough to check the framing, not a gallery of a whole batch. */
const MAX_PREVIEWS = 4;

export function resolveInputs(sources: InputSource[], inputs: IoMeta[], spec: Spec | null, report?: InputReport): HostTensor[] {
  const produced: HostTensor[] = [];
  const positional = (): IoMeta => {
    const free = inputs.find((i) => !produced.some((t) => t.name === i.name)) ?? inputs[0];
    if (!free) throw new ModelDockError({ code: 'no-inputs', title: 'This model takes no inputs', message: 'The model declares no inputs to feed.', fix: 'Run it without inputs.' });
    return free;
  };
  for (const source of sources) {
    if (source.kind === 'tensor') {
      const input = inputFor(source.tensor.name, inputs);
      produced.push(wireToHost(source.tensor, input.elementType ?? source.tensor.elementType));
    } else if (source.kind === 'json') {
      produced.push(...parseJsonInputs(source.text, inputs, source.name));
    } else {
      produced.push(...readFileSource(source.path, source.name, inputs, spec, positional, report));
    }
  }
  return checkFeeds(stackByName(produced), inputs);
}

function readFileSource(
  filePath: string, name: string | undefined, inputs: IoMeta[], spec: Spec | null, positional: () => IoMeta, report: InputReport | undefined,
): HostTensor[] {
  const bytes = readInputFile(filePath);
  const base = path.basename(filePath);
  const ext = path.extname(filePath).toLowerCase();
  if (isImageBytes(bytes)) {
    const input = name ? inputFor(name, inputs) : imageInput(inputs, spec) ?? positional();
    const settings = spec?.inputs?.[input.name];
    const preprocess = settings?.type === 'image' ? (settings as ImagePreprocess) : undefined;
    const image = decodeImage(bytes, base);
    const tensor = imageToTensor(image, input, preprocess);
    // Only a caller that shows them gets notes and previews (a PNG each): a monitoring profile does not pay for them.
    if (!report) return [tensor];
    const note = orientationNote(base, input.name, image.orientation ?? 1, preprocess?.orientation ?? 'as-stored');
    if (note) report.notes.push(note);
    if (report.previews.length < MAX_PREVIEWS) report.previews.push(imageTensorPreview(tensor, input, preprocess, base));
    return [tensor];
  }
  if (bytes[0] === 0x93 && Buffer.from(bytes.subarray(1, 6)).toString('latin1') === 'NUMPY') {
    const input = name ? inputFor(name, inputs) : positional();
    return [{ ...readNpy(bytes, input.name), name: input.name }];
  }
  if (ext === '.pb') {
    const t = decodeTensorProto(bytes, base);
    const input = name ? inputFor(name, inputs) : inputs.find((i) => i.name === t.name) ?? positional();
    return [{ ...t, name: input.name }];
  }
  const text = Buffer.from(bytes).toString('utf8');
  if (ext === '.json' || /^\s*[[{]/.test(text)) return parseJsonInputs(text, inputs, name);
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return parseCsvInputs(text, inputs, spec?.inputs, name);
  throw new ModelDockError({
    code: 'input-file-unsupported',
    title: 'Unsupported input file',
    message: `${base} is not a file ModelDock can read as model input.`,
    fix: 'Use JSON (.json), CSV with a header row (.csv), NumPy (.npy), ONNX TensorProto (.pb), or a PNG/JPEG image.',
  });
}

function readInputFile(filePath: string): Uint8Array {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filePath);
  } catch {
    throw new ModelDockError({ code: 'input-file-missing', title: 'Input file not found', message: `${filePath} does not exist.`, fix: 'Check the path.' });
  }
  if (stat.isDirectory()) throw new ModelDockError({ code: 'input-file-missing', title: 'That is a folder', message: `${filePath} is a folder, not an input file.`, fix: 'Pick a file.' });
  if (stat.size > MAX_INPUT_BYTES) {
    throw new ModelDockError({ code: 'input-file-too-large', title: 'Input file too large', message: `${path.basename(filePath)} is ${(stat.size / 1e9).toFixed(1)} GB; predictions here take up to 1 GB of input.`, fix: 'Use a smaller batch.' });
  }
  return fs.readFileSync(filePath);
}

/** The input an image goes to: the one the spec marks as an image, else the only 4-D input. */
function imageInput(inputs: IoMeta[], spec: Spec | null): IoMeta | undefined {
  const marked = inputs.find((i) => spec?.inputs?.[i.name]?.type === 'image');
  if (marked) return marked;
  const fourD = inputs.filter((i) => i.dims.length === 4);
  return fourD.length === 1 ? fourD[0] : undefined;
}

/** Concatenates tensors for the same input along axis 0 (e.g. three images -> batch of 3). */
export function stackByName(tensors: HostTensor[]): HostTensor[] {
  const out: HostTensor[] = [];
  for (const t of tensors) {
    const prev = out.findIndex((o) => o.name === t.name);
    if (prev < 0) { out.push(t); continue; }
    const a = out[prev];
    if (a.elementType !== t.elementType || a.dims.length !== t.dims.length || a.dims.length === 0 || a.dims.slice(1).join() !== t.dims.slice(1).join()) {
      throw new ModelDockError({
        code: 'input-stack-mismatch',
        title: 'Inputs for the same name do not stack',
        message: `Two sources feed "${t.name}" with ${a.elementType} ${formatDims(a.dims)} and ${t.elementType} ${formatDims(t.dims)}; they stack along the first axis only when the rest matches.`,
        fix: 'Give every example the same size (resize images to the same size, same number of columns).',
      });
    }
    const data = allocateValues(a.elementType, a.data.length + t.data.length) as TensorValues;
    if (Array.isArray(data)) { data.splice(0, data.length, ...(a.data as string[]), ...(t.data as string[])); }
    else { (data as Float32Array).set(a.data as Float32Array, 0); (data as Float32Array).set(t.data as Float32Array, a.data.length); }
    out[prev] = { ...a, dims: [a.dims[0] + t.dims[0], ...a.dims.slice(1)], data };
  }
  return out;
}

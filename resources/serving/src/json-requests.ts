import type { HostTensor } from '../../../main/inference/host-tensor';
import type { IoMeta } from '../../../main/inference/worker-protocol';
import { base64Bytes, isBytes } from './encoded-bytes';
import { badRequest } from './http-error';
import type { ModelInfo } from './model-info';
import { checkFeedSet, jsonToTensor } from './tensor-build';

/**
 * The JSON request bodies of the lesson's /predict and TF-Serving/KServe V1 :predict:
 *   {"instances": [row, row, ...]}            rows of a single-input model (the list is the batch axis)
 *   {"instances": [{"a": row, "b": row}, ...]} one object per example for multi-input models
 *   {"inputs": tensor} or {"inputs": {"a": tensor, "b": tensor}}  columnar, each tensor with its batch axis
 * {"b64": "..."} anywhere stands for bytes: text for a string input, an encoded image (PNG, JPEG) for an image input,
 * as TF Serving clients send images: {"instances": [{"b64": "<jpeg>"}]} or {"instances": [{"image": {"b64": ...}}]}.
 */
export type RequestFormat = 'rows' | 'columns';

/** Encoded images a request gives one image input, in batch order; decoded by the server (image-requests.ts). */
export interface EncodedImages {
  input: string;
  images: Buffer[];
  /** How messages name each image. */
  labels: string[];
}

export interface ParsedJson {
  /** Every input's tensor, or, when `images` is not empty, those of the inputs that need no decoding. */
  feeds: HostTensor[];
  format: RequestFormat;
  images: EncodedImages[];
}

const NO_IMAGES: EncodedImages[] = [];

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw badRequest('The request body is empty; send JSON such as {"instances": [[...]]}.');
  const text = body.toString('utf8');
  try {
    const doc = JSON.parse(text) as unknown;
    return text.includes('"b64"') ? decodeB64(doc, 0) : doc;
  } catch (error) {
    if (error instanceof SyntaxError) throw badRequest(`The body is not valid JSON: ${error.message}.`);
    throw error;
  }
}

export function feedsFromPredictBody(doc: unknown, model: ModelInfo, maxElements: number, lesson: boolean): ParsedJson {
  if (!isObject(doc)) {
    throw badRequest(lesson
      ? 'Send a JSON object with "instances", e.g. {"instances": [[5.1, 3.5, 1.4, 0.2]]}.'
      : 'Send a JSON object with "instances" (rows) or "inputs" (columns).');
  }
  const hasInstances = 'instances' in doc;
  const hasInputs = 'inputs' in doc;
  if (hasInstances && hasInputs) throw badRequest('Give either "instances" (rows) or "inputs" (columns), not both.');
  if (hasInstances) return fromInstances(doc.instances, model, maxElements);
  if (hasInputs) return fromColumns(doc.inputs, model, maxElements);
  throw badRequest(lesson ? 'Missing "instances" in the request: send {"instances": [[...], ...]} with one list per example.' : 'The request has neither "instances" (rows) nor "inputs" (columns).');
}

function fromInstances(instances: unknown, model: ModelInfo, maxElements: number): ParsedJson {
  if (!Array.isArray(instances) || instances.length === 0) {
    throw badRequest('"instances" must be a non-empty list with one entry per example.');
  }
  const inputs = model.inputs;
  if (instances.every(isObject)) {
    const known = new Set(inputs.map((i) => i.name));
    instances.forEach((inst, index) => {
      const stray = Object.keys(inst as object).filter((k) => !known.has(k));
      if (stray.length) throw badRequest(`Instance ${index} names ${stray.map((k) => `"${k}"`).join(', ')}, which ${stray.length === 1 ? 'is' : 'are'} not an input of this model; its inputs are ${names(inputs)}.`);
    });
    const feeds: HostTensor[] = [];
    const images: EncodedImages[] = [];
    for (const input of inputs) {
      const rows = instances.map((inst, index) => {
        const row = (inst as Record<string, unknown>)[input.name];
        if (row === undefined) throw badRequest(`Instance ${index} has no "${input.name}"; every instance needs a value for each of ${names(inputs)}.`);
        return row;
      });
      const encoded = imageRows(rows, input, model, (i) => `The image in instance ${i}, "${input.name}"`);
      if (encoded) images.push(encoded);
      else feeds.push(jsonToTensor(rows, input, { maxElements, what: `Input "${input.name}"` }));
    }
    return finish(feeds, images, inputs, 'rows');
  }
  if (instances.some(isObject)) throw badRequest('"instances" mixes objects and lists; use one form for every example.');
  const input = onlyInput(model, 'a list of rows');
  const encoded = model.imageInputs.size ? imageRows(instances, input, model, (i) => `The image in instance ${i}`) : null;
  return encoded ? { feeds: [], images: [encoded], format: 'rows' } : finish([jsonToTensor(instances, input, { maxElements })], NO_IMAGES, inputs, 'rows');
}

/** Rows that are all bytes, for an image input: images to decode. Null when the rows are tensor values. */
function imageRows(rows: unknown[], input: IoMeta, model: ModelInfo, label: (index: number) => string): EncodedImages | null {
  if (!model.imageInputs.has(input.name) || !rows.some(isBytes)) return null;
  const notBytes = rows.findIndex((r) => !isBytes(r));
  if (notBytes >= 0) throw badRequest(`Input "${input.name}" mixes images ({"b64": ...}) and values; row ${notBytes} is not an image. Send every row the same way.`);
  return { input: input.name, images: rows as Buffer[], labels: rows.map((_, i) => label(i)) };
}

/** The feeds checked as a set, unless images are still to be decoded (the server checks the set after). */
function finish(feeds: HostTensor[], images: EncodedImages[], inputs: IoMeta[], format: RequestFormat): ParsedJson {
  return images.length ? { feeds, images, format } : { feeds: checkFeedSet(feeds, inputs), images: NO_IMAGES, format };
}

function fromColumns(value: unknown, model: ModelInfo, maxElements: number): ParsedJson {
  const inputs = model.inputs;
  const feeds: HostTensor[] = [];
  const images: EncodedImages[] = [];
  const add = (input: IoMeta, column: unknown) => {
    // One image, or a list of them (the batch).
    const rows = isBytes(column) ? [column] : Array.isArray(column) ? column : null;
    const encoded = rows && imageRows(rows, input, model, (i) => `The image at inputs.${input.name}[${i}]`);
    if (encoded) images.push(encoded);
    else feeds.push(jsonToTensor(column, input, { maxElements, addBatchAxis: true }));
  };
  if (isObject(value)) {
    const known = new Set(inputs.map((i) => i.name));
    const stray = Object.keys(value).filter((k) => !known.has(k));
    if (stray.length) throw badRequest(`${stray.map((k) => `"${k}"`).join(', ')} ${stray.length === 1 ? 'is' : 'are'} not an input of this model; its inputs are ${names(inputs)}.`);
    for (const [name, column] of Object.entries(value)) add(inputs.find((i) => i.name === name)!, column);
  } else {
    add(onlyInput(model, 'a single tensor'), value);
  }
  return finish(feeds, images, inputs, 'columns');
}

function onlyInput(model: ModelInfo, what: string): IoMeta {
  if (model.inputs.length === 1) return model.inputs[0];
  throw badRequest(`This model has ${model.inputs.length} inputs (${names(model.inputs)}); ${what} cannot say which it feeds. Send one object per example keyed by input name, e.g. {"instances": [{${model.inputs.map((i) => `"${i.name}": ...`).join(', ')}}]}.`);
}

export function names(inputs: IoMeta[]): string {
  return inputs.map((i) => `"${i.name}"`).join(', ');
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !isBytes(value);
}

/** {"b64": "aGVsbG8="} -> its bytes (TF Serving's spelling of bytes); bounded depth against hostile nesting. */
function decodeB64(value: unknown, depth: number): unknown {
  if (depth > 64) throw badRequest('The JSON is nested more than 64 levels deep.');
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decodeB64(value[i], depth + 1);
    return value;
  }
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'b64') {
      return base64Bytes(value.b64, 'A {"b64": ...} value');
    }
    for (const key of keys) value[key] = decodeB64(value[key], depth + 1);
    return value;
  }
  return value;
}

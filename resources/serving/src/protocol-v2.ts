import type { HostTensor } from '../../../main/inference/host-tensor';
import { base64Bytes } from './encoded-bytes';
import { badRequest } from './http-error';
import { isObject, names, type EncodedImages } from './json-requests';
import type { ModelInfo } from './model-info';
import { flatValues } from './output-values';
import { checkFeedSet, checkShape, jsonToTensor } from './tensor-build';
import { decodeBinaryTensor, encodeBinaryTensor, splitBytesElements } from './v2-binary';
import { fromV2Datatype, toV2Datatype } from '../../../shared/v2-datatypes';

/**
 * V2 Open Inference Protocol inference requests and responses (KServe V2 / Triton / MLServer), JSON and binary.
 * Request: {"id"?, "parameters"?, "inputs": [{"name", "shape", "datatype", "data" | parameters.binary_data_size}],
 * "outputs"?: [{"name", "parameters"?: {"binary_data"}}]}. Every input is checked against the model (name,
 * datatype, rank, fixed dims, element count) before its values are allocated.
 * An image input also takes encoded images (PNG, JPEG) as datatype BYTES, shape [N]: binary, as Triton's clients
 * send them, or in JSON as base64 text (JSON strings cannot hold raw bytes).
 */
export interface V2Request {
  id: string | undefined;
  /** The inputs' tensors; with `images`, those of the inputs that need no decoding. */
  feeds: HostTensor[];
  images: EncodedImages[];
  /** Outputs to return (all when the request names none), each as JSON data or binary. */
  outputs: Array<{ name: string; binary: boolean }>;
}

export function parseV2Request(body: Buffer, headerLength: number | null, model: ModelInfo, maxElements: number): V2Request {
  let json: Buffer = body;
  let binary: Buffer | null = null;
  if (headerLength !== null) {
    if (headerLength > body.length) throw badRequest(`Inference-Header-Content-Length is ${headerLength} but the body has only ${body.length} bytes.`);
    json = body.subarray(0, headerLength);
    binary = body.subarray(headerLength);
  }
  if (json.length === 0) throw badRequest('The request body is empty; send {"inputs": [{"name", "shape", "datatype", "data"}]}.');
  let doc: unknown;
  try {
    doc = JSON.parse(json.toString('utf8'));
  } catch (error) {
    throw badRequest(`The ${headerLength !== null ? 'JSON header' : 'body'} is not valid JSON: ${(error as Error).message}.`);
  }
  if (!isObject(doc)) throw badRequest('The request must be a JSON object with "inputs".');
  if (doc.id !== undefined && typeof doc.id !== 'string') throw badRequest('"id" must be a string.');
  if (!Array.isArray(doc.inputs) || doc.inputs.length === 0) throw badRequest('"inputs" must be a non-empty list of {"name", "shape", "datatype", "data"}.');

  let cursor = 0;
  const seen = new Set<string>();
  const images: EncodedImages[] = [];
  const feeds = doc.inputs.map((entry: unknown, index: number): HostTensor | null => {
    if (!isObject(entry)) throw badRequest(`inputs[${index}] must be an object with "name", "shape", "datatype" and "data".`);
    const { name, shape, datatype } = entry;
    if (typeof name !== 'string') throw badRequest(`inputs[${index}] has no "name".`);
    const input = model.inputs.find((i) => i.name === name);
    if (!input) throw badRequest(`"${name}" is not an input of this model; its inputs are ${names(model.inputs)}.`);
    if (seen.has(name)) throw badRequest(`Input "${name}" is given twice.`);
    seen.add(name);
    const what = `Input "${name}"`;
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number')) throw badRequest(`${what}: "shape" must be a list of whole numbers.`);
    if (typeof datatype !== 'string') throw badRequest(`${what}: "datatype" is missing (the model expects ${toV2Datatype(input.elementType)}).`);
    const parameters = isObject(entry.parameters) ? entry.parameters : {};
    const size = parameters.binary_data_size;
    const claimBinary = (): Buffer => {
      if (binary === null) throw badRequest(`${what} has binary_data_size but the request has no Inference-Header-Content-Length header.`);
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw badRequest(`${what}: binary_data_size must be a whole number of bytes.`);
      if (cursor + size > binary.length) throw badRequest(`${what}: binary_data_size ${size} goes past the end of the body (${binary.length - cursor} bytes remain).`);
      cursor += size;
      return binary.subarray(cursor - size, cursor);
    };
    if (datatype === 'BYTES' && model.imageInputs.has(name) && input.elementType !== 'string') {
      images.push(encodedImages(name, shape as number[], size !== undefined ? claimBinary() : null, entry.data, what));
      return null;
    }
    const type = fromV2Datatype(datatype);
    if (type === null || type !== input.elementType) {
      throw badRequest(`${what} expects datatype ${toV2Datatype(input.elementType)}; got ${type ? datatype : `"${datatype}", which is not a V2 datatype`}.`);
    }
    const dims = shape as number[];
    checkShape(input, dims, what);
    const count = dims.reduce((n, d) => n * d, 1);
    if (size !== undefined) return { name, elementType: type, dims, data: decodeBinaryTensor(claimBinary(), type, count, what) };
    if (entry.data === undefined) throw badRequest(`${what} has no "data" (and no parameters.binary_data_size).`);
    return jsonToTensor(entry.data, input, { maxElements, declaredDims: dims, what });
  });
  if (binary !== null && cursor !== binary.length) throw badRequest(`The body has ${binary.length - cursor} bytes of binary data that no input claims (check binary_data_size).`);

  const parameters = isObject(doc.parameters) ? doc.parameters : {};
  const allBinary = parameters.binary_data_output === true;
  let outputs: V2Request['outputs'];
  if (doc.outputs === undefined) {
    outputs = model.outputs.map((o) => ({ name: o.name, binary: allBinary }));
  } else {
    if (!Array.isArray(doc.outputs)) throw badRequest('"outputs" must be a list of {"name"}.');
    outputs = doc.outputs.map((o: unknown, index: number) => {
      if (!isObject(o) || typeof o.name !== 'string') throw badRequest(`outputs[${index}] must be an object with "name".`);
      if (!model.outputs.some((m) => m.name === o.name)) throw badRequest(`"${o.name}" is not an output of this model; its outputs are ${names(model.outputs)}.`);
      const p = isObject(o.parameters) ? o.parameters : {};
      return { name: o.name, binary: typeof p.binary_data === 'boolean' ? p.binary_data : allBinary };
    });
  }
  const given = feeds.filter((f): f is HostTensor => f !== null);
  return { id: doc.id as string | undefined, feeds: images.length ? given : checkFeedSet(given, model.inputs), images, outputs };
}

/** Encoded images for an image input, one per element of a BYTES tensor of shape [N]. */
function encodedImages(name: string, shape: number[], binary: Buffer | null, data: unknown, what: string): EncodedImages {
  if (shape.length !== 1 || shape[0] < 1) throw badRequest(`${what}: encoded images (datatype BYTES) take shape [N], one element per image; got [${shape.join(', ')}].`);
  const count = shape[0];
  let images: Buffer[];
  if (binary) {
    images = splitBytesElements(binary, count, what);
  } else {
    if (!Array.isArray(data)) throw badRequest(`${what} has no "data" (and no parameters.binary_data_size).`);
    if (data.length !== count) throw badRequest(`${what}: shape [${count}] needs ${count} images but "data" holds ${data.length}.`);
    images = data.map((text, i) => base64Bytes(text, `${what}: image ${i} in "data" (JSON carries images as base64)`));
  }
  return { input: name, images, labels: images.map((_, i) => `${what}, image ${i}`) };
}

export interface EncodedResponse {
  body: Buffer | string;
  headers: Record<string, string>;
}

export function encodeV2Response(model: ModelInfo, request: Pick<V2Request, 'id' | 'outputs'>, results: HostTensor[]): EncodedResponse {
  const chunks: Buffer[] = [];
  const outputs = request.outputs.map(({ name, binary }) => {
    const t = results.find((r) => r.name === name);
    if (!t) throw new Error(`The model returned no "${name}".`);
    const entry: Record<string, unknown> = { name, datatype: toV2Datatype(t.elementType), shape: t.dims };
    if (binary) {
      const bytes = encodeBinaryTensor(t);
      chunks.push(bytes);
      entry.parameters = { binary_data_size: bytes.length };
    } else {
      entry.data = flatValues(t);
    }
    return entry;
  });
  const doc: Record<string, unknown> = { model_name: model.name, model_version: model.version };
  if (request.id !== undefined) doc.id = request.id;
  doc.outputs = outputs;
  const json = JSON.stringify(doc);
  if (!chunks.length) return { body: json, headers: { 'Content-Type': 'application/json' } };
  const header = Buffer.from(json, 'utf8');
  return {
    body: Buffer.concat([header, ...chunks]),
    headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) },
  };
}

/** GET /v2/models/{name}: the model's metadata, dynamic dimensions as -1. */
export function v2ModelMetadata(model: ModelInfo): Record<string, unknown> {
  const io = (list: ModelInfo['inputs']) => list.map((t) => ({
    name: t.name,
    datatype: toV2Datatype(t.elementType),
    shape: t.dims.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
  }));
  return { name: model.name, versions: [model.version], platform: 'onnxruntime_onnx', inputs: io(model.inputs), outputs: io(model.outputs) };
}

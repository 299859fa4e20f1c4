import type { HostTensor } from '../../../main/inference/host-tensor';
import type { IoMeta } from '../../../main/inference/worker-protocol';
import { badRequest } from './http-error';
import type { ModelInfo } from './model-info';
import { checkFeedSet, jsonToTensor } from './tensor-build';

/**
 * The JSON request bodies of the lesson's /predict and TF-Serving/KServe V1 :predict:
 *   {"instances": [row, row, ...]}            rows of a single-input model (the list is the batch axis)
 *   {"instances": [{"a": row, "b": row}, ...]} one object per example for multi-input models
 *   {"inputs": tensor} or {"inputs": {"a": tensor, "b": tensor}}  columnar, each tensor with its batch axis
 * {"b64": "..."} anywhere stands for bytes (decoded to text for string inputs).
 */
export type RequestFormat = 'rows' | 'columns';

export interface ParsedJson {
  feeds: HostTensor[];
  format: RequestFormat;
}

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
  if (hasInstances) return { feeds: fromInstances(doc.instances, model, maxElements), format: 'rows' };
  if (hasInputs) return { feeds: fromColumns(doc.inputs, model, maxElements), format: 'columns' };
  throw badRequest(lesson ? 'Missing "instances" in the request: send {"instances": [[...], ...]} with one list per example.' : 'The request has neither "instances" (rows) nor "inputs" (columns).');
}

function fromInstances(instances: unknown, model: ModelInfo, maxElements: number): HostTensor[] {
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
    const feeds = inputs.map((input) => {
      const rows = instances.map((inst, index) => {
        const row = (inst as Record<string, unknown>)[input.name];
        if (row === undefined) throw badRequest(`Instance ${index} has no "${input.name}"; every instance needs a value for each of ${names(inputs)}.`);
        return row;
      });
      return jsonToTensor(rows, input, { maxElements, what: `Input "${input.name}"` });
    });
    return checkFeedSet(feeds, inputs);
  }
  if (instances.some(isObject)) throw badRequest('"instances" mixes objects and lists; use one form for every example.');
  const input = onlyInput(model, 'a list of rows');
  return checkFeedSet([jsonToTensor(instances, input, { maxElements })], inputs);
}

function fromColumns(value: unknown, model: ModelInfo, maxElements: number): HostTensor[] {
  const inputs = model.inputs;
  if (isObject(value)) {
    const known = new Set(inputs.map((i) => i.name));
    const stray = Object.keys(value).filter((k) => !known.has(k));
    if (stray.length) throw badRequest(`${stray.map((k) => `"${k}"`).join(', ')} ${stray.length === 1 ? 'is' : 'are'} not an input of this model; its inputs are ${names(inputs)}.`);
    const feeds = Object.entries(value).map(([name, tensor]) => jsonToTensor(tensor, inputs.find((i) => i.name === name)!, { maxElements, addBatchAxis: true }));
    return checkFeedSet(feeds, inputs);
  }
  const input = onlyInput(model, 'a single tensor');
  return checkFeedSet([jsonToTensor(value, input, { maxElements, addBatchAxis: true })], inputs);
}

function onlyInput(model: ModelInfo, what: string): IoMeta {
  if (model.inputs.length === 1) return model.inputs[0];
  throw badRequest(`This model has ${model.inputs.length} inputs (${names(model.inputs)}); ${what} cannot say which it feeds. Send one object per example keyed by input name, e.g. {"instances": [{${model.inputs.map((i) => `"${i.name}": ...`).join(', ')}}]}.`);
}

export function names(inputs: IoMeta[]): string {
  return inputs.map((i) => `"${i.name}"`).join(', ');
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** {"b64": "aGVsbG8="} -> "hello" (TF Serving's spelling of bytes); bounded depth against hostile nesting. */
function decodeB64(value: unknown, depth: number): unknown {
  if (depth > 64) throw badRequest('The JSON is nested more than 64 levels deep.');
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decodeB64(value[i], depth + 1);
    return value;
  }
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === 'b64') {
      if (typeof value.b64 !== 'string' || !/^[A-Za-z0-9+/=_-]*$/.test(value.b64)) throw badRequest('A {"b64": ...} value is not base64 text.');
      return Buffer.from(value.b64, 'base64').toString('utf8');
    }
    for (const key of keys) value[key] = decodeB64(value[key], depth + 1);
    return value;
  }
  return value;
}

import { ModelDockError } from '../../shared/errors';
import type { HostTensor } from './host-tensor';
import { flattenNested } from './nested-values';
import { valuesToTyped } from './tensor-codec';
import type { IoMeta } from './worker-protocol';

/**
 * JSON inputs in the forms people already have:
 * - nested arrays (or a single row) for a single-input model, or for the input a source is bound to;
 * - {"instances": [...]} as TF Serving / KServe v1 send it: one entry per example, each a row or an object keyed by
 *   input name; {"inputs": ...} (columnar) likewise;
 * - one object keyed by input name for multi-input models: {"features": [[...]], "category": [[1]]};
 * - tensors as ModelDock writes them: {"name", "elementType", "dims", "data"} (one, or a list).
 */
type Json = unknown;

export function parseJsonInputs(text: string, inputs: IoMeta[], boundName?: string): HostTensor[] {
  let doc: Json;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ModelDockError({
      code: 'json-invalid',
      title: 'The JSON is not valid',
      message: `The JSON input cannot be parsed: ${(error as Error).message}.`,
      fix: 'Check brackets, commas and quotes (JSON has no NaN or trailing commas).',
    });
  }
  return fromDocument(doc, inputs, boundName);
}

function fromDocument(doc: Json, inputs: IoMeta[], boundName?: string): HostTensor[] {
  if (isObject(doc)) {
    if ('instances' in doc) return fromInstances(doc.instances, inputs, boundName);
    if ('inputs' in doc && Object.keys(doc).length === 1) return fromDocument(doc.inputs, inputs, boundName);
    if (isTensorObject(doc)) return [fromTensorObject(doc, inputs, boundName)];
    if (boundName) throw notUnderstood(boundName);
    const keys = Object.keys(doc);
    const unknown = keys.filter((k) => !inputs.some((i) => i.name === k));
    if (unknown.length) {
      throw new ModelDockError({
        code: 'unknown-input',
        title: 'The JSON names inputs the model does not have',
        message: `${unknown.map((k) => `"${k}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not an input of this model; its inputs are ${inputs.map((i) => `"${i.name}"`).join(', ')}.`,
        fix: 'Key the object by the model\'s input names, or use {"instances": [...]}.',
      });
    }
    return keys.map((k) => nestedToTensor(k, doc[k], inputs));
  }
  if (Array.isArray(doc) && doc.length > 0 && doc.every(isTensorObject)) {
    return doc.map((t) => fromTensorObject(t as Record<string, Json>, inputs));
  }
  if (Array.isArray(doc) && doc.length > 0 && doc.every((d) => isObject(d))) return fromInstances(doc, inputs, boundName);
  return [nestedToTensor(targetName(inputs, boundName), doc, inputs)];
}

function fromInstances(instances: Json, inputs: IoMeta[], boundName?: string): HostTensor[] {
  if (!Array.isArray(instances) || instances.length === 0) {
    throw new ModelDockError({
      code: 'json-invalid',
      title: 'No instances',
      message: '"instances" must be a non-empty list with one entry per example.',
      fix: 'Write {"instances": [[...], [...]]} or {"instances": [{"input_name": ...}, ...]}.',
    });
  }
  if (!boundName && instances.every((i) => isObject(i) && !isTensorObject(i))) {
    const names = inputs.filter((input) => instances.some((i) => input.name in (i as Record<string, Json>)));
    const stray = Object.keys(instances[0] as object).filter((k) => !inputs.some((i) => i.name === k));
    if (stray.length) {
      throw new ModelDockError({
        code: 'unknown-input',
        title: 'The instances name inputs the model does not have',
        message: `${stray.map((k) => `"${k}"`).join(', ')} ${stray.length === 1 ? 'is' : 'are'} not an input of this model; its inputs are ${inputs.map((i) => `"${i.name}"`).join(', ')}.`,
        fix: 'Key each instance by the model\'s input names.',
      });
    }
    return names.map((input) => {
      const rows = instances.map((inst, index) => {
        const row = (inst as Record<string, Json>)[input.name];
        if (row === undefined) {
          throw new ModelDockError({
            code: 'missing-input',
            title: 'An instance lacks an input',
            message: `Instance ${index} has no "${input.name}"; every instance needs a value for each input it names.`,
            fix: `Add "${input.name}" to instance ${index}.`,
          });
        }
        return row;
      });
      return batchToTensor(input.name, rows, inputs);
    });
  }
  return [batchToTensor(targetName(inputs, boundName), instances, inputs)];
}

/** Instances are examples: stacked, they form the batch axis. */
function batchToTensor(name: string, rows: Json[], inputs: IoMeta[]): HostTensor {
  const input = inputFor(name, inputs);
  const { dims, values } = flattenNested(rows, name);
  return typed(input, dims, values);
}

function nestedToTensor(name: string, value: Json, inputs: IoMeta[]): HostTensor {
  const input = inputFor(name, inputs);
  let { dims, values } = flattenNested(value, name);
  // A single example without its batch axis: [5.1, 3.5, 1.4, 0.2] for an input of shape [batch, 4].
  if (dims.length === input.dims.length - 1 && input.dims.length > 0 && input.dims[0] !== 0) dims = [1, ...dims];
  return typed(input, dims, values);
}

function fromTensorObject(doc: Record<string, Json>, inputs: IoMeta[], boundName?: string): HostTensor {
  const name = boundName ?? (typeof doc.name === 'string' && doc.name ? doc.name : targetName(inputs));
  const input = inputFor(name, inputs);
  const dims = doc.dims as number[];
  const data = doc.data as Json[];
  if (!Array.isArray(dims) || !dims.every((d) => Number.isInteger(d) && d >= 0) || !Array.isArray(data)) throw notUnderstood(name);
  const count = dims.reduce((n, d) => n * d, 1);
  if (count !== data.length) {
    throw new ModelDockError({
      code: 'tensor-size-mismatch',
      title: 'Tensor data does not match its shape',
      message: `Tensor "${name}" has dims [${dims.join(', ')}] (${count} values) but data holds ${data.length}.`,
      fix: 'Make the data length equal to the product of the dims.',
    });
  }
  return typed(input, dims, data);
}

function typed(input: IoMeta, dims: number[], values: unknown[]): HostTensor {
  if (!input.isTensor || !input.elementType) throw nonTensorInput(input.name);
  return { name: input.name, elementType: input.elementType, dims, data: valuesToTyped(values, input.elementType, input.name, dims) };
}

function targetName(inputs: IoMeta[], boundName?: string): string {
  if (boundName) return boundName;
  if (inputs.length === 1) return inputs[0].name;
  throw new ModelDockError({
    code: 'ambiguous-input',
    title: 'Which input is this for?',
    message: `This model has ${inputs.length} inputs (${inputs.map((i) => `"${i.name}"`).join(', ')}), and a plain list cannot say which it feeds.`,
    fix: 'Use one object keyed by input name, e.g. {"' + (inputs[0]?.name ?? 'input') + '": [...], ...}, or bind the file to an input (NAME=file.json).',
  });
}

export function inputFor(name: string, inputs: IoMeta[]): IoMeta {
  const input = inputs.find((i) => i.name === name);
  if (input) return input;
  throw new ModelDockError({
    code: 'unknown-input',
    title: 'No such input',
    message: `"${name}" is not an input of this model; its inputs are ${inputs.map((i) => `"${i.name}"`).join(', ')}.`,
    fix: 'Use one of the model\'s input names.',
  });
}

export function nonTensorInput(name: string): ModelDockError {
  return new ModelDockError({
    code: 'non-tensor-input',
    title: 'This input is not a tensor',
    message: `Input "${name}" takes a sequence or map, which ONNX Runtime for Node cannot be given.`,
    fix: 'Export the model with tensor inputs.',
  });
}

function notUnderstood(name: string): ModelDockError {
  return new ModelDockError({
    code: 'json-invalid',
    title: 'The JSON is not a tensor',
    message: `The JSON for "${name}" is an object ModelDock does not understand.`,
    fix: 'Give nested lists of values, {"instances": [...]}, or {"dims": [...], "data": [...]}.',
  });
}

function isObject(v: Json): v is Record<string, Json> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isTensorObject(v: Json): v is Record<string, Json> {
  return isObject(v) && Array.isArray(v.dims) && Array.isArray(v.data);
}

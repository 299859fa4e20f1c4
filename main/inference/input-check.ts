import { ModelDockError } from '../../shared/errors';
import type { Dim } from '../../shared/schemas/tensor';
import { formatDims, type HostTensor } from './host-tensor';
import { coerceTensor } from './tensor-codec';
import type { IoMeta } from './worker-protocol';

/**
 * Checks the given tensors against the model's inputs before anything reaches ONNX Runtime, so a mistake reads
 * `Input "input" expects float32 [batch, 4]; got float32 [2, 5]` instead of a runtime stack. Safe conversions
 * (float64 -> float32, whole numbers -> int64, ...) are applied; unknown and missing inputs are errors.
 * Returns the feeds in the model's input order.
 */
export function checkFeeds(given: HostTensor[], inputs: IoMeta[]): HostTensor[] {
  const names = inputs.map((i) => i.name);
  const unknown = given.filter((t) => !names.includes(t.name));
  if (unknown.length) {
    throw new ModelDockError({
      code: 'unknown-input',
      title: 'Unknown input name',
      message: `${unknown.map((t) => `"${t.name}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not an input of this model; its inputs are ${names.map((n) => `"${n}"`).join(', ')}.`,
      fix: 'Use the model\'s input names.',
    });
  }
  const missing = inputs.filter((i) => !given.some((t) => t.name === i.name));
  if (missing.length) {
    throw new ModelDockError({
      code: 'missing-input',
      title: missing.length === 1 ? 'An input is missing' : 'Inputs are missing',
      message: `The model needs ${missing.map((i) => `"${i.name}" (${describe(i)})`).join(', ')}, which ${missing.length === 1 ? 'was' : 'were'} not given.`,
      fix: 'Give a value for every input (the Sample button fills them with valid values).',
    });
  }
  const symbols = new Map<string, { value: number; input: string }>();
  return inputs.map((input) => {
    let t = given.find((g) => g.name === input.name)!;
    if (!input.isTensor || !input.elementType) {
      throw new ModelDockError({
        code: 'non-tensor-input',
        title: 'This input is not a tensor',
        message: `Input "${input.name}" takes a sequence or map, which ONNX Runtime for Node cannot be given.`,
        fix: 'Export the model with tensor inputs.',
      });
    }
    // One example without its batch axis, for an input whose first axis is the batch.
    if (t.dims.length === input.dims.length - 1 && (typeof input.dims[0] !== 'number' || input.dims[0] === 1)) {
      t = { ...t, dims: [1, ...t.dims] };
    }
    if (t.elementType !== input.elementType) {
      const coerced = coerceTensor(t, input.elementType);
      if (!coerced) throw mismatch(input, t, `its ${t.elementType} values do not convert to ${input.elementType} without loss`);
      t = coerced;
    }
    if (t.dims.length !== input.dims.length) throw mismatch(input, t, `it has ${t.dims.length} dimension${t.dims.length === 1 ? '' : 's'}, the model takes ${input.dims.length}`);
    input.dims.forEach((want, axis) => {
      const got = t.dims[axis];
      if (typeof want === 'number' && want >= 0 && got !== want) throw mismatch(input, t, `dimension ${axis} must be ${want}`);
      if (typeof want === 'string' && want) {
        const seen = symbols.get(want);
        if (seen && seen.value !== got) throw mismatch(input, t, `"${want}" is ${seen.value} in input "${seen.input}" but ${got} here`);
        symbols.set(want, { value: got, input: input.name });
      }
    });
    return t;
  });
}

function describe(input: IoMeta): string {
  return `${input.elementType ?? 'non-tensor'} ${formatDims(input.dims as Dim[])}`;
}

function mismatch(input: IoMeta, t: HostTensor, why: string): ModelDockError {
  return new ModelDockError({
    code: 'input-mismatch',
    title: 'An input does not fit the model',
    message: `Input "${input.name}" expects ${describe(input)}; got ${t.elementType} ${formatDims(t.dims)} (${why}).`,
    fix: `Give "${input.name}" a ${describe(input)} tensor; named dimensions like "batch" may be any size.`,
  });
}

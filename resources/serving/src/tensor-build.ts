import type { ElementType } from '../../../shared/schemas/tensor';
import { numberToFloat16Bits } from '../../../main/inference/float16';
import { INTEGER_RANGES, allocateValues, formatDims, type HostTensor, type TensorValues } from '../../../main/inference/host-tensor';
import { checkFeeds } from '../../../main/inference/input-check';
import { convertValue, indexToPosition } from '../../../main/inference/tensor-codec';
import type { IoMeta } from '../../../main/inference/worker-protocol';
import { bytesAsText, isBytes } from './encoded-bytes';
import { HttpError, asHttpError, badRequest } from './http-error';
import { describeIo } from './model-info';

/**
 * JSON values -> input tensors, on the request path. The shape is read first (from the nesting, or as declared by
 * a V2 request) and checked against the model's input before the typed array is allocated, so a request claiming
 * a billion elements is refused with a sentence, not an out-of-memory. Values are written straight into the typed
 * array (numbers fast, anything else through the shared converter, whose messages name the element's position).
 */
export interface BuildOptions {
  /** Values no valid request can exceed (each JSON value takes at least a byte), so claims beyond it are refused. */
  maxElements: number;
  /** Shape as the request declares it (V2); otherwise read from the nesting. */
  declaredDims?: number[];
  /** A single example without its batch axis gets one ([5.1, 3.5, 1.4, 0.2] for [batch, 4]). */
  addBatchAxis?: boolean;
  /** How the request refers to this value in messages (default: Input "name"). */
  what?: string;
}

export function jsonToTensor(value: unknown, input: IoMeta, options: BuildOptions): HostTensor {
  const what = options.what ?? `Input "${input.name}"`;
  const type = tensorType(input);
  const probed = probeDims(value);
  let dims = options.declaredDims ?? probed;
  let wrapped = false;
  if (!options.declaredDims && options.addBatchAxis && dims.length === input.dims.length - 1 && input.dims.length > 0) {
    dims = [1, ...dims];
    wrapped = true;
  }
  checkShape(input, dims, what);
  const count = dims.reduce((n, d) => n * d, 1);
  if (count > options.maxElements) {
    throw badRequest(`${what}: shape ${formatDims(dims)} holds ${count.toLocaleString('en-US')} values, more than the request can carry.`);
  }
  let layout: number[];
  if (options.declaredDims) {
    // V2: data may be flat (row-major) or nested; either way it must hold exactly shape's element count.
    const flat = Array.isArray(value) && (value.length === 0 || !Array.isArray(value[0]));
    layout = flat ? [Array.isArray(value) ? value.length : 1] : probed;
    const given = layout.reduce((n, d) => n * d, 1);
    if (!Array.isArray(value)) throw badRequest(`${what}: "data" must be a list of values.`);
    if (given !== count) throw badRequest(`${what}: shape ${formatDims(dims)} needs ${count} values but "data" holds ${given}.`);
  } else {
    layout = probed;
  }
  const data = allocateValues(type, count);
  const state = { index: 0 };
  const fill = (node: unknown, depth: number, where: number[]): void => {
    if (depth === layout.length) {
      if (Array.isArray(node)) throw ragged(what, where, `is a list where a value was expected (other rows go ${layout.length} levels deep)`);
      store(data, state.index, node, type, what, dims);
      state.index++;
      return;
    }
    if (!Array.isArray(node)) throw ragged(what, where, `is a single value where a list of ${layout[depth]} was expected`);
    if (node.length !== layout[depth]) throw ragged(what, where, `has ${node.length} items where the first has ${layout[depth]}`);
    for (let i = 0; i < node.length; i++) {
      where.push(i);
      fill(node[i], depth + 1, where);
      where.pop();
    }
  };
  const numberRows = layout.length === 2 && (type === 'float32' || type === 'float64');
  if (!numberRows || !fillNumberRows(value, layout[0], layout[1], data as Float32Array | Float64Array)) fill(value, 0, []);
  return { name: input.name, elementType: type, dims: wrapped || options.declaredDims ? dims : probed, data };
}

/**
 * The common case (rows of plain numbers for a float input) without the general walk's bookkeeping. Returns false
 * at the first thing it does not expect; the general walk then starts over and names the problem.
 */
function fillNumberRows(value: unknown, rows: number, width: number, out: Float32Array | Float64Array): boolean {
  if (!Array.isArray(value) || value.length !== rows) return false;
  let at = 0;
  for (let r = 0; r < rows; r++) {
    const row: unknown = value[r];
    if (!Array.isArray(row) || row.length !== width) return false;
    for (let k = 0; k < width; k++) {
      const v: unknown = row[k];
      if (typeof v !== 'number') return false;
      out[at++] = v;
    }
  }
  return true;
}

export function tensorType(input: IoMeta): ElementType {
  if (!input.isTensor || !input.elementType) {
    throw badRequest(`Input "${input.name}" takes a sequence or map, which this server cannot be given.`);
  }
  return input.elementType;
}

/** Dims of nested lists, following the first element at each level. */
export function probeDims(value: unknown): number[] {
  const dims: number[] = [];
  let probe = value;
  while (Array.isArray(probe)) {
    dims.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  return dims;
}

/** Rank and fixed dimensions against the model's declaration. */
export function checkShape(input: IoMeta, dims: readonly number[], what = `Input "${input.name}"`): void {
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw badRequest(`${what}: shape ${formatDims(dims as number[])} must be whole numbers of 0 or more.`);
  }
  const fail = (why: string) => badRequest(`${what} expects ${describeIo(input)}; got shape ${formatDims(dims as number[])} (${why}).`);
  if (dims.length !== input.dims.length) {
    throw fail(`${dims.length} dimension${dims.length === 1 ? '' : 's'}; the model takes ${input.dims.length}`);
  }
  for (let axis = 0; axis < input.dims.length; axis++) {
    const want = input.dims[axis];
    if (typeof want === 'number' && want >= 0 && dims[axis] !== want) throw fail(`dimension ${axis} must be ${want}`);
  }
}

function ragged(what: string, where: number[], why: string): HttpError {
  const at = where.length ? `[${where.join('][')}]` : 'the top level';
  return badRequest(`${what}: the value at ${at} ${why} (the nested lists must be rectangular).`);
}

const F16 = new Uint16Array(1);

function store(out: TensorValues, index: number, value: unknown, type: ElementType, what: string, dims: number[]): void {
  // Fast paths for what JSON usually carries.
  if (typeof value === 'number') {
    switch (type) {
      case 'float32': case 'float64': (out as Float32Array)[index] = value; return;
      case 'int8': case 'int16': case 'int32': case 'uint8': case 'uint16': case 'uint32': {
        const [lo, hi] = INTEGER_RANGES[type];
        if (Number.isInteger(value) && value >= Number(lo) && value <= Number(hi)) { (out as Int32Array)[index] = value; return; }
        break;
      }
      case 'int64': case 'uint64':
        if (Number.isSafeInteger(value) && (type === 'int64' || value >= 0)) { (out as BigInt64Array)[index] = BigInt(value); return; }
        break;
      default: break;
    }
  }
  if (isBytes(value)) {
    if (type === 'string') { (out as string[])[index] = bytesAsText(value, `${what}: the bytes at ${indexToPosition(index, dims)}`); return; }
    throw badRequest(`${what} expects ${type}, but the value at ${indexToPosition(index, dims)} is bytes ({"b64": ...}); only string inputs and image inputs take bytes.`);
  }
  const converted = convertValue(value, type);
  if (!converted.ok) {
    throw badRequest(`${what} expects ${type}, but the value at ${indexToPosition(index, dims)} does not fit: ${converted.why}.`);
  }
  const v = converted.value;
  if (type === 'float16') { F16[0] = numberToFloat16Bits(Number(v)); (out as Uint16Array)[index] = F16[0]; }
  else if (type === 'int64' || type === 'uint64') (out as BigInt64Array)[index] = BigInt(v as bigint);
  else if (type === 'string') (out as string[])[index] = String(v);
  else (out as Float64Array)[index] = Number(v);
}

/**
 * Every input given, none unknown, and named dimensions ("batch") equal across inputs. Returns the feeds in the
 * model's input order. Shapes and types were checked while building, so this allocates nothing.
 */
export function checkFeedSet(feeds: HostTensor[], inputs: IoMeta[]): HostTensor[] {
  try {
    return checkFeeds(feeds, inputs);
  } catch (error) {
    throw asHttpError(error) ?? error;
  }
}

/** Rows along the batch axis (the first dimension of the first input), 1 for rank-0 inputs. */
export function rowCount(feeds: HostTensor[]): number {
  const first = feeds[0];
  return first && first.dims.length > 0 ? first.dims[0] : 1;
}

import { dictGet, isGlobal, type Value } from './pickle-values';

/**
 * joblib.dump writes a NumpyArrayWrapper (shape, order, dtype, alignment) into the pickle and then the array's
 * bytes straight into the file; joblib.load reads exactly shape x itemsize bytes (after an alignment padding
 * byte when the wrapper asks for it), or, for object arrays, a nested pickle. This works out the same length
 * from the wrapper's symbolic state, so the scan resumes where the unpickler would.
 */
export const JOBLIB_WRAPPERS = new Set([
  'joblib.numpy_pickle.NumpyArrayWrapper', 'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper',
]);

export type ArrayLayout = { kind: 'pickle' } | { kind: 'raw'; bytes: number; aligned: boolean };

/** numpy's NPY_ITEM_HASOBJECT flag in a dtype's pickled state. */
const HASOBJECT_FLAG = 1n;

/** The layout, or why it cannot be worked out. */
export function joblibArrayLayout(wrapper: Value & { t: 'object' }): ArrayLayout | string {
  const state = wrapper.state;
  if (!state || state.t !== 'dict') return 'its state is not a plain dictionary';
  const shape = dictGet(state, 'shape');
  const dtype = dictGet(state, 'dtype');
  if (!shape || shape.t !== 'tuple' || shape.more > 0) return 'its shape is not a tuple of integers';
  let count = 1n;
  for (const dim of shape.items) {
    if (dim.t !== 'int' || dim.v < 0n) return 'its shape is not a tuple of integers';
    count *= dim.v;
  }
  if (!dtype) return 'it has no dtype';
  const type = dtypeFacts(dtype);
  if (typeof type === 'string') return type;
  if (type.hasObject) return { kind: 'pickle' };
  const alignment = dictGet(state, 'numpy_array_alignment_bytes');
  const bytes = count * BigInt(type.itemSize);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return `its shape claims ${bytes} bytes of data`;
  return { kind: 'raw', bytes: Number(bytes), aligned: !!alignment && alignment.t !== 'none' };
}

/** Item size and object-ness of a pickled numpy.dtype: REDUCE(numpy.dtype, ("f8", False, True)) then BUILD(state). */
function dtypeFacts(dtype: Value): { itemSize: number; hasObject: boolean } | string {
  if (dtype.t !== 'object' || !isGlobal(dtype.creator, 'numpy', 'dtype')) return 'its dtype is not a plain numpy.dtype';
  const args = dtype.args;
  const spec = args && args.t === 'tuple' ? args.items[0] : undefined;
  if (!spec || spec.t !== 'str') return 'its dtype has no type code';
  const match = /^([a-zA-Z?])(\d*)$/.exec(spec.v);
  if (!match) return `its dtype "${spec.v}" is not a type code numpy writes`;
  const [, kind, digits] = match;
  let elsize = -1n;
  let flags = 0n;
  const state = dtype.state;
  if (state && state.t === 'tuple') {
    const [version, , , , , size, , flagValue] = state.items;
    if (version?.t === 'int' && state.items.length >= 8) {
      if (size?.t === 'int') elsize = size.v;
      if (flagValue?.t === 'int') flags = flagValue.v;
    }
  }
  const hasObject = kind === 'O' || (flags & HASOBJECT_FLAG) !== 0n;
  if (hasObject) return { itemSize: 8, hasObject };
  let itemSize: number;
  if (elsize > 0n) itemSize = Number(elsize);
  else if (digits) itemSize = Number(digits) * (kind === 'U' ? 4 : 1);
  else if (kind === '?' || kind === 'b') itemSize = 1;
  else return `its dtype "${spec.v}" has no size`;
  return { itemSize, hasObject };
}

/**
 * The symbolic values the pickle analyser keeps on its stack and in its memo: constants it can read (strings,
 * ints, small containers) and opaque results of calls it never makes. Containers keep their first items only,
 * enough to follow imports through the memo and to size joblib's embedded arrays, not to rebuild the object.
 */
export type Value =
  | { t: 'none' }
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: bigint }
  | { t: 'float' }
  | { t: 'str'; v: string }
  | { t: 'bytes'; length: number }
  | { t: 'tuple'; items: Value[]; more: number }
  | { t: 'list'; items: Value[]; more: number }
  | { t: 'set'; items: Value[]; more: number }
  | { t: 'dict'; entries: Array<[Value, Value]>; more: number }
  /** What GLOBAL/STACK_GLOBAL/INST resolved: a module attribute, not yet called. */
  | { t: 'global'; module: string; name: string }
  /** An import the scan cannot name (computed module or name, extension code). */
  | { t: 'unresolved'; why: string }
  /** The result of calling something (REDUCE, NEWOBJ, OBJ, INST); `state` is what BUILD gave it. */
  | { t: 'object'; creator: Value; args: Value | null; state: Value | null }
  | { t: 'persistent' }
  | { t: 'buffer' };

/** How many items a container keeps; the rest are only counted. */
export const KEPT_ITEMS = 256;

export function pushItem<T>(box: { items?: T[]; entries?: T[]; more: number }, item: T): void {
  const list = (box.items ?? box.entries) as T[];
  if (list.length < KEPT_ITEMS) list.push(item);
  else box.more++;
}

/** "numpy.dtype", "<result of numpy.dtype>", "<computed str>": how a value reads in the report. */
export function describe(value: Value, depth = 0): string {
  switch (value.t) {
    case 'global': return `${value.module}.${value.name}`;
    case 'unresolved': return `<unresolved import: ${value.why}>`;
    case 'object': return depth > 2 ? '<result of a call>' : `<result of ${describe(value.creator, depth + 1)}>`;
    case 'str': return `<string ${JSON.stringify(value.v.length > 40 ? `${value.v.slice(0, 40)}…` : value.v)}>`;
    default: return `<${value.t}>`;
  }
}

export function dictGet(dict: Value, key: string): Value | undefined {
  if (dict.t !== 'dict') return undefined;
  for (const [k, v] of dict.entries) if (k.t === 'str' && k.v === key) return v;
  return undefined;
}

export function isGlobal(value: Value, module: string, name: string): boolean {
  return value.t === 'global' && value.module === module && value.name === name;
}

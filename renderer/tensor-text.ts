import type { WireTensor } from '../shared/schemas/tensor';

type Value = WireTensor['data'][number];
type Nested = Value | Nested[];

/** Flat wire data + dims -> nested arrays, the way users write tensors in JSON. */
export function nest(data: Value[], dims: number[]): Nested {
  if (dims.length === 0) return data[0] ?? null;
  const [first, ...rest] = dims;
  const stride = rest.reduce((a, b) => a * b, 1);
  const out: Nested[] = [];
  for (let i = 0; i < first; i += 1) out.push(nest(data.slice(i * stride, (i + 1) * stride), rest));
  return out;
}

/** JSON with the innermost arrays on one line: readable for [batch, 4] and still compact for images. */
export function tensorJson(tensor: WireTensor): string {
  return formatNested(nest(tensor.data, tensor.dims), 0);
}

function formatNested(value: Nested, depth: number): string {
  if (!Array.isArray(value)) return JSON.stringify(roundValue(value));
  if (value.every((v) => !Array.isArray(v))) return `[${value.map((v) => JSON.stringify(roundValue(v as Value))).join(', ')}]`;
  const pad = '  '.repeat(depth + 1);
  return `[\n${value.map((v) => pad + formatNested(v, depth + 1)).join(',\n')}\n${'  '.repeat(depth)}]`;
}

function roundValue(value: Value): Value {
  return typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value;
}

export function valueText(value: Value): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : Number(value.toPrecision(6)).toString();
  return String(value);
}

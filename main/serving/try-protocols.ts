import type { TryExample, TryImageOther, TryProtocol } from '../../shared/schemas/serve';
import type { WireTensor } from '../../shared/schemas/tensor';
import { makeSampleInputs } from '../inference/sample-inputs';
import { hostToWire } from '../inference/tensor-codec';
import type { IoMeta } from '../inference/worker-protocol';
import { toV2Binary, v2Datatype } from './v2-binary';

/** Where a sample request goes: the running server and the model's name in its routes. */
export interface TryTarget {
  baseUrl: string;
  modelName: string;
}

/** A request ready to send, and the same request as a command a user can paste. */
export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
  curl: string;
  note: string | null;
}

const V2_BINARY_NOTE = 'V2 binary sends the JSON header followed by each tensor\'s raw little-endian bytes; '
  + 'Inference-Header-Content-Length says where the JSON ends. The curl command writes those bytes with printf; to keep them in a '
  + 'file instead, run the printf part with "> request.bin" and send it with curl --data-binary @request.bin. '
  + 'Outputs are asked for as JSON (binary_data_output: false) so they stay readable.';

export function pathFor(protocol: TryProtocol, modelName: string): string {
  switch (protocol) {
    case 'lesson': return '/predict';
    case 'v1': return `/v1/models/${encodeURIComponent(modelName)}:predict`;
    case 'v2':
    case 'v2-binary': return `/v2/models/${encodeURIComponent(modelName)}/infer`;
  }
}

/** Sample values for every input (one row when the batch size is free), as JSON text in the protocol's shape. */
export function sampleBody(protocol: TryProtocol, inputs: IoMeta[]): string {
  const tensors = makeSampleInputs(inputs, 'sample', 1, { firstDim: 1 }).map(hostToWire).map(tidy);
  if (protocol === 'v2' || protocol === 'v2-binary') {
    return formatJson({
      id: 'modeldock-try',
      inputs: tensors.map((t) => ({ name: t.name, shape: t.dims, datatype: v2Datatype(t.elementType), data: t.data })),
    });
  }
  // Row format: one entry per row of the first dimension; with several inputs each row names them.
  const rowCount = tensors[0]?.dims.length ? tensors[0].dims[0] : 1;
  const rows = Array.from({ length: rowCount }, (_, r) => (tensors.length === 1
    ? rowOf(tensors[0], r)
    : Object.fromEntries(tensors.map((t) => [t.name, rowOf(t, r)]))));
  return formatJson({ instances: rows });
}

/** `photo`: where a photo could be sent instead (see try-image.ts), passed through for the panel. */
export function exampleFor(protocol: TryProtocol, inputs: IoMeta[], target: TryTarget, edited?: string, photo: PhotoInputs = NO_PHOTO): TryExample {
  const body = edited ?? sampleBody(protocol, inputs);
  const prepared = prepareRequest(protocol, body, target);
  return { protocol, method: prepared.method, url: prepared.url, headers: prepared.headers, body, curl: prepared.curl, note: prepared.note, imageInput: photo.input, imageOthers: photo.others };
}

/** The input a photo can go to (null: none), and the model's other inputs, which a photo request carries values for. */
export interface PhotoInputs {
  input: string | null;
  others: TryImageOther[];
}

export const NO_PHOTO: PhotoInputs = { input: null, others: [] };

export function prepareRequest(protocol: TryProtocol, bodyText: string, target: TryTarget): PreparedRequest {
  const url = `${target.baseUrl.replace(/\/$/, '')}${pathFor(protocol, target.modelName)}`;
  if (protocol === 'v2-binary') {
    const { body, headerLength } = toV2Binary(bodyText);
    const headers = { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(headerLength) };
    const curl = `printf '${printfEscape(body)}' | \\\n  curl -sS -X POST ${shellQuote(url)} \\\n${curlHeaders(headers)}  --data-binary @-`;
    return { method: 'POST', url, headers, body, curl, note: V2_BINARY_NOTE };
  }
  const headers = { 'Content-Type': 'application/json' };
  const curl = `curl -sS -X POST ${shellQuote(url)} \\\n${curlHeaders(headers)}  --data-binary ${shellQuote(compactJson(bodyText))}`;
  return { method: 'POST', url, headers, body: bodyText, curl, note: null };
}

export function curlHeaders(headers: Record<string, string>): string {
  return Object.entries(headers).map(([k, v]) => `  -H ${shellQuote(`${k}: ${v}`)} \\\n`).join('');
}

/** Single quotes keep everything literal in sh/bash/zsh; a quote inside is closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * Bytes as a printf format inside single quotes: printable ASCII as is, everything else as a POSIX octal escape
 * (\ooo works in dash, bash, zsh and coreutils printf, unlike \x), % doubled.
 */
export function printfEscape(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x25) out += '%%';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f && byte !== 0x27) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}

function compactJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** Float32 samples printed as 0.1234 rather than 0.12340000271797180. */
export function tidy(t: WireTensor): WireTensor {
  if (t.elementType !== 'float32' && t.elementType !== 'float16') return t;
  return { ...t, data: t.data.map((v) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v)) };
}

export function rowOf(t: WireTensor, row: number): unknown {
  if (t.dims.length === 0) return t.data[0];
  const inner = t.dims.slice(1);
  const size = inner.reduce((a, b) => a * b, 1);
  return nest(t.data.slice(row * size, (row + 1) * size), inner);
}

function nest(values: unknown[], dims: number[]): unknown {
  if (dims.length === 0) return values[0];
  if (dims.length === 1) return values;
  const size = dims.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: dims[0] }, (_, i) => nest(values.slice(i * size, (i + 1) * size), dims.slice(1)));
}

/** JSON with objects on their own lines and arrays of plain values kept on one line (a 3x32x32 image stays short). */
export function formatJson(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.every((v) => v === null || typeof v !== 'object' || Array.isArray(v))) return JSON.stringify(value);
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    const inner = indent + '  ';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

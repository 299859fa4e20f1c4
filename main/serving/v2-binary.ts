import { ModelDockError } from '../../shared/errors';
import type { ElementType } from '../../shared/schemas/tensor';
import { V2_DATATYPES, v2DatatypeOf } from '../../shared/v2-datatypes';
import { numberToFloat16Bits } from '../inference/float16';

/** The V2 datatype for an element type; types V2 has no name for keep their own, upper-cased. */
export function v2Datatype(type: ElementType): string {
  return v2DatatypeOf(type) ?? type.toUpperCase();
}

interface V2JsonInput {
  name?: unknown;
  datatype?: unknown;
  data?: unknown;
  parameters?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * A V2 JSON inference request turned into the binary tensor data extension: each input's `data` leaves the JSON and
 * follows it as raw little-endian bytes (`parameters.binary_data_size` says how many), and the
 * Inference-Header-Content-Length header says where the JSON ends. Outputs are asked for as JSON so they stay
 * readable in the Try panel.
 */
export function toV2Binary(jsonText: string): { body: Buffer; headerLength: number } {
  let request: { inputs?: V2JsonInput[]; parameters?: Record<string, unknown>; [key: string]: unknown };
  try {
    request = JSON.parse(jsonText) as typeof request;
  } catch (error) {
    throw badBody(`The request body is not valid JSON (${(error as Error).message}).`);
  }
  if (!request || typeof request !== 'object' || !Array.isArray(request.inputs)) {
    throw badBody('A V2 request is a JSON object with an "inputs" list.');
  }
  const chunks: Buffer[] = [];
  const inputs = request.inputs.map((input, index) => {
    if (!input || typeof input !== 'object') throw badBody(`inputs[${index}] is not an object.`);
    if (input.data === undefined) return input;
    const name = typeof input.name === 'string' ? input.name : `inputs[${index}]`;
    let bytes: Buffer;
    try {
      bytes = encodeValues(flatten(input.data), String(input.datatype ?? ''), name);
    } catch (error) {
      if (error instanceof ModelDockError) throw error;
      throw badBody(`Input "${name}" holds a value that does not fit ${String(input.datatype)} (${(error as Error).message}).`);
    }
    chunks.push(bytes);
    const { data: _data, ...rest } = input;
    return { ...rest, parameters: { ...(input.parameters ?? {}), binary_data_size: bytes.length } };
  });
  const header = Buffer.from(JSON.stringify({
    ...request,
    inputs,
    parameters: { ...(request.parameters ?? {}), binary_data_output: false },
  }), 'utf8');
  return { body: Buffer.concat([header, ...chunks]), headerLength: header.length };
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap((v) => flatten(v)) : [value];
}

function encodeValues(values: unknown[], datatype: string, name: string): Buffer {
  const numbers = () => values.map((v, i) => {
    const n = typeof v === 'boolean' ? Number(v) : typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || (Number.isNaN(n) && v !== 'NaN')) throw badBody(`Input "${name}" value ${i} (${JSON.stringify(v)}) is not a number.`);
    return n;
  });
  const view = (array: { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }) => Buffer.from(array.buffer, array.byteOffset, array.byteLength);
  switch (datatype) {
    case 'FP32': return view(Float32Array.from(numbers()));
    case 'FP64': return view(Float64Array.from(numbers()));
    case 'FP16': return view(Uint16Array.from(numbers().map(numberToFloat16Bits)));
    case 'INT8': return view(Int8Array.from(numbers()));
    case 'INT16': return view(Int16Array.from(numbers()));
    case 'INT32': return view(Int32Array.from(numbers()));
    case 'UINT8': return view(Uint8Array.from(numbers()));
    case 'UINT16': return view(Uint16Array.from(numbers()));
    case 'UINT32': return view(Uint32Array.from(numbers()));
    case 'INT64': return view(BigInt64Array.from(values.map((v) => BigInt(typeof v === 'number' ? Math.trunc(v) : String(v)))));
    case 'UINT64': return view(BigUint64Array.from(values.map((v) => BigInt(typeof v === 'number' ? Math.trunc(v) : String(v)))));
    case 'BOOL': return view(Uint8Array.from(values.map((v) => (v === true || v === 1 ? 1 : 0))));
    case 'BYTES': return bytesElements(values.map((v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v), 'utf8')));
    default:
      throw badBody(`Input "${name}" has datatype "${datatype}"; the binary form needs one of ${BINARY_DATATYPES.join(', ')}.`);
  }
}

/** A V2 BYTES tensor's binary form: each element as its length (4 bytes, little-endian), then its bytes. */
export function bytesElements(elements: Uint8Array[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const element of elements) {
    const length = Buffer.alloc(4);
    length.writeUInt32LE(element.length);
    parts.push(length, element);
  }
  return Buffer.concat(parts);
}

/** What toV2Binary can encode: every V2 datatype but BF16, which no JS typed array holds. */
const BINARY_DATATYPES = V2_DATATYPES.filter((d) => d !== 'BF16');

function badBody(message: string): ModelDockError {
  return new ModelDockError({
    code: 'try-bad-body',
    title: 'The request body cannot be sent in binary form',
    message,
    fix: 'Edit the V2 JSON body (inputs with name, shape, datatype and data), or reset it to the sample.',
  });
}

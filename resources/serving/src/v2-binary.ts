import type { ElementType } from '../../../shared/schemas/tensor';
import { allocateValues, bytesPerElement, type HostTensor, type TensorValues } from '../../../main/inference/host-tensor';
import { bytesAsText } from './encoded-bytes';
import { badRequest } from './http-error';
import { isOwned } from './owned-buffers';

/**
 * The V2 binary tensor data extension: tensor values as raw little-endian bytes after the JSON header (its length in
 * Inference-Header-Content-Length), in the order of the inputs (or outputs) that declare binary_data_size. BOOL is
 * one byte per element; BYTES elements are each a 4-byte little-endian length followed by the bytes.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Raw bytes -> typed values, checked against the element count the shape declares before allocating. */
export function decodeBinaryTensor(bytes: Uint8Array, type: ElementType, count: number, what: string): TensorValues {
  if (type === 'string') return decodeBytesElements(bytes, count, what);
  const width = bytesPerElement(type);
  if (bytes.length !== count * width) {
    throw badRequest(`${what}: binary_data_size is ${bytes.length} bytes but shape and datatype need ${count} x ${width} = ${count * width}.`);
  }
  if (LITTLE_ENDIAN && isOwned(bytes.buffer) && bytes.byteOffset % width === 0) {
    // The body was read aligned for this (http-body concatAligned): a view, no copy.
    const view = viewValues(type, bytes.buffer, bytes.byteOffset, count);
    if (type === 'bool') normaliseBools(view as Uint8Array);
    return view;
  }
  const out = allocateValues(type, count) as Exclude<TensorValues, string[]>;
  // A fresh aligned copy: request bytes sit at arbitrary offsets in the body, and the copy can be transferred.
  new Uint8Array(out.buffer).set(bytes);
  if (!LITTLE_ENDIAN && width > 1) swapBytes(new Uint8Array(out.buffer), width);
  if (type === 'bool') normaliseBools(out as Uint8Array);
  return out;
}

function normaliseBools(values: Uint8Array): void {
  for (let i = 0; i < values.length; i++) values[i] = values[i] ? 1 : 0;
}

function viewValues(type: ElementType, buffer: ArrayBuffer, offset: number, count: number): Exclude<TensorValues, string[]> {
  const like = allocateValues(type, 0) as Exclude<TensorValues, string[]>;
  const View = like.constructor as new (buffer: ArrayBuffer, byteOffset: number, length: number) => Exclude<TensorValues, string[]>;
  return new View(buffer, offset, count);
}

function decodeBytesElements(bytes: Uint8Array, count: number, what: string): string[] {
  return splitBytesElements(bytes, count, what).map((element, i) => bytesAsText(element, `${what}: BYTES element ${i}`));
}

/** The elements of a binary BYTES tensor (each a 4-byte little-endian length, then that many bytes), as views. */
export function splitBytesElements(bytes: Uint8Array, count: number, what: string): Buffer[] {
  if (count > bytes.length / 4) throw badRequest(`${what}: ${bytes.length} bytes cannot hold ${count} BYTES elements (each needs a 4-byte length).`);
  const out = new Array<Buffer>(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) throw badRequest(`${what}: the binary data ends at element ${i} of ${count}.`);
    const length = view.getUint32(at, true);
    at += 4;
    if (at + length > bytes.length) throw badRequest(`${what}: element ${i} claims ${length} bytes but only ${bytes.length - at} remain.`);
    out[i] = Buffer.from(bytes.buffer, bytes.byteOffset + at, length);
    at += length;
  }
  if (at !== bytes.length) throw badRequest(`${what}: ${bytes.length - at} bytes are left over after ${count} BYTES elements.`);
  return out;
}

export function encodeBinaryTensor(t: HostTensor): Buffer {
  if (t.elementType === 'string') {
    const parts: Buffer[] = [];
    for (const s of t.data as string[]) {
      const body = Buffer.from(s, 'utf8');
      const head = Buffer.alloc(4);
      head.writeUInt32LE(body.length, 0);
      parts.push(head, body);
    }
    return Buffer.concat(parts);
  }
  const data = t.data as Exclude<TensorValues, string[]>;
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN || bytesPerElement(t.elementType) === 1) return view;
  const copy = Buffer.from(view);
  swapBytes(copy, bytesPerElement(t.elementType));
  return copy;
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i + width <= bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const x = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = x;
    }
  }
}

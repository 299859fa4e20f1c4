import { badRequest } from './http-error';

/**
 * Bytes in a JSON request: TF Serving's {"b64": "..."} (and V2 BYTES for an image input). They stay bytes until
 * the input they feed says what they are: text for a string input, an encoded image for an image input.
 */
export function isBytes(value: unknown): value is Buffer {
  return value instanceof Uint8Array;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes as text for a string input. ONNX Runtime for Node holds string tensors as JavaScript strings, so bytes that
 * are not UTF-8 could only reach the model altered: refused, instead of silently replaced with U+FFFD.
 */
export function bytesAsText(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw badRequest(`${what} is not UTF-8 text. String inputs take text: ONNX Runtime for Node cannot pass other bytes to a model unchanged. Send the text itself, or encode binary data (e.g. base64) into the text if the model expects that.`);
  }
}

/** `value` with every bytes value in it (at any depth of lists) read as UTF-8 text. */
export function bytesToText(value: unknown, what: string): unknown {
  if (isBytes(value)) return bytesAsText(value, what);
  return Array.isArray(value) ? value.map((item, i) => bytesToText(item, `${what}[${i}]`)) : value;
}

/** "aGVsbG8=" -> its bytes, for values that must be base64 (standard or URL-safe alphabet). */
export function base64Bytes(text: unknown, what: string): Buffer {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/=_-]*$/.test(text)) throw badRequest(`${what} is not base64 text.`);
  return Buffer.from(text, 'base64');
}

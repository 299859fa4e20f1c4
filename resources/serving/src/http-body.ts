import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error';
import { markOwned } from './owned-buffers';

/**
 * The request body, refused with 413 as soon as it is known to be too large: at once from Content-Length, or
 * while streaming (chunked uploads) the moment the count passes the limit, so an oversized body is never held.
 */
export function readBody(req: IncomingMessage, limitBytes: number, alignAt?: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, `The request body is larger than this server accepts (${formatBytes(limitBytes)}); send fewer rows per request or raise MODELDOCK_MAX_BODY_MB.`, { Connection: 'close' });
  const declared = req.headers['content-length'];
  const length = declared === undefined ? null : Number(declared);
  // Beyond the limit, the rest is read and dropped (not kept) up to this much more, so a client still sending gets
  // the 413 instead of a reset connection; beyond that the connection is closed at once.
  const drainCap = limitBytes + DRAIN_BYTES;
  if (length !== null && Number.isFinite(length) && length > drainCap) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let state: 'reading' | 'draining' | 'done' = 'reading';
    const stop = (error: HttpError) => {
      if (state === 'done') return;
      state = 'done';
      chunks.length = 0;
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (state === 'reading' && size > limitBytes) {
        state = 'draining';
        chunks.length = 0;
      }
      if (state === 'reading') chunks.push(chunk);
      else if (state === 'draining' && size > drainCap) stop(tooLarge());
    });
    req.once('end', () => {
      if (state === 'draining') stop(tooLarge());
      if (state !== 'reading') return;
      state = 'done';
      if (alignAt !== undefined) resolve(concatAligned(chunks, size, alignAt));
      else resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    req.once('error', (error) => stop(new HttpError(400, `The request body could not be read: ${error.message}.`, { Connection: 'close' })));
    req.once('aborted', () => stop(new HttpError(400, 'The client closed the connection before sending the whole body.', { Connection: 'close' })));
  });
}

const DRAIN_BYTES = 16 * 1024 * 1024;

/**
 * The body in a buffer of its own, placed so that byte `alignAt` (where V2 binary tensor data starts, after the
 * JSON header) lands on an 8-byte boundary: the tensors can then be typed-array views of the body instead of
 * copies, and the buffer can move to the inference thread. Costs what Buffer.concat costs: one copy of the chunks.
 */
function concatAligned(chunks: Buffer[], size: number, alignAt: number): Buffer {
  const pad = (8 - (alignAt % 8)) % 8;
  const buffer = new ArrayBuffer(size + pad);
  const bytes = new Uint8Array(buffer, pad, size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  markOwned(buffer);
  return Buffer.from(buffer, pad, size);
}

export interface MediaType {
  type: string;
  params: Record<string, string>;
}

/** "multipart/form-data; boundary=x" -> { type: "multipart/form-data", params: { boundary: "x" } } */
export function parseMediaType(header: string | undefined): MediaType | null {
  if (!header) return null;
  const [type, ...rest] = header.split(';');
  const params: Record<string, string> = {};
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    params[key] = value;
  }
  return { type: type.trim().toLowerCase(), params };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 102.4) / 10} KB`;
  return `${bytes} bytes`;
}

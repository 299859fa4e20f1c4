import type { IncomingMessage } from 'node:http';
import * as zlib from 'node:zlib';
import { HttpError } from './http-error';
import { markOwned } from './owned-buffers';

/**
 * The request body, refused with 413 as soon as it is known to be too large: at once from Content-Length, or
 * while streaming (chunked uploads) the moment the count passes the limit, so an oversized body is never held.
 */
export function readBody(req: IncomingMessage, limitBytes: number, alignAt?: number): Promise<Buffer> {
  const tooLarge = () => bodyTooLarge(limitBytes);
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
    req.once('aborted', () => stop(bodyCutShort()));
  });
}

const DRAIN_BYTES = 16 * 1024 * 1024;

export function bodyTooLarge(limitBytes: number): HttpError {
  return new HttpError(413, `The request body is larger than this server accepts (${formatBytes(limitBytes)}); send fewer rows per request or raise MODELDOCK_MAX_BODY_MB.`, { Connection: 'close' });
}

/** A client that closed its side with the body half sent. */
export function bodyCutShort(): HttpError {
  return new HttpError(400, 'The client closed the connection before sending the whole body.', { Connection: 'close' });
}

export type BodyEncoding = 'identity' | 'gzip' | 'deflate';

/**
 * A compressed body may expand at most this much: it is held in memory by the size it will reach, so that size is
 * decided before reading (see the server's readRequestBody). Float tensors and JSON compress a few times; more than
 * this is a decompression bomb, or data better sent as it is.
 */
export const MAX_INFLATION = 32;

/** Content-Encoding as the server reads it: none, gzip (Triton's and curl's --compressed) or deflate; else 415. */
export function bodyEncoding(header: string | undefined): BodyEncoding {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  if (value === 'deflate') return 'deflate';
  throw new HttpError(415, `Content-Encoding ${value} is not accepted; send the body uncompressed, or compressed with gzip or deflate.`);
}

/**
 * The decompressed body, off the event loop (zlib runs on libuv's pool), refused with 413 the moment it would pass
 * `limitBytes`. Aligned for V2 binary data like readBody's.
 */
export function inflateBody(body: Buffer, encoding: Exclude<BodyEncoding, 'identity'>, limitBytes: number, alignAt?: number): Promise<Buffer> {
  const inflate = (raw: boolean) => new Promise<Buffer>((resolve, reject) => {
    const done = (error: Error | null, out: Buffer) => (error ? reject(error) : resolve(out));
    if (encoding === 'gzip') zlib.gunzip(body, { maxOutputLength: limitBytes }, done);
    else if (raw) zlib.inflateRaw(body, { maxOutputLength: limitBytes }, done);
    else zlib.inflate(body, { maxOutputLength: limitBytes }, done);
  });
  const tooLarge = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
  // "deflate" is the zlib format by the HTTP spec, but some clients send raw deflate: try that second.
  return inflate(false)
    .catch((error: unknown) => (encoding === 'deflate' && !tooLarge(error) ? inflate(true) : Promise.reject(error)))
    .then(
      (out) => (alignAt !== undefined ? concatAligned([out], out.length, alignAt) : out),
      (error: unknown) => {
        if (tooLarge(error)) {
          throw new HttpError(413, `The ${encoding} body expands beyond ${formatBytes(limitBytes)} (at most ${MAX_INFLATION} times its compressed size, and the body size limit); send it uncompressed, or fewer rows per request.`);
        }
        throw new HttpError(400, `The request body is not valid ${encoding} data (${(error as Error).message}); check Content-Encoding.`);
      },
    );
}

/**
 * The body in a buffer of its own, placed so that byte `alignAt` (where V2 binary tensor data starts, after the
 * JSON header) lands on an 8-byte boundary: the tensors can then be typed-array views of the body instead of
 * copies, and the buffer can move to the inference thread. Costs what Buffer.concat costs: one copy of the chunks.
 */
export function concatAligned(chunks: Buffer[], size: number, alignAt: number): Buffer {
  const body = alignedBuffer(size, alignAt);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}

/** An empty buffer of its own for a body of `size` bytes, with byte `alignAt` on an 8-byte boundary. */
export function alignedBuffer(size: number, alignAt: number): Buffer {
  const pad = (8 - (alignAt % 8)) % 8;
  const buffer = new ArrayBuffer(size + pad);
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

import * as zlib from 'node:zlib';

/**
 * Compressed answers for clients that ask (Accept-Encoding), as Triton and MLServer do: Python's requests asks for
 * gzip on every call and browsers always do, while tritonclient asks only when response_compression_algorithm is
 * set. Only answers of COMPRESS_MIN_BYTES or more: a small answer shrinks by little and still costs a compression.
 * Level 1 (nginx's default): JSON numbers shrink about as much as at level 6 for a third of the CPU.
 */
export type ContentCoding = 'gzip' | 'deflate';

export const COMPRESS_MIN_BYTES = 1024;

/**
 * The coding to answer with for this Accept-Encoding, or null for none. gzip is preferred over deflate (whose
 * framing clients have disagreed on); "*" stands for any coding not named; q=0 refuses a coding.
 */
export function chooseCoding(acceptEncoding: string | undefined): ContentCoding | null {
  if (!acceptEncoding) return null;
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.split(';');
    const coding = name.trim().toLowerCase();
    if (!coding) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key.trim().toLowerCase() === 'q') {
        const parsed = Number(value?.trim());
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    weights.set(coding, q);
  }
  const weight = (coding: ContentCoding) => weights.get(coding) ?? weights.get('*') ?? 0;
  const gzip = weight('gzip');
  const deflate = weight('deflate');
  if (gzip > 0 && gzip >= deflate) return 'gzip';
  if (deflate > 0) return 'deflate';
  return null;
}

/** Compresses off the event loop (in libuv's thread pool); a failure hands back null, and the answer goes plain. */
export function compressBody(body: string | Buffer, coding: ContentCoding, done: (compressed: Buffer | null) => void): void {
  const options = { level: 1 };
  const callback = (error: Error | null, result: Buffer) => done(error ? null : result);
  if (coding === 'gzip') zlib.gzip(body, options, callback);
  else zlib.deflate(body, options, callback);
}

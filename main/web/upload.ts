import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ModelDockError } from '../../shared/errors';

/**
 * Files dropped into the browser travel as a raw request body and land in their own fresh folder under the data
 * dir (so a model's sibling files never collide with another upload). The body is streamed, never buffered: models
 * can be gigabytes.
 */
export const DEFAULT_UPLOAD_LIMIT = 8 * 1024 ** 3;

export async function receiveUpload(req: IncomingMessage, dataDir: string, rawName: string, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);

  const dir = path.join(dataDir, 'uploads', randomBytes(12).toString('hex'));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, sanitiseFileName(rawName));
  let received = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      done(received > maxBytes ? tooLarge(maxBytes) : null, chunk);
    },
  });
  try {
    await pipeline(req, limit, fs.createWriteStream(file, { flags: 'wx' }));
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    if (error instanceof ModelDockError) throw error;
    throw new ModelDockError({
      code: 'upload-failed',
      title: 'Upload failed',
      message: `The file "${rawName}" did not arrive completely.`,
      fix: 'Try again; for very large models, type the path on the engine\'s machine instead.',
    });
  }
  return file;
}

/** Keep the name recognisable (extension included) but safe on every file system. */
export function sanitiseFileName(raw: string): string {
  const base = raw.replace(/\\/g, '/').split('/').pop() ?? '';
  // eslint-disable-next-line no-control-regex
  let name = base.replace(/[\x00-\x1f\x7f]/g, '').replace(/[^\w.\-+@()]/g, '_').replace(/^\.+/, '');
  if (name.length > 120) {
    const ext = path.extname(name).slice(0, 20);
    name = name.slice(0, 120 - ext.length) + ext;
  }
  return name || 'upload.bin';
}

function tooLarge(maxBytes: number): ModelDockError {
  return new ModelDockError({
    code: 'upload-too-large',
    title: 'File too large to upload',
    message: `Uploads are limited to ${Math.round(maxBytes / 1024 ** 3)} GB.`,
    fix: 'Use the file browser to open the model from the engine\'s disk instead.',
  });
}

import * as fs from 'node:fs';
import { Readable } from 'node:stream';

/**
 * A minimal ustar writer for what ModelDock sends to Docker (build contexts, offline base root file systems).
 * Entries get uid/gid 0 and a fixed mtime so the same inputs give the same bytes; file contents stream from disk
 * so a multi-gigabyte model never sits in memory.
 */

export type TarEntry =
  | { type: 'file'; name: string; mode?: number; source: { path: string; size: number } | { data: Buffer } }
  | { type: 'dir'; name: string; mode?: number }
  | { type: 'symlink'; name: string; target: string };

const BLOCK = 512;
/** 2000-01-01: any constant works; a constant keeps archives byte-identical between runs. */
const FIXED_MTIME = 946684800;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function splitName(name: string): { name: string; prefix: string } {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: '' };
  // ustar stores long paths as prefix (155) + "/" + name (100).
  for (let cut = name.lastIndexOf('/'); cut > 0; cut = name.lastIndexOf('/', cut - 1)) {
    const prefix = name.slice(0, cut);
    const rest = name.slice(cut + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return { name: rest, prefix };
  }
  throw new Error(`Path too long for the archive: ${name}`);
}

function header(entry: TarEntry, size: number): Buffer {
  const block = Buffer.alloc(BLOCK, 0);
  const isDir = entry.type === 'dir';
  const { name, prefix } = splitName(isDir && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name);
  const mode = entry.type === 'symlink' ? 0o777 : (entry.mode ?? (isDir ? 0o755 : 0o644));
  block.write(name, 0, 100, 'utf8');
  block.write(octal(mode, 8), 100, 8, 'ascii');
  block.write(octal(0, 8), 108, 8, 'ascii');
  block.write(octal(0, 8), 116, 8, 'ascii');
  block.write(octal(size, 12), 124, 12, 'ascii');
  block.write(octal(FIXED_MTIME, 12), 136, 12, 'ascii');
  block.write('        ', 148, 8, 'ascii');
  block.write(entry.type === 'file' ? '0' : entry.type === 'dir' ? '5' : '2', 156, 1, 'ascii');
  if (entry.type === 'symlink') block.write(entry.target, 157, 100, 'utf8');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  block.write('root', 265, 32, 'ascii');
  block.write('root', 297, 32, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return block;
}

function sizeOf(entry: TarEntry): number {
  if (entry.type !== 'file') return 0;
  return 'data' in entry.source ? entry.source.data.length : entry.source.size;
}

/** Bytes the archive of these entries takes (headers, contents, padding and the end marker). */
export function tarSize(entries: TarEntry[]): number {
  let total = BLOCK * 2;
  for (const entry of entries) total += BLOCK + Math.ceil(sizeOf(entry) / BLOCK) * BLOCK;
  return total;
}

/** A readable tar archive of the entries, in order. A file that changed size since it was listed is an error. */
export function tarStream(entries: TarEntry[], onBytes?: (sent: number) => void): Readable {
  let sent = 0;
  async function* generate(): AsyncGenerator<Buffer> {
    for (const entry of entries) {
      const size = sizeOf(entry);
      yield header(entry, size);
      if (entry.type === 'file') {
        if ('data' in entry.source) {
          yield entry.source.data;
        } else {
          let read = 0;
          for await (const chunk of fs.createReadStream(entry.source.path, { highWaterMark: 1 << 20 })) {
            read += (chunk as Buffer).length;
            if (read > size) break;
            yield chunk as Buffer;
            sent += (chunk as Buffer).length;
            onBytes?.(sent);
          }
          if (read !== size) throw new Error(`${entry.source.path} changed while it was being packed (expected ${size} bytes, read ${read}).`);
        }
        const pad = (BLOCK - (size % BLOCK)) % BLOCK;
        if (pad) yield Buffer.alloc(pad, 0);
      }
    }
    yield Buffer.alloc(BLOCK * 2, 0);
  }
  return Readable.from(generate(), { objectMode: false });
}

import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

/**
 * A small zip writer for bundles: deflate for files up to 64 MiB (kept when it actually saves space), store for
 * larger ones (model weights barely compress, and storing streams them from disk without holding them in memory).
 * Zip64 records are written when a size, an offset or the entry count needs them, so a multi-gigabyte model works.
 * Every entry gets the same timestamp (2000-01-01, like the build context's tar) and its Unix mode, so the same
 * files make the same archive and an unzipped runtime library keeps its execute bit.
 */

export interface ZipEntry {
  /** Path inside the archive, forward slashes. */
  name: string;
  sourcePath: string;
  mode: number;
}

const DEFLATE_LIMIT = 64 * 1024 * 1024;
const MAX32 = 0xffffffff;
const DOS_DATE = ((2000 - 1980) << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
const UTF8_FLAG = 1 << 11;

interface Written { name: Buffer; method: number; crc: number; compressed: number; size: number; offset: number; mode: number }

/** Writes the archive to outFile (replacing it) and returns its size in bytes. */
export async function writeZip(outFile: string, entries: ZipEntry[], signal?: AbortSignal): Promise<number> {
  const handle = await fs.promises.open(outFile, 'w');
  let position = 0;
  const write = async (data: Buffer) => {
    await handle.write(data, 0, data.length, position);
    position += data.length;
  };
  const written: Written[] = [];
  try {
    for (const entry of entries) {
      signal?.throwIfAborted();
      const name = Buffer.from(entry.name, 'utf8');
      const size = (await fs.promises.stat(entry.sourcePath)).size;
      const offset = position;
      if (size <= DEFLATE_LIMIT) {
        const data = await fs.promises.readFile(entry.sourcePath);
        const crc = zlib.crc32(data);
        const deflated = zlib.deflateRawSync(data, { level: 6 });
        const useDeflate = deflated.length < data.length;
        const body = useDeflate ? deflated : data;
        const record = { name, method: useDeflate ? 8 : 0, crc, compressed: body.length, size, offset, mode: entry.mode };
        await write(localHeader(record));
        await write(body);
        written.push(record);
      } else {
        let crc = 0;
        for await (const chunk of fs.createReadStream(entry.sourcePath)) {
          signal?.throwIfAborted();
          crc = zlib.crc32(chunk as Buffer, crc);
        }
        const record = { name, method: 0, crc, compressed: size, size, offset, mode: entry.mode };
        await write(localHeader(record));
        for await (const chunk of fs.createReadStream(entry.sourcePath)) {
          signal?.throwIfAborted();
          await write(chunk as Buffer);
        }
        written.push(record);
      }
    }
    const directoryOffset = position;
    for (const record of written) await write(centralHeader(record));
    await write(endRecords(written.length, position - directoryOffset, directoryOffset));
  } finally {
    await handle.close();
  }
  return position;
}

function needsZip64(r: Written): boolean {
  return r.size >= MAX32 || r.compressed >= MAX32 || r.offset >= MAX32;
}

function localHeader(r: Written): Buffer {
  const big = r.size >= MAX32 || r.compressed >= MAX32;
  const extra = big ? zip64Extra([r.size, r.compressed]) : Buffer.alloc(0);
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(big ? 45 : 20, 4);
  b.writeUInt16LE(UTF8_FLAG, 6);
  b.writeUInt16LE(r.method, 8);
  b.writeUInt16LE(DOS_TIME, 10);
  b.writeUInt16LE(DOS_DATE, 12);
  b.writeUInt32LE(r.crc >>> 0, 14);
  b.writeUInt32LE(big ? MAX32 : r.compressed, 18);
  b.writeUInt32LE(big ? MAX32 : r.size, 22);
  b.writeUInt16LE(r.name.length, 26);
  b.writeUInt16LE(extra.length, 28);
  return Buffer.concat([b, r.name, extra]);
}

function centralHeader(r: Written): Buffer {
  const z64 = needsZip64(r);
  // Zip64 extra in the central directory holds, in this order, only the fields marked 0xFFFFFFFF.
  const fields = [r.size >= MAX32 ? r.size : null, r.compressed >= MAX32 ? r.compressed : null, r.offset >= MAX32 ? r.offset : null]
    .filter((v): v is number => v !== null);
  const extra = fields.length > 0 ? zip64Extra(fields) : Buffer.alloc(0);
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE((3 << 8) | (z64 ? 45 : 20), 4); // made on Unix: the external attributes hold a mode
  b.writeUInt16LE(z64 ? 45 : 20, 6);
  b.writeUInt16LE(UTF8_FLAG, 8);
  b.writeUInt16LE(r.method, 10);
  b.writeUInt16LE(DOS_TIME, 12);
  b.writeUInt16LE(DOS_DATE, 14);
  b.writeUInt32LE(r.crc >>> 0, 16);
  b.writeUInt32LE(Math.min(r.compressed, MAX32), 20);
  b.writeUInt32LE(Math.min(r.size, MAX32), 24);
  b.writeUInt16LE(r.name.length, 28);
  b.writeUInt16LE(extra.length, 30);
  b.writeUInt16LE(0, 32);
  b.writeUInt16LE(0, 34);
  b.writeUInt16LE(0, 36);
  b.writeUInt32LE((((0o100000 | (r.mode & 0o7777)) << 16) >>> 0), 38);
  b.writeUInt32LE(Math.min(r.offset, MAX32), 42);
  return Buffer.concat([b, r.name, extra]);
}

function zip64Extra(values: number[]): Buffer {
  const b = Buffer.alloc(4 + values.length * 8);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(values.length * 8, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + i * 8));
  return b;
}

function endRecords(count: number, directorySize: number, directoryOffset: number): Buffer {
  const z64 = count >= 0xffff || directorySize >= MAX32 || directoryOffset >= MAX32;
  const parts: Buffer[] = [];
  if (z64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE((3 << 8) | 45, 12);
    record.writeUInt16LE(45, 14);
    record.writeUInt32LE(0, 16);
    record.writeUInt32LE(0, 20);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(directorySize), 40);
    record.writeBigUInt64LE(BigInt(directoryOffset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeUInt32LE(0, 4);
    locator.writeBigUInt64LE(BigInt(directoryOffset + directorySize), 8);
    locator.writeUInt32LE(1, 16);
    parts.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(Math.min(count, 0xffff), 8);
  end.writeUInt16LE(Math.min(count, 0xffff), 10);
  end.writeUInt32LE(Math.min(directorySize, MAX32), 12);
  end.writeUInt32LE(Math.min(directoryOffset, MAX32), 16);
  end.writeUInt16LE(0, 20);
  parts.push(end);
  return Buffer.concat(parts);
}

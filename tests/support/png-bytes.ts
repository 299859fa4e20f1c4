import * as zlib from 'node:zlib';

/**
 * PNG files written byte by byte, for tests of what a decoder is handed: a header may declare any size, whatever
 * the data that follows (decompression bombs, lying headers).
 */
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An 8-bit gray PNG whose header declares width x height, with `idat` (zlib data) as its pixels. */
export function grayPng(width: number, height: number, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth; colour type 0 (gray), no interlace
  return Buffer.concat([SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A real side x side black PNG: a few hundred KB that inflate to side² bytes (a decompression bomb). */
export async function blackPng(side: number): Promise<Buffer> {
  const deflate = zlib.createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on('data', (b: Buffer) => parts.push(b));
  const row = Buffer.alloc(side + 1); // filter byte 0, then the row
  for (let y = 0; y < side; y++) deflate.write(row);
  await new Promise((resolve) => deflate.end(resolve));
  return grayPng(side, side, Buffer.concat(parts));
}

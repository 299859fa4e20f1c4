import { pngChunk } from './png-bytes';

/** EXIF data (a TIFF structure) whose first directory holds only the Orientation tag, in either byte order. */
export function orientationTiff(orientation: number, order: 'II' | 'MM' = 'II'): Buffer {
  const b = Buffer.alloc(26);
  const little = order === 'II';
  const u16 = (v: number, at: number) => (little ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
  const u32 = (v: number, at: number) => (little ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
  b.write(order, 0, 'latin1');
  u16(42, 2);
  u32(8, 4); // the first directory follows the header
  u16(1, 8); // one entry
  u16(0x0112, 10); // Orientation
  u16(3, 12); // SHORT
  u32(1, 14); // one value
  u16(orientation, 18); // in the value field itself
  u32(0, 22); // no next directory
  return b;
}

/** `jpeg` with an APP1 "Exif" segment carrying `tiff` right after its start marker, where cameras write it. */
export function jpegWithExif(jpeg: Uint8Array, tiff: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([Buffer.from(jpeg.subarray(0, 2)), head, body, Buffer.from(jpeg.subarray(2))]);
}

/** `png` with an eXIf chunk carrying `tiff` after its IHDR. */
export function pngWithExif(png: Uint8Array, tiff: Buffer): Buffer {
  const afterHeader = 8 + 25; // signature, then IHDR: length, type, 13 bytes, CRC
  return Buffer.concat([Buffer.from(png.subarray(0, afterHeader)), pngChunk('eXIf', tiff), Buffer.from(png.subarray(afterHeader))]);
}

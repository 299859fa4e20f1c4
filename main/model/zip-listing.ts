import * as fs from 'node:fs';

/**
 * Lists a zip archive's entries from its central directory at the end of the file (zip64 included, as PyTorch
 * writes for checkpoints over 4 GB), reading only the tail and the directory, never the members.
 */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  /** 0 = stored, 8 = deflate. */
  method: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const MAX_DIRECTORY_BYTES = 64 << 20;

/** Returns null when the file has no readable central directory (not a zip, or cut short). */
export function listZipEntries(fd: number, fileSize: number): ZipEntry[] | null {
  const tailLength = Math.min(fileSize, 65_557);
  const tail = readExact(fd, fileSize - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) { eocd = i; break; }
  }
  if (eocd < 0) return null;
  let entryCount = tail.readUInt16LE(eocd + 10);
  let directorySize = tail.readUInt32LE(eocd + 12);
  let directoryOffset = tail.readUInt32LE(eocd + 16);

  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) return null;
    const zip64Offset = Number(tail.readBigUInt64LE(locator + 8));
    if (zip64Offset + 56 > fileSize) return null;
    const record = readExact(fd, zip64Offset, 56);
    if (record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) return null;
    entryCount = Number(record.readBigUInt64LE(32));
    directorySize = Number(record.readBigUInt64LE(40));
    directoryOffset = Number(record.readBigUInt64LE(48));
  }
  if (directoryOffset + directorySize > fileSize || directorySize > MAX_DIRECTORY_BYTES) return null;

  const directory = readExact(fd, directoryOffset, directorySize);
  const entries: ZipEntry[] = [];
  let pos = 0;
  for (let i = 0; i < entryCount && pos + 46 <= directory.length; i++) {
    if (directory.readUInt32LE(pos) !== CENTRAL_SIGNATURE) return entries.length > 0 ? entries : null;
    const method = directory.readUInt16LE(pos + 10);
    let compressedSize = directory.readUInt32LE(pos + 20);
    const nameLength = directory.readUInt16LE(pos + 28);
    const extraLength = directory.readUInt16LE(pos + 30);
    const commentLength = directory.readUInt16LE(pos + 32);
    let localHeaderOffset = directory.readUInt32LE(pos + 42);
    const name = directory.toString('utf8', pos + 46, pos + 46 + nameLength);
    // zip64 extra field: the 64-bit values appear in order for each 32-bit field that is saturated.
    let extra = pos + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = directory.readUInt16LE(extra);
      const size = directory.readUInt16LE(extra + 2);
      if (id === 0x0001) {
        let p = extra + 4;
        if (directory.readUInt32LE(pos + 24) === 0xffffffff) p += 8; // uncompressed size
        if (compressedSize === 0xffffffff && p + 8 <= extra + 4 + size) { compressedSize = Number(directory.readBigUInt64LE(p)); p += 8; }
        if (localHeaderOffset === 0xffffffff && p + 8 <= extra + 4 + size) localHeaderOffset = Number(directory.readBigUInt64LE(p));
      }
      extra += 4 + size;
    }
    entries.push({ name, compressedSize, method, localHeaderOffset });
    pos = extraEnd + commentLength;
  }
  return entries;
}

/** The first bytes of a stored (uncompressed) member, e.g. the head of PyTorch's data.pkl. */
export function readStoredMemberHead(fd: number, fileSize: number, entry: ZipEntry, maxBytes: number): Buffer | null {
  if (entry.method !== 0 || entry.localHeaderOffset + 30 > fileSize) return null;
  const header = readExact(fd, entry.localHeaderOffset, 30);
  if (header.readUInt32LE(0) !== 0x04034b50) return null;
  const dataStart = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const length = Math.min(maxBytes, entry.compressedSize, fileSize - dataStart);
  return length > 0 ? readExact(fd, dataStart, length) : null;
}

function readExact(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n <= 0) break;
    done += n;
  }
  return done === length ? buf : buf.subarray(0, done);
}

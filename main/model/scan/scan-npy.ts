import { scanPickleStream } from './scan-pickle-stream';
import type { ScanCollector } from './scan-collector';

/**
 * .npy files (and the members of .npz archives): a text header, then raw numbers, except for arrays of Python
 * objects, which numpy stores as a pickle after the header and np.load(allow_pickle=True) unpickles.
 */
export const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

export function isNpy(head: Buffer): boolean {
  return head.length >= 6 && head.subarray(0, 6).equals(NPY_MAGIC);
}

export function scanNpy(buf: Buffer, member: string | null, collector: ScanCollector): void {
  const where = { member, offset: 0 };
  if (buf.length < 10) {
    collector.addFinding({ verdict: 'unverified', title: 'The .npy header is cut short', detail: `Only ${buf.length} bytes.`, where });
    return;
  }
  const major = buf[6];
  const lengthSize = major === 1 ? 2 : 4;
  const headerLength = lengthSize === 2 ? buf.readUInt16LE(8) : buf.length >= 12 ? buf.readUInt32LE(8) : -1;
  const start = 8 + lengthSize;
  if (headerLength < 0 || start + headerLength > buf.length || major < 1 || major > 3) {
    collector.addFinding({ verdict: 'unverified', title: 'The .npy header is damaged', detail: `Format version ${major}.${buf[7]} with a header of ${headerLength} bytes does not fit in ${buf.length} bytes.`, where });
    return;
  }
  const header = buf.toString(major === 3 ? 'utf8' : 'latin1', start, start + headerLength);
  const descr = /['"]descr['"]\s*:\s*(\[.*\]|'[^']*'|"[^"]*")/s.exec(header)?.[1];
  if (!descr) {
    collector.addFinding({ verdict: 'unverified', title: 'The .npy header has no dtype', detail: `Header: ${header.slice(0, 120)}`, where });
    return;
  }
  collector.bytesScanned += start + headerLength;
  // Object dtype: '|O', or an 'O' field inside a structured dtype.
  if (!/['"][|<>=]?O\d*['"]/.test(descr)) return;
  collector.addFinding({
    verdict: 'safe',
    title: 'Array of Python objects',
    detail: `The array's dtype (${descr.slice(0, 60)}) holds Python objects, stored as a pickle that np.load(allow_pickle=True) unpickles; that pickle was scanned.`,
    where,
  });
  const pickle = buf.subarray(start + headerLength);
  scanPickleStream(pickle, member ? `${member} (pickle after the .npy header at byte ${start + headerLength})` : `pickle after the .npy header at byte ${start + headerLength}`, collector);
}

import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { listZipEntries, type ZipEntry } from '../zip-listing';
import { MAX_DECOMPRESSED_BYTES } from './decompress';
import { looksLikePickle } from './pickle-opcodes';
import type { ScanCollector } from './scan-collector';
import { scanEmbeddedKerasJson, analyseKerasConfig } from './scan-keras';
import { isNpy, scanNpy } from './scan-npy';
import { scanPickleStream } from './scan-pickle-stream';
import { scanTorchScriptCode } from './scan-torchscript-code';

/**
 * Zip archives: PyTorch checkpoints, TorchScript modules, Keras 3 .keras files, numpy .npz. Every member named
 * like a pickle, and every other member whose bytes start like one (whatever its name), is scanned: loaders
 * pick members by name, and names can be made to look like anything. Tensor data members (data/N) are the one
 * exception: torch never unpickles them, and their raw numbers can start with any byte.
 */
export type ZipKind = 'torchscript' | 'pytorch-zip' | 'keras-v3' | 'npz' | 'zip';

export function scanZip(fd: number, fileSize: number, collector: ScanCollector): ZipKind {
  let entries: ZipEntry[] | null;
  try {
    entries = listZipEntries(fd, fileSize);
  } catch {
    entries = null;
  }
  if (!entries) {
    collector.addFinding({
      verdict: 'unverified', title: 'The zip archive is damaged',
      detail: 'Its central directory (the list of members at the end of the file) cannot be read, so its members cannot be checked.', where: null,
    });
    return 'zip';
  }
  const names = entries.map((e) => e.name.replace(/\\/g, '/'));
  const kind = zipKind(names);
  const context = { torchscript: kind === 'torchscript' };
  let tensorMembers = 0;

  for (const entry of entries) {
    const name = entry.name.replace(/\\/g, '/');
    if (name.endsWith('/')) continue;
    const lower = name.toLowerCase();
    const isTensorData = /^[^/]*\/(\.?data)\/[^/]+$/.test(name) || /^\.data\//.test(name);
    const namedPickle = /\.(pkl|pickle|debug_pkl|joblib)$/.test(lower);
    const interesting = namedPickle || lower.endsWith('.npy') || (/\/code\//.test(name) || name.startsWith('code/'))
      || (kind === 'keras-v3' && lower.endsWith('.json'));
    if (isTensorData && !namedPickle) { tensorMembers++; continue; }

    const data = readMember(fd, fileSize, entry, interesting ? MAX_DECOMPRESSED_BYTES : 64, collector);
    if (!data) continue;
    if (isNpy(data)) {
      const full = interesting ? data : readMember(fd, fileSize, entry, MAX_DECOMPRESSED_BYTES, collector);
      if (full) { collector.scanned.push(name); scanNpy(full, name, collector); }
      continue;
    }
    if (namedPickle || looksLikePickle(data.subarray(0, 64))) {
      const full = interesting ? data : readMember(fd, fileSize, entry, MAX_DECOMPRESSED_BYTES, collector);
      if (!full) continue;
      collector.scanned.push(name);
      scanPickleStream(full, name, collector, context);
      continue;
    }
    if (/(^|\/)code\/.*\.py$/.test(name)) {
      collector.scanned.push(name);
      scanTorchScriptCode(data.toString('utf8'), name, collector);
      continue;
    }
    if (kind === 'keras-v3' && lower === 'config.json') {
      collector.scanned.push(name);
      collector.bytesScanned += data.length;
      try {
        analyseKerasConfig(JSON.parse(data.toString('utf8')), { member: name, offset: 0 }, collector);
      } catch {
        collector.addFinding({ verdict: 'unverified', title: 'config.json is not valid JSON', detail: 'Keras could not load this model either; its layers could not be checked.', where: { member: name, offset: 0 } });
      }
    } else if (kind === 'keras-v3' && lower.endsWith('.json')) {
      collector.scanned.push(name);
      scanEmbeddedKerasJson(data, name, collector);
    }
  }
  if (tensorMembers > 0) {
    collector.addFinding({
      verdict: 'safe', title: `${tensorMembers} tensor data member${tensorMembers === 1 ? '' : 's'}`,
      detail: 'Raw tensor bytes (data/…), read as numbers and never unpickled.', where: null,
    });
  }
  return kind;
}

function zipKind(names: string[]): ZipKind {
  const depth = (n: string) => n.split('/').length - 1;
  const base = (n: string) => n.split('/').pop() ?? '';
  if (names.some((n) => (depth(n) <= 1 && base(n) === 'constants.pkl') || /^([^/]+\/)?code\//.test(n))) return 'torchscript';
  if (names.some((n) => depth(n) <= 1 && base(n) === 'data.pkl')) return 'pytorch-zip';
  if (names.includes('config.json') && (names.includes('metadata.json') || names.includes('model.weights.h5'))) return 'keras-v3';
  if (names.length > 0 && names.every((n) => n.toLowerCase().endsWith('.npy') || n.endsWith('/'))) return 'npz';
  return 'zip';
}

/** A member's bytes (at most maxBytes of them once decompressed), or null with a finding when unreadable. */
function readMember(fd: number, fileSize: number, entry: ZipEntry, maxBytes: number, collector: ScanCollector): Buffer | null {
  const fail = (detail: string) => {
    collector.addFinding({ verdict: 'unverified', title: `Member ${entry.name} cannot be read`, detail, where: { member: entry.name, offset: 0 } });
    return null;
  };
  if (entry.localHeaderOffset + 30 > fileSize) return fail('Its local header lies beyond the end of the file.');
  const header = Buffer.alloc(30);
  fs.readSync(fd, header, 0, 30, entry.localHeaderOffset);
  if (header.readUInt32LE(0) !== 0x04034b50) return fail('Its local header is missing (the archive is damaged or crafted).');
  const flags = header.readUInt16LE(6);
  if (flags & 1) return fail('It is encrypted, so its content cannot be checked.');
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + entry.compressedSize > fileSize) return fail(`It claims ${entry.compressedSize} bytes, past the end of the file.`);
  if (entry.method !== 0 && entry.method !== 8) return fail(`It uses compression method ${entry.method}, which ModelDock cannot decompress.`);
  const readLength = entry.method === 0 ? Math.min(entry.compressedSize, maxBytes) : Math.min(entry.compressedSize, maxBytes <= 64 ? 64 * 1024 : entry.compressedSize);
  if (readLength > MAX_DECOMPRESSED_BYTES) return fail(`It is ${entry.compressedSize} bytes, too large to scan.`);
  const raw = Buffer.alloc(readLength);
  let done = 0;
  while (done < readLength) {
    const n = fs.readSync(fd, raw, done, readLength - done, start + done);
    if (n <= 0) break;
    done += n;
  }
  if (entry.method === 0) return raw.subarray(0, done);
  try {
    if (maxBytes <= 64) {
      return zlib.inflateRawSync(raw.subarray(0, done), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, maxBytes);
    }
    return zlib.inflateRawSync(raw.subarray(0, done), { maxOutputLength: maxBytes });
  } catch (error) {
    return fail(`Its compressed data is damaged or too large (${(error as Error).message}).`);
  }
}

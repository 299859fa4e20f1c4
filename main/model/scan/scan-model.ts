import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScanReport } from '../../../shared/schemas/scan';
import { detectFormat, type FormatDetection } from '../detect-format';
import { fileAccessError } from '../file-errors';
import { decompress, sniffCodec, MAX_DECOMPRESSED_BYTES } from './decompress';
import { looksLikePickle, OPCODES } from './pickle-opcodes';
import { ScanCollector } from './scan-collector';
import { scanEmbeddedKerasJson } from './scan-keras';
import { isNpy, scanNpy } from './scan-npy';
import { scanPickleStream } from './scan-pickle-stream';
import { scanSavedModel } from './scan-saved-model';
import { summarise } from './scan-summary';
import { scanZip } from './scan-zip';

/**
 * The static safety scan of a model file or SavedModel folder: finds the container by content, scans every
 * pickle, config and code member in it, and says whether loading it would run code. Reads bytes only; never
 * unpickles, imports or executes anything. A file the scan cannot fully read is never reported safe.
 */
const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

export async function scanModelFile(filePath: string): Promise<ScanReport> {
  const started = performance.now();
  const absolute = path.resolve(filePath);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch (error) {
    throw fileAccessError(absolute, error);
  }
  const collector = new ScanCollector();
  let container: string;
  try {
    container = stat.isDirectory() ? scanSavedModel(absolute, collector) : await scanFile(absolute, stat.size, collector);
  } catch (error) {
    if ((error as { code?: string }).code === 'EACCES' || (error as { code?: string }).code === 'EISDIR') throw fileAccessError(absolute, error);
    container = 'file';
    collector.addFinding({
      verdict: 'unverified',
      title: 'The scan could not finish',
      detail: `Reading the file failed (${(error as Error).message}), so it cannot be vouched for.`,
      where: null,
    });
  }
  const verdict = collector.verdict();
  const { summary, advice } = summarise(path.basename(absolute), verdict, collector);
  return {
    path: absolute,
    container,
    verdict,
    summary,
    advice,
    scanned: collector.scanned,
    imports: collector.imports,
    calls: collector.calls,
    findings: collector.findings,
    bytesScanned: collector.bytesScanned,
    scanMs: Math.round((performance.now() - started) * 10) / 10,
  };
}

async function scanFile(filePath: string, size: number, collector: ScanCollector): Promise<string> {
  if (size === 0) {
    collector.addFinding({ verdict: 'unverified', title: 'The file is empty', detail: 'There is nothing to load, and nothing to vouch for.', where: null });
    return 'empty file';
  }
  const head = readHead(filePath, 64 * 1024);
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) {
    const fd = fs.openSync(filePath, 'r');
    try {
      const kind = scanZip(fd, size, collector);
      return { torchscript: 'TorchScript archive', 'pytorch-zip': 'PyTorch zip archive', 'keras-v3': 'Keras 3 archive (.keras)', npz: 'numpy .npz archive', zip: 'zip archive' }[kind];
    } finally {
      fs.closeSync(fd);
    }
  }
  if (isNpy(head)) {
    const data = readWhole(filePath, size, collector);
    if (data) { collector.scanned.push(path.basename(filePath)); scanNpy(data, null, collector); }
    return 'numpy .npy array';
  }
  if ([0, 512, 1024, 2048].some((o) => head.length >= o + 8 && head.subarray(o, o + 8).equals(HDF5_SIGNATURE))) {
    return scanHdf5(filePath, size, collector);
  }

  const detection = await detectFormat(filePath);
  if (detection.format === 'onnx' || detection.format === 'safetensors' || detection.format === 'tflite') {
    collector.addFinding({ verdict: 'safe', title: `${detection.label}: no code`, detail: 'This format holds an operator graph and/or tensors only; loading it runs no Python.', where: null });
    return detection.label;
  }
  const compressed = sniffCodec(head);
  // Compression first: lzma's first byte is also a pickle opcode, and detectFormat calls compressed dumps joblib.
  if (compressed) {
    const label = `joblib dump (${compressed.codec}-compressed)`;
    const raw = readWhole(filePath, size, collector);
    if (!raw) return label;
    const result = decompress(raw.subarray(compressed.skip), compressed.codec);
    if ('problem' in result && looksLikePickle(head)) return scanPickleFile(raw, detection, collector, filePath);
    if ('problem' in result) {
      collector.addFinding({
        verdict: 'unverified', title: `Cannot scan this compression (${compressed.codec})`,
        detail: `${result.problem[0].toUpperCase()}${result.problem.slice(1)}, so the pickle inside cannot be checked. Re-save it with joblib.dump(..., compress=3) (zlib) or without compression to scan it.`,
        where: null,
      });
      return label;
    }
    const member = `${compressed.codec}-decompressed stream`;
    collector.scanned.push(member);
    scanPickleStream(result.data, member, collector);
    return label;
  }
  if (looksLikePickle(head) || ['pickle', 'joblib', 'pytorch-legacy'].includes(detection.format)) {
    const data = readWhole(filePath, size, collector);
    if (!data) return detection.format === 'unknown' ? 'pickle' : detection.label;
    return scanPickleFile(data, detection, collector, filePath);
  }
  // Protocol 0/1 pickles can start with almost any text opcode (S, V, I, N...): try reading it as one.
  if (OPCODES.has(head[0]) && size <= MAX_DECOMPRESSED_BYTES) {
    const attempt = new ScanCollector();
    const data = fs.readFileSync(filePath);
    if (scanPickleStream(data, null, attempt).pickles > 0 && !attempt.findings.some((f) => /pickle stream is/.test(f.title))) {
      collector.mergeFrom(attempt);
      collector.bytesScanned += attempt.bytesScanned;
      collector.scanned.push(path.basename(filePath));
      return 'Python pickle (protocol 0/1, no header)';
    }
  }
  collector.addFinding({
    verdict: 'unverified', title: 'Not a format the scanner knows',
    detail: `The file is ${detection.label}; the scanner cannot tell what loading it would do.`, where: null,
  });
  return detection.label;
}

function scanPickleFile(data: Buffer, detection: FormatDetection, collector: ScanCollector, filePath: string): string {
  collector.scanned.push(path.basename(filePath));
  const stream = scanPickleStream(data, null, collector);
  return stream.kind === 'legacy-torch' ? 'PyTorch file (legacy format, stacked pickles)' : detection.format === 'joblib' ? 'joblib dump' : 'Python pickle';
}

function scanHdf5(filePath: string, size: number, collector: ScanCollector): string {
  const data = readWhole(filePath, size, collector);
  if (!data) return 'HDF5 file';
  collector.scanned.push(path.basename(filePath));
  collector.bytesScanned += data.length;
  const found = scanEmbeddedKerasJson(data, null, collector);
  if (found === 0) {
    const mentionsConfig = data.includes('model_config', 0, 'latin1');
    collector.addFinding(mentionsConfig
      ? { verdict: 'unverified', title: 'The model config could not be read', detail: 'The file has a model_config attribute, but its JSON was not found as plain text, so its layers (Lambda layers, custom objects) could not be checked.', where: null }
      : { verdict: 'safe', title: 'Weights only', detail: 'No Keras model config in the file: it holds weights (arrays), which carry no code.', where: null });
  }
  return 'Keras HDF5 (.h5)';
}

function readHead(filePath: string, n: number): Buffer {
  const fd = fs.openSync(filePath, 'r');
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, fs.readSync(fd, buf, 0, n, 0));
  } finally {
    fs.closeSync(fd);
  }
}

function readWhole(filePath: string, size: number, collector: ScanCollector): Buffer | null {
  if (size > MAX_DECOMPRESSED_BYTES) {
    collector.addFinding({
      verdict: 'unverified', title: 'Too large to scan',
      detail: `The file is ${Math.round(size / 1024 / 1024)} MB; the scanner reads files up to ${MAX_DECOMPRESSED_BYTES / 1024 / 1024} MB whole.`, where: null,
    });
    return null;
  }
  return fs.readFileSync(filePath);
}

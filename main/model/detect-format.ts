import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { ModelFormat } from '../../shared/schemas/model';
import { fileAccessError } from './file-errors';
import { listZipEntries, readStoredMemberHead, type ZipEntry } from './zip-listing';

/**
 * Recognises a model by its content: magic bytes, zip member names, protobuf structure. Extensions lie (".bin",
 * ".pt" for three different formats, ".pb" for TensorFlow and ONNX), so they are never used. Reads a small head
 * of the file and, for zips, the central directory; never the whole file.
 */
export interface FormatDetection {
  format: ModelFormat;
  label: string;
  /** For 'unknown': what the bytes look like, so the error can say something specific. */
  unknownKind?: UnknownKind;
  /** PyTorch files: a bare state_dict (or a training checkpoint) holds weights only; converting needs the class. */
  pytorchContent?: 'state_dict' | 'checkpoint' | 'module' | 'unknown';
  /** Pickle/joblib: the library the pickled object comes from (scikit-learn, XGBoost...), when visible. */
  library?: string;
  /** ONNX whose first fields already announce more bytes than the file has. */
  looksTruncated?: boolean;
}

export type UnknownKind = 'folder' | 'empty' | 'text' | 'lfs-pointer' | 'html' | 'json' | 'zip' | 'ort-format' | 'binary';

const HEAD_BYTES = 64 * 1024;

export async function detectFormat(filePath: string): Promise<FormatDetection> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filePath);
  } catch (error) {
    throw fileAccessError(filePath, error);
  }
  if (stat.isDirectory()) return detectFolder(filePath);
  if (stat.size === 0) return { format: 'unknown', label: 'empty file', unknownKind: 'empty' };

  let fd: number;
  try {
    fd = fs.openSync(filePath, 'r');
  } catch (error) {
    throw fileAccessError(filePath, error);
  }
  try {
    const head = Buffer.alloc(Math.min(HEAD_BYTES, stat.size));
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return detectBytes(head.subarray(0, n), stat.size, fd, filePath);
  } finally {
    fs.closeSync(fd);
  }
}

function detectBytes(head: Buffer, fileSize: number, fd: number, filePath: string): FormatDetection {
  if (isHdf5(head)) {
    const keras = includes(head, 'keras_version') || includes(head, 'model_config');
    return { format: 'keras-h5', label: keras ? 'Keras model (HDF5 .h5)' : 'HDF5 file (Keras model or weights)' };
  }
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return detectZip(fd, fileSize);
  if (head.length >= 4 && head.readUInt32LE(0) === 0x06054b50) return { format: 'unknown', label: 'empty zip archive', unknownKind: 'zip' };
  if (head.length >= 8 && head.toString('latin1', 4, 8) === 'TFL3') return { format: 'tflite', label: 'TensorFlow Lite model' };
  if (head.length >= 8 && head.toString('latin1', 4, 8) === 'ORTM') {
    return { format: 'unknown', label: 'ONNX Runtime .ort model', unknownKind: 'ort-format' };
  }
  const safetensors = detectSafetensors(head, fileSize);
  if (safetensors) return safetensors;
  const onnx = sniffOnnx(head, fileSize);
  if (onnx) return { format: 'onnx', label: 'ONNX model', looksTruncated: onnx === 'truncated' };
  if (path.basename(filePath) === 'saved_model.pb') return detectFolder(path.dirname(filePath));
  const pickle = detectPickle(head, fileSize, fd);
  if (pickle) return pickle;
  const compressed = detectCompressed(head);
  if (compressed) return compressed;
  return detectTextOrBinary(head);
}

// ---------------------------------------------------------------------------------------------------------------
// Folders

function detectFolder(dir: string): FormatDetection {
  const has = (name: string) => fs.existsSync(path.join(dir, name));
  if (has('saved_model.pb') || has('saved_model.pbtxt')) {
    const variables = has('variables');
    return { format: 'tf-savedmodel', label: variables ? 'TensorFlow SavedModel' : 'TensorFlow SavedModel (no variables/ folder)' };
  }
  return { format: 'unknown', label: 'folder', unknownKind: 'folder' };
}

// ---------------------------------------------------------------------------------------------------------------
// ONNX: a ModelProto starts with a few small, well-formed fields (ir_version, producer, graph...).

/** ModelProto's top-level fields and their wire types. */
const MODEL_FIELDS: Record<number, number> = { 1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2 };
const STRING_FIELDS = new Set([2, 3, 4, 6]);
/** First key bytes a GraphProto can start with (node, name, initializer, doc, input, output, value_info...). */
const GRAPH_FIRST_KEYS = new Set([0x0a, 0x12, 0x2a, 0x52, 0x5a, 0x62, 0x6a, 0x72, 0x7a, 0x82]);

export function sniffOnnx(head: Buffer, fileSize: number): 'onnx' | 'truncated' | 'damaged' | null {
  let pos = 0;
  let fields = 0;
  let sawIrVersion = false;
  let sawGraph = false;
  let truncated = false;
  // After ir_version and another well-formed field, bad bytes mean a damaged model rather than another format:
  // random data passes two such fields about once in 100,000 files.
  const invalid = () => (sawIrVersion && fields >= 2 ? 'damaged' : null);
  while (pos < head.length) {
    const key = readVarint(head, pos);
    if (!key) break;
    const number = Math.floor(key.value / 8);
    const wireType = key.value & 7;
    if (MODEL_FIELDS[number] !== wireType) return invalid();
    pos = key.next;
    const value = readVarint(head, pos);
    if (!value) break;
    pos = value.next;
    if (wireType === 0) {
      if (number === 1) {
        if (value.value < 1 || value.value > 100) return invalid();
        sawIrVersion = true;
      }
      fields++;
      continue;
    }
    const end = pos + value.value;
    if (STRING_FIELDS.has(number) && !isPlainText(head.subarray(pos, Math.min(end, head.length)))) return invalid();
    if (number === 7) {
      if (pos < head.length && !GRAPH_FIRST_KEYS.has(head[pos])) return invalid();
      sawGraph = true;
    }
    fields++;
    if (end > fileSize) { truncated = true; break; }
    pos = end;
  }
  if (!(sawIrVersion || sawGraph)) return null;
  // One field alone is too weak a signal for a small file; real models have at least ir_version and a graph.
  if (fields < 2 && !truncated) return null;
  return truncated ? 'truncated' : 'onnx';
}

function readVarint(buf: Buffer, start: number): { value: number; next: number } | null {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 8 && start + i < buf.length; i++) {
    const byte = buf[start + i];
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) return { value, next: start + i + 1 };
    multiplier *= 128;
  }
  return null;
}

function isPlainText(bytes: Buffer): boolean {
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Pickle, joblib and legacy PyTorch

/** torch.save's legacy format starts with this number pickled as a LONG1 (little-endian 0x1950a86a20f9469cfc6c). */
const TORCH_LEGACY_MAGIC = Buffer.from([0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]);

function detectPickle(head: Buffer, fileSize: number, fd: number): FormatDetection | null {
  if (!isPickle(head, fileSize, fd)) return null;
  if (head.length >= 2 + TORCH_LEGACY_MAGIC.length && head.subarray(2, 2 + TORCH_LEGACY_MAGIC.length).equals(TORCH_LEGACY_MAGIC)) {
    const content = pytorchContent(head);
    return { format: 'pytorch-legacy', label: `PyTorch checkpoint (legacy format${contentLabel(content)})`, pytorchContent: content };
  }
  const library = pickledLibrary(head);
  const suffix = library ? ` (${library})` : '';
  if (includes(head, 'joblib') || includes(head, 'numpy_pickle')) return { format: 'joblib', label: `joblib dump${suffix}`, library };
  if (library === 'PyTorch') {
    const content = pytorchContent(head);
    return { format: 'pytorch-legacy', label: `PyTorch object (pickle${contentLabel(content)})`, pytorchContent: content };
  }
  return { format: 'pickle', label: `Python pickle${suffix}`, library };
}

function isPickle(head: Buffer, fileSize: number, fd: number): boolean {
  if (head.length >= 2 && head[0] === 0x80 && head[1] >= 2 && head[1] <= 5) return true;
  // Protocols 0 and 1 have no header: they start with MARK, EMPTY_LIST/DICT or GLOBAL, store memo entries
  // ("p0\n" or BINPUT "q\0") and end with STOP.
  if (head.length < 4 || !'(]}c'.includes(String.fromCharCode(head[0]))) return false;
  const last = Buffer.alloc(1);
  fs.readSync(fd, last, 0, 1, fileSize - 1);
  if (last[0] !== 0x2e) return false;
  const text = head.toString('latin1');
  return /p0\n/.test(text) || text.includes('q\u0000') || /^c[A-Za-z_][\w.]*\n[A-Za-z_]\w*\n/.test(text);
}

const PICKLED_LIBRARIES: Array<[string, string]> = [
  ['sklearn', 'scikit-learn'], ['xgboost', 'XGBoost'], ['lightgbm', 'LightGBM'], ['catboost', 'CatBoost'],
  ['statsmodels', 'statsmodels'], ['torch', 'PyTorch'], ['tensorflow', 'TensorFlow'], ['keras', 'Keras'],
];

function pickledLibrary(head: Buffer): string | undefined {
  return PICKLED_LIBRARIES.find(([needle]) => includes(head, needle))?.[1];
}

/** Whether a pickled PyTorch object is a whole nn.Module, a bare state_dict or a training checkpoint dict. */
function pytorchContent(pickleHead: Buffer): 'state_dict' | 'checkpoint' | 'module' | 'unknown' {
  if (includes(pickleHead, 'torch.nn.modules') || includes(pickleHead, '__main__')) return 'module';
  if (includes(pickleHead, 'state_dict') || includes(pickleHead, 'optimizer')) return 'checkpoint';
  if (includes(pickleHead, 'OrderedDict') || includes(pickleHead, '_rebuild_tensor')) return 'state_dict';
  return 'unknown';
}

function contentLabel(content: FormatDetection['pytorchContent']): string {
  if (content === 'state_dict') return ', weights only (state_dict)';
  if (content === 'checkpoint') return ', training checkpoint';
  if (content === 'module') return ', whole model';
  return '';
}

// ---------------------------------------------------------------------------------------------------------------
// Compressed joblib dumps (joblib.dump(..., compress=...)).

function detectCompressed(head: Buffer): FormatDetection | null {
  let codec: string | null = null;
  let inner: Buffer | null = null;
  if (head.length >= 2 && head[0] === 0x78 && ((head[0] << 8) | head[1]) % 31 === 0) {
    codec = 'zlib';
    inner = partialInflate(() => zlib.inflateSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH }));
  } else if (head.length >= 3 && head[0] === 0x1f && head[1] === 0x8b) {
    codec = 'gzip';
    inner = partialInflate(() => zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH }));
  } else if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) {
    codec = 'xz';
  } else if (head.length >= 4 && head.readUInt32LE(0) === 0x184d2204) {
    codec = 'lz4';
  } else if (head.length >= 4 && head.toString('latin1', 0, 3) === 'BZh' && head[3] >= 0x31 && head[3] <= 0x39) {
    codec = 'bz2';
  } else if (head.length >= 2 && head.toString('latin1', 0, 2) === 'ZF') {
    // joblib < 0.10 wrote "ZF" + a hex length, then zlib data.
    codec = 'zlib';
    const start = head.indexOf(0x78, 2);
    inner = start > 0 ? partialInflate(() => zlib.inflateSync(head.subarray(start), { finishFlush: zlib.constants.Z_SYNC_FLUSH })) : null;
    if (!inner) return null;
  }
  if (!codec) return null;
  if (inner) {
    if (!(inner.length >= 2 && inner[0] === 0x80)) return null; // compressed, but not a pickle
    const library = pickledLibrary(inner);
    const joblib = includes(inner, 'joblib') || includes(inner, 'numpy_pickle');
    return { format: joblib ? 'joblib' : 'pickle', label: `${joblib ? 'joblib dump' : 'Python pickle'} (${codec}-compressed${library ? `, ${library}` : ''})`, library };
  }
  // xz/lz4/bz2 need codecs Node lacks; joblib is what writes model files in these containers.
  return { format: 'joblib', label: `joblib dump (${codec}-compressed)` };
}

function partialInflate(run: () => Buffer): Buffer | null {
  try {
    return run();
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Zip archives: PyTorch, TorchScript, Keras 3

function detectZip(fd: number, fileSize: number): FormatDetection {
  let entries: ZipEntry[] | null = null;
  try {
    entries = listZipEntries(fd, fileSize);
  } catch {
    entries = null;
  }
  if (!entries) return { format: 'unknown', label: 'zip archive (damaged or cut short)', unknownKind: 'zip' };
  const names = entries.map((e) => e.name.replace(/\\/g, '/'));
  const depth = (n: string) => n.split('/').length - 1;
  const base = (n: string) => n.split('/').pop() ?? '';

  if (names.some((n) => (depth(n) === 1 && base(n) === 'constants.pkl') || /^[^/]+\/code\//.test(n))) {
    return { format: 'torchscript', label: 'TorchScript module (torch.jit)' };
  }
  const dataPkl = entries.find((e) => depth(e.name) <= 1 && base(e.name) === 'data.pkl');
  if (dataPkl) {
    const pickleHead = readStoredMemberHead(fd, fileSize, dataPkl, 16 * 1024);
    const content = pickleHead ? pytorchContent(pickleHead) : 'unknown';
    return { format: 'pytorch-zip', label: `PyTorch checkpoint (torch.save${contentLabel(content)})`, pytorchContent: content };
  }
  const root = new Set(names.filter((n) => depth(n) === 0));
  if (root.has('config.json') && (root.has('metadata.json') || root.has('model.weights.h5'))) {
    return { format: 'keras-v3', label: 'Keras 3 model (.keras)' };
  }
  const onnxInside = names.find((n) => n.toLowerCase().endsWith('.onnx'));
  return {
    format: 'unknown',
    label: onnxInside ? `zip archive containing ${onnxInside}` : 'zip archive',
    unknownKind: 'zip',
  };
}

// ---------------------------------------------------------------------------------------------------------------
// safetensors: u64 little-endian header length, then a JSON header.

function detectSafetensors(head: Buffer, fileSize: number): FormatDetection | null {
  if (head.length < 10) return null;
  const headerLength = Number(head.readBigUInt64LE(0));
  if (headerLength < 2 || headerLength > 100 * 1024 * 1024 || headerLength + 8 > fileSize || head[8] !== 0x7b) return null;
  if (8 + headerLength <= head.length) {
    try {
      const header = JSON.parse(head.toString('utf8', 8, 8 + headerLength)) as Record<string, unknown>;
      const tensors = Object.keys(header).filter((k) => k !== '__metadata__').length;
      return { format: 'safetensors', label: `safetensors weights (${tensors} tensor${tensors === 1 ? '' : 's'})` };
    } catch {
      return null;
    }
  }
  return head[9] === 0x22 ? { format: 'safetensors', label: 'safetensors weights' } : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Text and everything else

function detectTextOrBinary(head: Buffer): FormatDetection {
  const text = head.toString('utf8');
  const replacement = (text.match(/\uFFFD/g) ?? []).length;
  let control = 0;
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  const isText = head.length > 0 && control === 0 && replacement <= 1;
  if (!isText) return { format: 'unknown', label: 'unrecognised binary data', unknownKind: 'binary' };
  const trimmed = text.trimStart();
  if (trimmed.startsWith('version https://git-lfs.github.com/spec/')) return { format: 'unknown', label: 'Git LFS pointer file', unknownKind: 'lfs-pointer' };
  if (/^<(!doctype html|html|head|body)/i.test(trimmed)) return { format: 'unknown', label: 'HTML page', unknownKind: 'html' };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return { format: 'unknown', label: 'JSON text', unknownKind: 'json' };
  return { format: 'unknown', label: 'plain text', unknownKind: 'text' };
}

function isHdf5(head: Buffer): boolean {
  const signature = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  // HDF5 allows a user block before the superblock at 512, 1024, 2048... bytes.
  for (const offset of [0, 512, 1024, 2048, 4096, 8192, 16384, 32768]) {
    if (head.length >= offset + 8 && head.subarray(offset, offset + 8).equals(signature)) return true;
  }
  return false;
}

function includes(buf: Buffer, needle: string): boolean {
  return buf.includes(needle, 0, 'latin1');
}

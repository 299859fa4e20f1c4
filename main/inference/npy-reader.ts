import { ModelDockError } from '../../shared/errors';
import type { ElementType } from '../../shared/schemas/tensor';
import { allocateValues, elementCount, type HostTensor, type TensorValues } from './host-tensor';
import { readRawLittleEndian } from './tensor-proto';

/**
 * NumPy .npy files (format versions 1, 2 and 3): numeric dtypes, bool and fixed-width unicode ('<U8'), either byte
 * order, C or Fortran order (Fortran is reordered to C). Object arrays are pickles and are refused: loading them
 * would run code.
 */
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const NUMERIC_DTYPES: Record<string, ElementType> = {
  f2: 'float16', f4: 'float32', f8: 'float64',
  i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64',
  u1: 'uint8', u2: 'uint16', u4: 'uint32', u8: 'uint64',
  b1: 'bool',
};

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

export function readNpy(bytes: Uint8Array, name: string): HostTensor {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw npyError(name, 'it does not start with the .npy signature (\\x93NUMPY)', 'Save the array with numpy.save(path, array).');
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) { headerLength = view.getUint16(8, true); headerStart = 10; }
  else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw npyError(name, 'the header is cut short', 'Save the array again with numpy.save.');
    headerLength = view.getUint32(8, true); headerStart = 12;
  } else {
    throw npyError(name, `it uses .npy format version ${major}, which ModelDock does not know`, 'Save it with a current numpy (format 1.0-3.0).');
  }
  if (headerStart + headerLength > bytes.length) throw npyError(name, 'the header runs past the end of the file', 'Save the array again with numpy.save.');
  const headerText = Buffer.from(bytes.buffer, bytes.byteOffset + headerStart, headerLength).toString(major === 3 ? 'utf8' : 'latin1');
  const header = parseHeader(headerText, name);
  const body = bytes.subarray(headerStart + headerLength);
  const count = elementCount(header.shape);

  const match = /^([<>|=]?)([a-zA-Z?])(\d*)$/.exec(header.descr);
  if (!match) throw npyError(name, `its dtype '${header.descr}' is a structured or unknown type`, 'Save a plain numeric, bool or string array.');
  const [, order, kindChar, widthText] = match;
  const kind = kindChar === '?' ? 'b' : kindChar;
  const width = kindChar === '?' ? 1 : Number(widthText);
  const bigEndian = order === '>';

  let data: TensorValues;
  let elementType: ElementType;
  if (kind === 'U') {
    elementType = 'string';
    data = readUnicode(body, count, width, bigEndian, name);
  } else if (kind === 'S') {
    elementType = 'string';
    data = readBytesStrings(body, count, width, name);
  } else if (kind === 'O') {
    throw npyError(name, 'it holds Python objects (a pickle), which ModelDock will not load because loading runs code', 'Convert to a numeric or fixed-width string array first (e.g. arr.astype(np.float32) or arr.astype(str)).');
  } else {
    const type = NUMERIC_DTYPES[`${kind}${width}`];
    if (!type) throw npyError(name, `its dtype '${header.descr}' is not supported`, 'Use a float, int, uint or bool array (complex and datetime cannot be fed to ONNX Runtime).');
    elementType = type;
    const bytesNeeded = count * width;
    if (body.length < bytesNeeded) throw npyError(name, `it holds ${body.length} data bytes but ${header.descr} of shape (${header.shape.join(', ')}) needs ${bytesNeeded}`, 'The file is truncated; save it again.');
    let raw = body.subarray(0, bytesNeeded);
    if (bigEndian && width > 1) raw = swapBytes(raw, width);
    data = allocateValues(type, count);
    readRawLittleEndian(raw, type, data as Exclude<TensorValues, string[]>);
  }
  if (header.fortranOrder && header.shape.length > 1) data = fortranToC(data, header.shape);
  return { name, elementType, dims: header.shape, data };
}

function parseHeader(text: string, name: string): NpyHeader {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(text);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) throw npyError(name, 'its header is not the dictionary numpy writes', 'Save the array with numpy.save(path, array).');
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => Number(s.replace(/L$/, '')));
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw npyError(name, `its shape (${shape[1]}) is not a list of sizes`, 'Save the array with numpy.save.');
  return { descr: descr[1], fortranOrder: fortran[1] === 'True', shape: dims };
}

/** '<U5': each element is 5 UTF-32 code points, padded with NULs. */
function readUnicode(body: Uint8Array, count: number, chars: number, bigEndian: boolean, name: string): string[] {
  const width = chars * 4;
  if (body.length < count * width) throw npyError(name, 'the string data is cut short', 'Save the array again.');
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const codes: number[] = [];
    for (let c = 0; c < chars; c++) {
      const code = view.getUint32(i * width + c * 4, !bigEndian);
      if (code === 0) break;
      codes.push(code);
    }
    out[i] = String.fromCodePoint(...codes);
  }
  return out;
}

function readBytesStrings(body: Uint8Array, count: number, width: number, name: string): string[] {
  if (body.length < count * width) throw npyError(name, 'the string data is cut short', 'Save the array again.');
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    let end = i * width;
    const stop = end + width;
    while (end < stop && body[end] !== 0) end++;
    out[i] = Buffer.from(body.buffer, body.byteOffset + i * width, end - i * width).toString('utf8');
  }
  return out;
}

function swapBytes(raw: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += width) {
    for (let b = 0; b < width; b++) out[i + b] = raw[i + width - 1 - b];
  }
  return out;
}

/** Fortran order stores the first index fastest; ONNX wants the last index fastest. */
function fortranToC(data: TensorValues, dims: number[]): TensorValues {
  const n = data.length;
  const out = (Array.isArray(data) ? new Array<string>(n) : new (data.constructor as new (n: number) => Exclude<TensorValues, string[]>)(n)) as TensorValues;
  const rank = dims.length;
  const cStrides = new Array<number>(rank);
  const fStrides = new Array<number>(rank);
  cStrides[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) cStrides[i] = cStrides[i + 1] * dims[i + 1];
  fStrides[0] = 1;
  for (let i = 1; i < rank; i++) fStrides[i] = fStrides[i - 1] * dims[i - 1];
  for (let c = 0; c < n; c++) {
    let rest = c;
    let f = 0;
    for (let axis = 0; axis < rank; axis++) {
      const index = Math.floor(rest / cStrides[axis]);
      rest -= index * cStrides[axis];
      f += index * fStrides[axis];
    }
    (out as unknown as unknown[])[c] = (data as unknown as unknown[])[f];
  }
  return out;
}

function npyError(name: string, why: string, fix: string): ModelDockError {
  return new ModelDockError({ code: 'npy-invalid', title: 'Cannot read the .npy file', message: `The .npy file for "${name}" cannot be read: ${why}.`, fix });
}

import { ModelDockError } from '../../shared/errors';
import { ONNX_DATA_TYPE_NAMES, type ElementType } from '../../shared/schemas/tensor';
import {
  BufferReader, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT, fieldString, toSigned, type Field,
} from '../model/protobuf/buffer-reader';
import { allocateValues, bytesPerElement, elementCount, formatDims, isRuntimeElementType, unsupportedType, type HostTensor } from './host-tensor';

/**
 * Decodes an ONNX TensorProto (the .pb files of the ONNX test suite, `onnx.numpy_helper.from_array(...)
 * .SerializeToString()`). Values may sit in raw_data (little-endian bytes) or in the typed repeated fields, where
 * ONNX packs the small types into int32_data (float16 as bits, bool/uint8/int8/int16/uint16 as int32).
 */
const F_DIMS = 1;
const F_DATA_TYPE = 2;
const F_FLOAT_DATA = 4;
const F_INT32_DATA = 5;
const F_STRING_DATA = 6;
const F_INT64_DATA = 7;
const F_NAME = 8;
const F_RAW_DATA = 9;
const F_DOUBLE_DATA = 10;
const F_UINT64_DATA = 11;
const F_EXTERNAL_DATA = 13;
const F_DATA_LOCATION = 14;

export function decodeTensorProto(bytes: Uint8Array, fallbackName = 'tensor'): HostTensor {
  const reader = new BufferReader(bytes);
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let raw: Uint8Array | null = null;
  const floats: number[] = [];
  const doubles: number[] = [];
  const int32s: Array<number | bigint> = [];
  const int64s: Array<number | bigint> = [];
  const uint64s: Array<number | bigint> = [];
  const strings: string[] = [];
  let external = false;

  while (!reader.done) {
    const field = reader.next();
    switch (field.number) {
      case F_DIMS: collectVarints(bytes, field, dims, (v) => Number(toSigned(v))); break;
      case F_DATA_TYPE: dataType = Number(field.value); break;
      case F_NAME: name = fieldString(bytes, field); break;
      case F_RAW_DATA: raw = bytes.subarray(field.start, field.end); break;
      case F_FLOAT_DATA: collectFixed(bytes, field, 4, floats); break;
      case F_DOUBLE_DATA: collectFixed(bytes, field, 8, doubles); break;
      case F_INT32_DATA: collectVarints(bytes, field, int32s, (v) => v); break;
      case F_INT64_DATA: collectVarints(bytes, field, int64s, (v) => v); break;
      case F_UINT64_DATA: collectVarints(bytes, field, uint64s, (v) => v); break;
      case F_STRING_DATA: strings.push(fieldString(bytes, field)); break;
      case F_EXTERNAL_DATA: external = true; break;
      case F_DATA_LOCATION: if (Number(field.value) === 1) external = true; break;
      default: break;
    }
  }

  const tensorName = name || fallbackName;
  const type: ElementType | undefined = ONNX_DATA_TYPE_NAMES[dataType];
  if (!type) throw badProto(tensorName, `data type ${dataType} is unknown`);
  if (!isRuntimeElementType(type)) throw unsupportedType(type, `Tensor "${tensorName}"`);
  if (external) {
    throw new ModelDockError({
      code: 'tensor-external-data',
      title: 'Tensor data is in a separate file',
      message: `Tensor "${tensorName}" keeps its values in external data, which a single .pb input cannot carry.`,
      fix: 'Save the tensor with its values inside the file (onnx.numpy_helper.from_array).',
    });
  }
  const count = elementCount(dims);
  const data = allocateValues(type, count);

  const fill = (source: ArrayLike<number | bigint | string>, what: string): void => {
    if (source.length !== count) throw badProto(tensorName, `${what} holds ${source.length} values but the shape ${formatDims(dims)} needs ${count}`);
    const target = data as unknown as Array<number | bigint | string>;
    for (let i = 0; i < count; i++) target[i] = source[i];
  };

  if (type === 'string') {
    fill(strings, 'string_data');
  } else if (raw) {
    const width = bytesPerElement(type);
    if (raw.length !== count * width) throw badProto(tensorName, `raw_data has ${raw.length} bytes but ${type} ${formatDims(dims)} needs ${count * width}`);
    readRawLittleEndian(raw, type, data as Exclude<typeof data, string[]>);
  } else {
    switch (type) {
      case 'float32': fill(floats, 'float_data'); break;
      case 'float64': fill(doubles, 'double_data'); break;
      case 'int64': fill(int64s.map((v) => BigInt(toSigned(v))), 'int64_data'); break;
      case 'uint64': fill(uint64s.map((v) => BigInt(v)), 'uint64_data'); break;
      case 'uint32': fill(uint64s.map((v) => Number(v)), 'uint64_data'); break;
      case 'int32': case 'int16': case 'int8':
        fill(int32s.map((v) => Number(toSigned(v))), 'int32_data'); break;
      case 'uint16': case 'uint8': case 'float16':
        fill(int32s.map((v) => Number(v) & (type === 'uint8' ? 0xff : 0xffff)), 'int32_data'); break;
      case 'bool': fill(int32s.map((v) => (Number(v) ? 1 : 0)), 'int32_data'); break;
      default: throw unsupportedType(type, `Tensor "${tensorName}"`);
    }
  }
  return { name: tensorName, elementType: type, dims, data };
}

/** Copies little-endian bytes into a typed array (copy also fixes alignment: protobuf payloads are unaligned). */
export function readRawLittleEndian(raw: Uint8Array, type: ElementType, out: Exclude<ReturnType<typeof allocateValues>, string[]>): void {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = out.length;
  switch (type) {
    case 'float32': for (let i = 0; i < n; i++) (out as Float32Array)[i] = view.getFloat32(i * 4, true); break;
    case 'float64': for (let i = 0; i < n; i++) (out as Float64Array)[i] = view.getFloat64(i * 8, true); break;
    case 'int8': for (let i = 0; i < n; i++) (out as Int8Array)[i] = view.getInt8(i); break;
    case 'uint8': case 'bool': for (let i = 0; i < n; i++) (out as Uint8Array)[i] = view.getUint8(i); break;
    case 'int16': for (let i = 0; i < n; i++) (out as Int16Array)[i] = view.getInt16(i * 2, true); break;
    case 'uint16': case 'float16': for (let i = 0; i < n; i++) (out as Uint16Array)[i] = view.getUint16(i * 2, true); break;
    case 'int32': for (let i = 0; i < n; i++) (out as Int32Array)[i] = view.getInt32(i * 4, true); break;
    case 'uint32': for (let i = 0; i < n; i++) (out as Uint32Array)[i] = view.getUint32(i * 4, true); break;
    case 'int64': for (let i = 0; i < n; i++) (out as BigInt64Array)[i] = view.getBigInt64(i * 8, true); break;
    case 'uint64': for (let i = 0; i < n; i++) (out as BigUint64Array)[i] = view.getBigUint64(i * 8, true); break;
    default: throw unsupportedType(type);
  }
}

/** Repeated varint fields arrive packed (one LEN field) or one value per field; proto2 allows both. */
function collectVarints<T>(buf: Uint8Array, field: Field, out: T[], map: (v: number | bigint) => T): void {
  if (field.wireType === WIRE_VARINT) {
    out.push(map(field.value));
  } else if (field.wireType === WIRE_LEN) {
    const r = new BufferReader(buf, field.start, field.end);
    while (!r.done) out.push(map(r.varint()));
  }
}

function collectFixed(buf: Uint8Array, field: Field, width: 4 | 8, out: number[]): void {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const read = (at: number): number => (width === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true));
  if (field.wireType === WIRE_LEN) {
    for (let at = field.start; at + width <= field.end; at += width) out.push(read(at));
  } else if ((field.wireType === WIRE_I32 && width === 4) || (field.wireType === WIRE_I64 && width === 8)) {
    out.push(read(field.start));
  }
}

function badProto(name: string, why: string): ModelDockError {
  return new ModelDockError({
    code: 'tensor-proto-invalid',
    title: 'The tensor file is not valid',
    message: `Tensor "${name}" in the .pb file is inconsistent: ${why}.`,
    fix: 'Write the file again with onnx.numpy_helper.from_array(array).SerializeToString().',
  });
}

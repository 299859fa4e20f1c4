import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isModelDockError } from '../../shared/errors';
import type { ElementType } from '../../shared/schemas/tensor';
import { float16BitsToNumber, numberToFloat16Bits } from '../../main/inference/float16';
import { RUNTIME_ELEMENT_TYPES, type HostTensor } from '../../main/inference/host-tensor';
import { coerceTensor, hostToWire, wireToHost } from '../../main/inference/tensor-codec';
import { decodeTensorProto } from '../../main/inference/tensor-proto';

/** A few values per type, including the edges that break naive codecs. */
const EDGE_VALUES: Record<string, unknown[]> = {
  float32: [0, -1.5, 3.4028234663852886e38, 'NaN', 'Infinity', '-Infinity'],
  float64: [0, Math.PI, -1e300, 5e-324, 'NaN', 'Infinity'],
  float16: [0, 1, -2, 65504, 0.5, 'Infinity'],
  int8: [-128, 127, 0, 5],
  int16: [-32768, 32767, 0, 5],
  int32: [-2147483648, 2147483647, 0, 5],
  int64: ['-9223372036854775808', '9223372036854775807', 0, -5],
  uint8: [0, 255, 1, 2],
  uint16: [0, 65535, 1, 2],
  uint32: [0, 4294967295, 1, 2],
  uint64: ['18446744073709551615', 0, 9007199254740993n.toString(), 7],
  bool: [true, false, false, true],
  string: ['a', '', 'héllo 🌍', 'x,y'],
};

describe('float16', () => {
  test('known bit patterns', () => {
    assert.equal(numberToFloat16Bits(1), 0x3c00);
    assert.equal(numberToFloat16Bits(-2), 0xc000);
    assert.equal(numberToFloat16Bits(65504), 0x7bff);
    assert.equal(numberToFloat16Bits(1e6), 0x7c00); // overflow -> Infinity
    assert.equal(numberToFloat16Bits(5.960464477539063e-8), 0x0001); // smallest subnormal
    assert.equal(float16BitsToNumber(0x3555), 0.333251953125);
    assert.ok(Number.isNaN(float16BitsToNumber(0x7e00)));
    assert.equal(float16BitsToNumber(0xfc00), -Infinity);
  });
  test('round trip of every finite half value', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const exponent = (bits >> 10) & 0x1f;
      if (exponent === 0x1f) continue;
      const back = numberToFloat16Bits(float16BitsToNumber(bits));
      // -0 and +0 both survive as themselves.
      assert.equal(back, bits, `bits 0x${bits.toString(16)}`);
    }
  });
});

describe('WireTensor <-> HostTensor', () => {
  for (const type of RUNTIME_ELEMENT_TYPES) {
    test(`${type} round trip`, () => {
      const values = EDGE_VALUES[type];
      const wire = { name: 't', elementType: type as ElementType, dims: [2, values.length / 2], data: values as Array<string | number | boolean> };
      const host = wireToHost(wire);
      assert.equal(host.data.length, values.length);
      const back = hostToWire(host);
      const again = hostToWire(wireToHost(back));
      assert.deepEqual(again, back, 'wire -> host -> wire is stable');
      assert.deepEqual(back.dims, [2, values.length / 2]);
      if (type === 'int64') assert.equal(back.data[1], '9223372036854775807', 'beyond 2^53 travels as a string');
      if (type === 'int64') assert.equal(back.data[3], -5, 'small int64 is a number');
      if (type === 'uint64') assert.equal(back.data[2], '9007199254740993');
      if (type === 'bool') assert.deepEqual(back.data, [true, false, false, true]);
      if (type === 'float32') assert.deepEqual(back.data.slice(3), ['NaN', 'Infinity', '-Infinity']);
      if (type === 'string') assert.deepEqual(back.data, values);
      if (type === 'float16') assert.deepEqual(back.data, [0, 1, -2, 65504, 0.5, 'Infinity']);
    });
  }

  test('typed arrays are the ones ONNX Runtime expects', () => {
    const kinds: Array<[ElementType, unknown]> = [
      ['float32', Float32Array], ['float64', Float64Array], ['float16', Uint16Array], ['int8', Int8Array], ['int16', Int16Array],
      ['int32', Int32Array], ['int64', BigInt64Array], ['uint8', Uint8Array], ['uint16', Uint16Array], ['uint32', Uint32Array],
      ['uint64', BigUint64Array], ['bool', Uint8Array],
    ];
    for (const [type, ctor] of kinds) {
      const host = wireToHost({ name: 'x', elementType: type, dims: [1], data: [1] });
      assert.equal(host.data.constructor, ctor, type);
    }
  });

  test('values that do not fit name the tensor and position', () => {
    const cases: Array<[ElementType, unknown, RegExp]> = [
      ['int64', 1.5, /Input "x" expects int64, but the value at \[0, 1\].*1\.5 is not a whole number/],
      ['uint8', 256, /256 is outside uint8's range 0\.\.255/],
      ['int8', -129, /outside int8/],
      ['float32', 'abc', /"abc" is not a number/],
      ['bool', 2, /not a boolean/],
      ['uint64', -1, /outside uint64/],
    ];
    for (const [type, bad, pattern] of cases) {
      assert.throws(() => wireToHost({ name: 'x', elementType: type, dims: [1, 2], data: [0, bad as number] }), (e: unknown) => isModelDockError(e) && pattern.test(e.message), `${type} ${String(bad)}`);
    }
  });

  test('data length must match dims', () => {
    assert.throws(() => wireToHost({ name: 'x', elementType: 'float32', dims: [2, 3], data: [1, 2] }), /shape \[2, 3\] \(6 values\) but carries 2 values/);
  });

  test('safe coercion only', () => {
    const f64: HostTensor = { name: 'a', elementType: 'float64', dims: [2], data: new Float64Array([1, 2]) };
    assert.deepEqual([...(coerceTensor(f64, 'int64')!.data as BigInt64Array)], [1n, 2n]);
    assert.equal(coerceTensor({ ...f64, data: new Float64Array([1.5, 2]) }, 'int64'), null);
    assert.equal(coerceTensor({ name: 'i', elementType: 'int32', dims: [1], data: new Int32Array([300]) }, 'uint8'), null);
    assert.deepEqual([...(coerceTensor(f64, 'float32')!.data as Float32Array)], [1, 2]);
    assert.equal(coerceTensor({ name: 's', elementType: 'string', dims: [1], data: ['1'] }, 'float32'), null);
  });
});

// A minimal protobuf writer, so TensorProto files are built here independently of the decoder under test.
function varint(n: bigint | number): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const lenField = (field: number, bytes: number[] | Uint8Array) => [...key(field, 2), ...varint(bytes.length), ...bytes];
const packed = (field: number, values: Array<number | bigint>) => lenField(field, values.flatMap((v) => varint(v)));
function tensorProto(opts: { dims: number[]; type: number; name?: string; extra: number[] }): Uint8Array {
  const bytes = [
    ...opts.dims.flatMap((d) => [...key(1, 0), ...varint(d)]), // dims: unpacked, as onnx.proto declares them
    ...key(2, 0), ...varint(opts.type),
    ...(opts.name ? lenField(8, [...Buffer.from(opts.name)]) : []),
    ...opts.extra,
  ];
  return Uint8Array.from(bytes);
}

describe('TensorProto decoder', () => {
  test('raw_data for every numeric type', () => {
    const cases: Array<[number, ElementType, ArrayBufferView & { length: number }, unknown[]]> = [
      [1, 'float32', new Float32Array([1.5, -2]), [1.5, -2]],
      [11, 'float64', new Float64Array([Math.E, 0]), [Math.E, 0]],
      [3, 'int8', new Int8Array([-3, 4]), [-3, 4]],
      [5, 'int16', new Int16Array([-300, 4]), [-300, 4]],
      [6, 'int32', new Int32Array([-70000, 4]), [-70000, 4]],
      [7, 'int64', new BigInt64Array([-5n, 1n << 60n]), [-5n, 1n << 60n]],
      [2, 'uint8', new Uint8Array([200, 4]), [200, 4]],
      [4, 'uint16', new Uint16Array([60000, 4]), [60000, 4]],
      [12, 'uint32', new Uint32Array([4000000000, 4]), [4000000000, 4]],
      [13, 'uint64', new BigUint64Array([1n << 63n, 4n]), [1n << 63n, 4n]],
      [9, 'bool', new Uint8Array([1, 0]), [1, 0]],
      [10, 'float16', new Uint16Array([0x3c00, 0xc000]), [0x3c00, 0xc000]],
    ];
    for (const [code, type, typed, expected] of cases) {
      const raw = new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
      const t = decodeTensorProto(tensorProto({ dims: [2], type: code, name: 'x', extra: lenField(9, raw) }));
      assert.equal(t.elementType, type);
      assert.deepEqual(t.dims, [2]);
      assert.deepEqual([...(t.data as ArrayLike<unknown> & Iterable<unknown>)], expected, type);
    }
  });

  test('typed fields: float_data, double_data, int32_data (small types), int64_data, uint64_data, string_data', () => {
    const f = new Float32Array([0.25, -8]);
    const float = decodeTensorProto(tensorProto({ dims: [1, 2], type: 1, extra: lenField(4, new Uint8Array(f.buffer)) }), 'fallback');
    assert.equal(float.name, 'fallback');
    assert.deepEqual([...(float.data as Float32Array)], [0.25, -8]);
    const d = new Float64Array([1e-300]);
    assert.deepEqual([...(decodeTensorProto(tensorProto({ dims: [1], type: 11, extra: lenField(10, new Uint8Array(d.buffer)) })).data as Float64Array)], [1e-300]);
    // int8 -3 is a 10-byte two's-complement varint in int32_data.
    assert.deepEqual([...(decodeTensorProto(tensorProto({ dims: [2], type: 3, extra: packed(5, [-3n, 7]) })).data as Int8Array)], [-3, 7]);
    assert.deepEqual([...(decodeTensorProto(tensorProto({ dims: [3], type: 9, extra: packed(5, [1, 0, 1]) })).data as Uint8Array)], [1, 0, 1]);
    assert.deepEqual([...(decodeTensorProto(tensorProto({ dims: [1], type: 10, extra: packed(5, [0x3c00]) })).data as Uint16Array)], [0x3c00]);
    assert.deepEqual([...(decodeTensorProto(tensorProto({ dims: [1], type: 2, extra: packed(5, [250]) })).data as Uint8Array)], [250]);
    assert.deepEqual([...(decodeTensorProto(tensorProto({ dims: [2], type: 7, extra: packed(7, [-1n, 1n << 62n]) })).data as BigInt64Array)], [-1n, 1n << 62n]);
    assert.deepEqual([...(decodeTensorProto(tensorProto({ dims: [1], type: 13, extra: packed(11, [(1n << 64n) - 1n]) })).data as BigUint64Array)], [(1n << 64n) - 1n]);
    assert.deepEqual([...(decodeTensorProto(tensorProto({ dims: [1], type: 12, extra: packed(11, [4000000000]) })).data as Uint32Array)], [4000000000]);
    const strings = decodeTensorProto(tensorProto({ dims: [2], type: 8, extra: [...lenField(6, [...Buffer.from('héllo')]), ...lenField(6, [])] }));
    assert.deepEqual(strings.data, ['héllo', '']);
    // Unpacked repeated values (one field per value) are legal protobuf too.
    const unpacked = decodeTensorProto(tensorProto({ dims: [2], type: 6, extra: [...key(5, 0), ...varint(9), ...key(5, 0), ...varint(-1n)] }));
    assert.deepEqual([...(unpacked.data as Int32Array)], [9, -1]);
    // A scalar has no dims and one value.
    assert.deepEqual(decodeTensorProto(tensorProto({ dims: [], type: 1, extra: lenField(9, new Uint8Array(new Float32Array([7]).buffer)) })).dims, []);
  });

  test('inconsistent files are clear errors', () => {
    assert.throws(() => decodeTensorProto(tensorProto({ dims: [3], type: 1, name: 'w', extra: lenField(9, [0, 0, 0, 0]) })), /Tensor "w".*raw_data has 4 bytes but float32 \[3\] needs 12/);
    assert.throws(() => decodeTensorProto(tensorProto({ dims: [1], type: 16, extra: [] })), /bfloat16/);
    assert.throws(() => decodeTensorProto(Uint8Array.from([0x0a, 0x05, 1])), (e: unknown) => isModelDockError(e) && e.code === 'protobuf-truncated');
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { readNpy } from '../../main/inference/npy-reader';

/** A tiny .npy writer (format 1.0, 2.0 or 3.0) so the reader is tested against bytes built independently. */
function npy(descr: string, shape: number[], body: Uint8Array, opts: { version?: 1 | 2 | 3; fortran?: boolean } = {}): Uint8Array {
  const version = opts.version ?? 1;
  const dict = `{'descr': '${descr}', 'fortran_order': ${opts.fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const prefix = version === 1 ? 10 : 12;
  let header = dict;
  while ((prefix + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const headerBytes = Buffer.from(header, version === 3 ? 'utf8' : 'latin1');
  const out = Buffer.alloc(prefix + headerBytes.length + body.length);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(out, 0);
  if (version === 1) out.writeUInt16LE(headerBytes.length, 8);
  else out.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(out, prefix);
  Buffer.from(body.buffer, body.byteOffset, body.byteLength).copy(out, prefix + headerBytes.length);
  return out;
}
const bytesOf = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

describe('.npy reader', () => {
  test('every numeric dtype, little endian', () => {
    const cases: Array<[string, string, ArrayBufferView & ArrayLike<unknown>]> = [
      ['<f4', 'float32', new Float32Array([1.5, -2, 3, 4])],
      ['<f8', 'float64', new Float64Array([Math.PI, 0, -1, 2])],
      ['<f2', 'float16', new Uint16Array([0x3c00, 0, 0xc000, 0x7c00])],
      ['|i1', 'int8', new Int8Array([-128, 127, 0, 1])],
      ['<i2', 'int16', new Int16Array([-300, 300, 0, 1])],
      ['<i4', 'int32', new Int32Array([-70000, 70000, 0, 1])],
      ['<i8', 'int64', new BigInt64Array([-1n, 1n << 62n, 0n, 1n])],
      ['|u1', 'uint8', new Uint8Array([0, 255, 1, 2])],
      ['<u2', 'uint16', new Uint16Array([0, 65535, 1, 2])],
      ['<u4', 'uint32', new Uint32Array([0, 4294967295, 1, 2])],
      ['<u8', 'uint64', new BigUint64Array([0n, (1n << 64n) - 1n, 1n, 2n])],
      ['|b1', 'bool', new Uint8Array([1, 0, 0, 1])],
    ];
    for (const [descr, type, values] of cases) {
      const t = readNpy(npy(descr, [2, 2], bytesOf(values)), 'x');
      assert.equal(t.elementType, type, descr);
      assert.deepEqual(t.dims, [2, 2]);
      assert.deepEqual([...(t.data as Iterable<unknown>)], [...(values as unknown as Iterable<unknown>)], descr);
    }
  });

  test('big endian, versions 2 and 3, scalars and 1-D', () => {
    const be = Buffer.alloc(8);
    be.writeInt32BE(-5, 0);
    be.writeInt32BE(258, 4);
    assert.deepEqual([...(readNpy(npy('>i4', [2], be, { version: 2 }), 'x').data as Int32Array)], [-5, 258]);
    const bf = Buffer.alloc(8);
    bf.writeDoubleBE(1.25, 0);
    assert.deepEqual([...(readNpy(npy('>f8', [], bf, { version: 3 }), 'x').data as Float64Array)], [1.25]);
    assert.deepEqual(readNpy(npy('>f8', [], bf, { version: 3 }), 'x').dims, []);
  });

  test('fortran order is reordered to C order', () => {
    // The 2x3 matrix [[1,2,3],[4,5,6]] stored column by column.
    const t = readNpy(npy('<f4', [2, 3], bytesOf(new Float32Array([1, 4, 2, 5, 3, 6])), { fortran: true }), 'x');
    assert.deepEqual([...(t.data as Float32Array)], [1, 2, 3, 4, 5, 6]);
  });

  test('unicode and byte strings', () => {
    const body = Buffer.alloc(2 * 3 * 4);
    ['hé', 'abc'].forEach((s, i) => [...s].forEach((ch, c) => body.writeUInt32LE(ch.codePointAt(0)!, i * 12 + c * 4)));
    assert.deepEqual(readNpy(npy('<U3', [2], body), 'x').data, ['hé', 'abc']);
    assert.deepEqual(readNpy(npy('|S2', [2], Buffer.from('ab\0\0')), 'x').data, ['ab', '']);
  });

  test('refuses pickles, structured and truncated arrays with clear messages', () => {
    assert.throws(() => readNpy(npy('|O', [1], new Uint8Array(8)), 'obj'), /Python objects \(a pickle\)/);
    assert.throws(() => readNpy(npy('<c8', [1], new Uint8Array(8)), 'c'), /dtype '<c8' is not supported/);
    assert.throws(() => readNpy(npy('<f4', [10], new Uint8Array(8)), 'short'), /holds 8 data bytes but <f4 of shape \(10\) needs 40/);
    assert.throws(() => readNpy(Buffer.from('not numpy at all'), 'text'), /\.npy signature/);
  });
});

const python = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
describe('.npy files written by numpy', { skip: python.status !== 0 && 'python3 with numpy not available' }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-npy-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  test('np.save output of many dtypes reads back exactly', () => {
    const script = `
import numpy as np, json, sys
d = sys.argv[1]
arrays = {
  'f32': np.arange(6, dtype=np.float32).reshape(2, 3) / 4,
  'f64be': np.array([[1.5, -2.25]], dtype='>f8'),
  'f16': np.array([1, 0.5, -2], dtype=np.float16),
  'i64': np.array([-(2**63), 2**63 - 1, 7], dtype=np.int64),
  'u8': np.array([[0, 255]], dtype=np.uint8),
  'bool': np.array([True, False, True]),
  'str': np.array(['setosa', 'vé']),
  'fortran': np.asfortranarray(np.arange(6, dtype=np.int32).reshape(2, 3)),
  'scalar': np.float64(3.5),
}
for k, v in arrays.items(): np.save(f'{d}/{k}.npy', v)
`;
    const run = spawnSync('python3', ['-c', script, dir], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const read = (n: string) => readNpy(fs.readFileSync(path.join(dir, `${n}.npy`)), n);
    assert.deepEqual([...(read('f32').data as Float32Array)], [0, 0.25, 0.5, 0.75, 1, 1.25]);
    assert.deepEqual(read('f32').dims, [2, 3]);
    assert.deepEqual([...(read('f64be').data as Float64Array)], [1.5, -2.25]);
    assert.deepEqual([...(read('f16').data as Uint16Array)], [0x3c00, 0x3800, 0xc000]);
    assert.deepEqual([...(read('i64').data as BigInt64Array)], [-(2n ** 63n), 2n ** 63n - 1n, 7n]);
    assert.deepEqual([...(read('u8').data as Uint8Array)], [0, 255]);
    assert.equal(read('bool').elementType, 'bool');
    assert.deepEqual([...(read('bool').data as Uint8Array)], [1, 0, 1]);
    assert.deepEqual(read('str').data, ['setosa', 'vé']);
    assert.deepEqual([...(read('fortran').data as Int32Array)], [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(read('scalar').dims, []);
  });
});

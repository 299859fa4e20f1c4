import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { inspectOnnx } from '../../main/model/onnx-inspect';
import { openModel } from '../../main/model/open-model';
import { writeLargeModel } from '../../main/model/onnx-writer';

/** The streaming reader must skip raw_data: inspecting a big model costs its header, not its size. */
let scratch = '';
before(() => { scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-large-')); });
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const MB = 1024 * 1024;

function jsMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
}

test('inspecting a 300 MB single-file model allocates far less than its size', async () => {
  const file = path.join(scratch, 'big.onnx');
  const { weightCount } = await writeLargeModel(file, { bytes: 300 * MB, external: false });
  const size = fs.statSync(file).size;
  assert.ok(size > 300 * MB);
  const before = jsMemory();
  let peak = before;
  const timer = setInterval(() => { peak = Math.max(peak, jsMemory()); }, 1);
  const summary = await inspectOnnx(file);
  peak = Math.max(peak, jsMemory());
  clearInterval(timer);
  const growth = peak - before;
  console.log(`inspect of ${(size / MB).toFixed(0)} MB: JS memory grew ${(growth / MB).toFixed(1)} MB`);
  assert.ok(growth < 32 * MB, `memory grew by ${(growth / MB).toFixed(1)} MB`);
  assert.equal(summary.parameterCount, weightCount);
  assert.equal(summary.parameterBytes, weightCount * 4);
  assert.deepEqual(summary.inputs.map((i) => [i.name, i.elementType, i.shape]), [['index', 'int64', ['batch']]]);
});

test('writeLargeModel output loads and runs in ONNX Runtime, single-file and external', async () => {
  for (const external of [false, true]) {
    const file = path.join(scratch, `gather-${external ? 'ext' : 'single'}.onnx`);
    const written = await writeLargeModel(file, { bytes: 16 * MB + 12, external, chunkBytes: 1 * MB });
    if (external) assert.equal(fs.statSync(written.dataPath!).size, written.weightCount * 4);
    const report = await openModel(file);
    assert.equal(report.onnx!.parameterCount, written.weightCount);
    if (external) {
      assert.equal(report.onnx!.externalData[0].problem, undefined);
      assert.ok(report.bytes > 16 * MB);
    }
    const session = await ort.InferenceSession.create(file);
    const out = await session.run({ index: new ort.Tensor('int64', BigInt64Array.from([0n, 999n, 1000n, BigInt(written.weightCount - 1)]), [4]) });
    assert.deepEqual(Array.from(out.value.data as Float32Array), [0, 999, 0, (written.weightCount - 1) % 1000]);
  }
});

test('single-file models beyond protobuf\'s 2 GiB are refused up front', async () => {
  await assert.rejects(writeLargeModel(path.join(scratch, 'too-big.onnx'), { bytes: 3 * 1024 * MB, external: false }), /2 GiB/);
});

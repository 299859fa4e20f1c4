import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { ModelDockError } from '../../shared/errors';
import { inspectOnnx } from '../../main/model/onnx-inspect';
import { attr, floatTensor, tensorInfo, writeModel, type ModelDef, type TensorDef } from '../../main/model/onnx-writer';
import { removeZipMap } from '../../main/model/zipmap-fix';
import { ensureFixtures } from '../fixtures/make-fixtures';

let dir = '';
let scratch = '';
before(async () => {
  dir = await ensureFixtures();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-zipmap-'));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const IRIS_ROWS = Float32Array.from([5.1, 3.5, 1.4, 0.2, 6.0, 2.9, 4.5, 1.5, 6.3, 3.3, 6.0, 2.5]);

function copyFixture(name: string, sub = ''): string {
  const target = path.join(scratch, sub, name);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(dir, name), target);
  return target;
}

test('zipmap.onnx: the copy exposes "probabilities" and runs in onnxruntime-node', async () => {
  const model = copyFixture('zipmap.onnx', 'a');
  const original = fs.readFileSync(model);
  const out = await removeZipMap(model);
  assert.equal(out, path.join(scratch, 'a', 'zipmap.nozipmap.onnx'));
  assert.deepEqual(fs.readFileSync(model), original, 'original untouched');

  const summary = await inspectOnnx(out);
  assert.deepEqual(summary.opHistogram.map((h) => h.opType), ['LinearClassifier']);
  assert.deepEqual(summary.outputs.map((o) => [o.name, o.kind, o.elementType, o.shape]), [
    ['output_label', 'tensor', 'int64', ['batch']], ['probabilities', 'tensor', 'float32', ['batch', 3]],
  ]);
  assert.ok(summary.metadata.some((m) => m.key === 'modeldock.fix' && /output_probability -> probabilities/.test(m.value)));

  const session = await ort.InferenceSession.create(out);
  assert.deepEqual(session.outputNames, ['output_label', 'probabilities']);
  const result = await session.run({ float_input: new ort.Tensor('float32', IRIS_ROWS, [3, 4]) });
  assert.deepEqual(result.probabilities.dims, [3, 3]);
  const probs = Array.from(result.probabilities.data as Float32Array);
  for (let row = 0; row < 3; row++) {
    const p = probs.slice(row * 3, row * 3 + 3);
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'rows sum to 1');
    assert.equal(p.indexOf(Math.max(...p)), row, 'setosa, versicolor, virginica');
  }
  assert.deepEqual(Array.from(result.output_label.data as BigInt64Array), [0n, 1n, 2n]);
});

test('a classifier with initializers, string labels and value_info: weights copied byte for byte', async () => {
  // iris's MLP with a ZipMap on top, the way skl2onnx wraps MLPClassifier.
  const tensors: TensorDef[] = [
    floatTensor('W', [4, 3], [0, 0, 0, 0, 0, 0, -4, 0, 4, -2, 0, 2]),
    floatTensor('B', [3], [11.2, 0, -22.7]),
  ];
  const model: ModelDef = {
    irVersion: 8, opsetImports: [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 3 }],
    graph: {
      name: 'mlp_zipmap',
      nodes: [
        { opType: 'Gemm', inputs: ['x', 'W', 'B'], outputs: ['logits'] },
        { opType: 'Softmax', inputs: ['logits'], outputs: ['probs'], attributes: [attr.int('axis', 1)] },
        { opType: 'ArgMax', inputs: ['probs'], outputs: ['label'], attributes: [attr.int('axis', 1), attr.int('keepdims', 0)] },
        { opType: 'ZipMap', domain: 'ai.onnx.ml', inputs: ['probs'], outputs: ['output_probability'], attributes: [attr.strings('classlabels_strings', ['setosa', 'versicolor', 'virginica'])] },
      ],
      inputs: [tensorInfo('x', 'float32', ['N', 4])],
      outputs: [{ name: 'output_probability', type: { sequence: { map: { key: 'string', value: { tensor: 'float32' } } } } }, tensorInfo('label', 'int64', ['N'])],
      initializers: tensors,
      valueInfo: [tensorInfo('probs', 'float32', ['N', 3]), { name: 'output_probability', type: { sequence: { map: { key: 'string', value: { tensor: 'float32' } } } } }],
    },
  };
  const file = path.join(scratch, 'mlp.onnx');
  writeModel(file, model);
  assert.deepEqual((await inspectOnnx(file)).labels, ['setosa', 'versicolor', 'virginica'], 'labels from classlabels_strings');
  const out = await removeZipMap(file, path.join(scratch, 'mlp-fixed.onnx'));
  const bytes = fs.readFileSync(out);
  for (const t of tensors) assert.ok(bytes.includes(Buffer.from(t.rawData!)), `${t.name} raw bytes present unchanged`);
  const summary = await inspectOnnx(out);
  assert.deepEqual(summary.outputs.map((o) => [o.name, o.shape]), [['probs', ['N', 3]], ['label', ['N']]], 'output keeps its place, typed from value_info');
  const session = await ort.InferenceSession.create(out);
  const result = await session.run({ x: new ort.Tensor('float32', IRIS_ROWS, [3, 4]) });
  assert.deepEqual(Array.from(result.label.data as BigInt64Array), [0n, 1n, 2n]);
  assert.deepEqual(result.probs.dims, [3, 3]);
});

test('never overwrites the original; refuses models without a removable ZipMap', async () => {
  const model = copyFixture('zipmap.onnx', 'b');
  await assert.rejects(removeZipMap(model, model), (e: ModelDockError) => e.code === 'fix-would-overwrite');
  await assert.rejects(removeZipMap(model, path.join(scratch, 'b', '.', 'zipmap.onnx')), (e: ModelDockError) => e.code === 'fix-would-overwrite');
  const iris = copyFixture('iris.onnx', 'b');
  await assert.rejects(removeZipMap(iris), (e: ModelDockError) => e.code === 'zipmap-not-found');
  await assert.rejects(removeZipMap(path.join(scratch, 'b', 'missing.onnx')), (e: ModelDockError) => e.code === 'model-not-found');
  assert.deepEqual(fs.readdirSync(path.join(scratch, 'b')).sort(), ['iris.onnx', 'zipmap.onnx'], 'no stray temp files');
});

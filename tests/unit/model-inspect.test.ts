import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inspectOnnx, readOnnxModel } from '../../main/model/onnx-inspect';
import { attr, encodeModel, floatTensor, tensorInfo, writeModel, type ModelDef } from '../../main/model/onnx-writer';
import { parseLabels } from '../../main/model/model-labels';
import { CIFAR10_LABELS, ensureFixtures, IRIS_LABELS } from '../fixtures/make-fixtures';

let dir = '';
let scratch = '';
before(async () => {
  dir = await ensureFixtures();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-inspect-'));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const io = (s: { inputs: Array<{ name: string; elementType: string | null; shape: unknown }>; outputs: Array<{ name: string; elementType: string | null; shape: unknown }> }) => ({
  inputs: s.inputs.map((i) => [i.name, i.elementType, i.shape]),
  outputs: s.outputs.map((o) => [o.name, o.elementType, o.shape]),
});

describe('inspectOnnx on the good fixtures', () => {
  test('iris.onnx', async () => {
    const s = await inspectOnnx(path.join(dir, 'iris.onnx'));
    assert.deepEqual(io(s), { inputs: [['input', 'float32', ['batch', 4]]], outputs: [['probabilities', 'float32', ['batch', 3]]] });
    assert.equal(s.irVersion, 8);
    assert.deepEqual(s.opsetImports, [{ domain: '', version: 17 }]);
    assert.equal(s.producerName, 'modeldock-fixtures');
    assert.equal(s.graphName, 'iris_mlp');
    assert.match(s.docString, /Iris/);
    assert.deepEqual(s.labels, IRIS_LABELS);
    assert.equal(s.nodeCount, 4);
    assert.deepEqual(s.opHistogram, [
      { opType: 'Gemm', domain: '', count: 2 }, { opType: 'Relu', domain: '', count: 1 }, { opType: 'Softmax', domain: '', count: 1 },
    ]);
    assert.equal(s.initializerCount, 4);
    assert.equal(s.parameterCount, 4 * 8 + 8 + 8 * 3 + 3);
    assert.equal(s.parameterBytes, 67 * 4);
    assert.deepEqual(s.customDomains, []);
    assert.deepEqual(s.externalData, []);
    assert.equal(s.inputs[0].typeText, 'tensor(float)');
    assert.ok(s.metadata.some((m) => m.key === 'task' && m.value === 'classification'));
  });

  test('cnn.onnx', async () => {
    const s = await inspectOnnx(path.join(dir, 'cnn.onnx'));
    assert.deepEqual(io(s), { inputs: [['image', 'float32', ['batch', 3, 32, 32]]], outputs: [['scores', 'float32', ['batch', 10]]] });
    assert.deepEqual(s.labels, CIFAR10_LABELS);
    assert.deepEqual(s.opHistogram.map((h) => h.opType).sort(), ['Conv', 'Flatten', 'Gemm', 'GlobalAveragePool', 'Relu', 'Softmax']);
    assert.equal(s.parameterCount, 216 + 8 + 80 + 10);
  });

  test('multi-input, int64, string, bool and dynamic-dims fixtures', async () => {
    const expectations: Record<string, ReturnType<typeof io>> = {
      'multi-input.onnx': { inputs: [['features', 'float32', ['batch', 3]], ['category', 'int64', ['batch', 1]]], outputs: [['score', 'float32', ['batch', 1]]] },
      'int64-input.onnx': { inputs: [['ids', 'int64', ['batch', 4]]], outputs: [['total', 'int64', ['batch', 1]]] },
      'string-input.onnx': { inputs: [['words', 'string', ['n']]], outputs: [['echo', 'string', ['n']]] },
      'bool-input.onnx': { inputs: [['mask', 'bool', ['batch', 4]]], outputs: [['inverted', 'bool', ['batch', 4]]] },
      'dynamic-dims.onnx': { inputs: [['x', 'float32', ['batch', 'seq', 8]]], outputs: [['y', 'float32', ['batch', 8]]] },
      'fixed-batch.onnx': { inputs: [['input', 'float32', [1, 4]]], outputs: [['probabilities', 'float32', [1, 3]]] },
    };
    for (const [file, expected] of Object.entries(expectations)) {
      const s = await inspectOnnx(path.join(dir, file));
      assert.deepEqual(io(s), expected, file);
      assert.deepEqual(s.labels, file === 'fixed-batch.onnx' ? IRIS_LABELS : null, file);
    }
    const int64 = await inspectOnnx(path.join(dir, 'int64-input.onnx'));
    assert.deepEqual([int64.initializerCount, int64.parameterCount, int64.parameterBytes], [1, 1, 8]);
  });

  test('zipmap.onnx: sequence-of-map output, ai.onnx.ml opset and histogram domains', async () => {
    const s = await inspectOnnx(path.join(dir, 'zipmap.onnx'));
    assert.deepEqual(s.outputs.map((o) => [o.name, o.kind, o.typeText]), [
      ['output_label', 'tensor', 'tensor(int64)'],
      ['output_probability', 'sequence', 'seq(map(int64,tensor(float)))'],
    ]);
    assert.deepEqual(s.opsetImports, [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 1 }]);
    assert.deepEqual(s.opHistogram.map((h) => [h.domain, h.opType, h.count]).sort(), [['ai.onnx.ml', 'LinearClassifier', 1], ['ai.onnx.ml', 'ZipMap', 1]]);
    assert.deepEqual(s.customDomains, []);
    assert.equal(s.producerName, 'skl2onnx');
  });

  test('unknown-domain.onnx reports its custom domain', async () => {
    const s = await inspectOnnx(path.join(dir, 'unknown-domain.onnx'));
    assert.deepEqual(s.customDomains, ['com.example.custom']);
    assert.deepEqual(s.opHistogram, [{ opType: 'FancyActivation', domain: 'com.example.custom', count: 1 }]);
  });
});

describe('external data', () => {
  test('external-ok.onnx resolves its weights file and counts parameters without reading them', async () => {
    const s = await inspectOnnx(path.join(dir, 'external-ok.onnx'));
    assert.equal(s.externalData.length, 1);
    const [file] = s.externalData;
    assert.equal(file.location, 'external-ok.weights');
    assert.equal(file.tensors, 4);
    assert.equal(file.bytes, 67 * 4);
    assert.equal(file.resolvedPath, fs.realpathSync(path.join(dir, 'external-ok.weights')));
    assert.equal(file.problem, undefined);
    assert.equal(s.parameterCount, 67);
  });

  const rejected: Array<[string, RegExp]> = [
    ['external-missing.onnx', /was not found/],
    ['external-escape.onnx', /outside the model's folder/],
    ['external-absolute.onnx', /absolute path/],
    ['external-symlink.onnx', /symbolic link .* outside the model's folder/],
  ];
  for (const [file, message] of rejected) {
    test(`${file} is rejected with a clear problem`, async () => {
      const [entry] = (await inspectOnnx(path.join(dir, file))).externalData;
      assert.equal(entry.resolvedPath, null);
      assert.match(entry.problem ?? '', message);
    });
  }

  test('a symlink that stays inside the folder is accepted; a short data file is reported', async () => {
    const folder = path.join(scratch, 'ext');
    fs.mkdirSync(folder);
    const data = Buffer.from(new Float32Array([1, 2, 3, 4]).buffer);
    fs.writeFileSync(path.join(folder, 'real.bin'), data);
    fs.symlinkSync('real.bin', path.join(folder, 'link.bin'));
    fs.writeFileSync(path.join(folder, 'short.bin'), data.subarray(0, 8));
    const model = (location: string): ModelDef => ({
      irVersion: 8, opsetImports: [{ domain: '', version: 17 }],
      graph: {
        name: 'g', nodes: [{ opType: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
        inputs: [tensorInfo('x', 'float32', [4])], outputs: [tensorInfo('y', 'float32', [4])],
        initializers: [{ name: 'w', dataType: 'float32', dims: [4], external: { location, offset: 0, length: 16 } }],
      },
    });
    writeModel(path.join(folder, 'linked.onnx'), model('link.bin'));
    writeModel(path.join(folder, 'short.onnx'), model('short.bin'));
    writeModel(path.join(folder, 'subdir-escape.onnx'), model('sub/../../x.bin'));
    assert.equal((await inspectOnnx(path.join(folder, 'linked.onnx'))).externalData[0].problem, undefined);
    assert.match((await inspectOnnx(path.join(folder, 'short.onnx'))).externalData[0].problem ?? '', /has 8 bytes but the model reads up to byte 16/);
    assert.match((await inspectOnnx(path.join(folder, 'subdir-escape.onnx'))).externalData[0].problem ?? '', /outside/);
  });
});

describe('ONNX structure details', () => {
  test('IR<4 models that list initializers as inputs: those are not user inputs', async () => {
    const file = path.join(scratch, 'old-ir.onnx');
    writeModel(file, {
      irVersion: 3, opsetImports: [{ domain: '', version: 9 }],
      graph: {
        name: 'old', nodes: [{ opType: 'Add', inputs: ['x', 'bias'], outputs: ['y'] }],
        inputs: [tensorInfo('x', 'float32', ['N', 2]), tensorInfo('bias', 'float32', [2])],
        outputs: [tensorInfo('y', 'float32', ['N', 2])],
        initializers: [floatTensor('bias', [2], [1, 2])],
      },
    });
    const model = await readOnnxModel(file);
    assert.deepEqual(model.summary.inputs.map((i) => i.name), ['x']);
    assert.deepEqual(model.graph.inputs.map((i) => i.name), ['x', 'bias']);
  });

  test('subgraphs of If count toward the histogram; types optional/map/sparse and unknown dims are read', async () => {
    const branch = (name: string, op: string) => ({
      name, nodes: [{ opType: op, inputs: ['x'], outputs: [`${name}_out`] }], inputs: [],
      outputs: [tensorInfo(`${name}_out`, 'float32', null)],
    });
    const file = path.join(scratch, 'if.onnx');
    writeModel(file, {
      irVersion: 8, opsetImports: [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }],
      graph: {
        name: 'cond',
        nodes: [
          { opType: 'If', inputs: ['flag'], outputs: ['y'], attributes: [attr.graph('then_branch', branch('then', 'Relu')), attr.graph('else_branch', branch('else', 'Neg'))] },
          { opType: 'FusedGemm', domain: 'com.microsoft', inputs: ['y', 'y'], outputs: ['z'] },
        ],
        inputs: [
          tensorInfo('x', 'float32', [null, 'width']), tensorInfo('flag', 'bool', []),
          { name: 'opt', type: { optional: { tensor: 'int32', shape: [3] } } },
          { name: 'dict', type: { map: { key: 'string', value: { tensor: 'float64' } } } },
          { name: 'sparse', type: { sparseTensor: 'float32', shape: [10, 10] } },
        ],
        outputs: [tensorInfo('z', 'float32', null)],
      },
    });
    const s = await inspectOnnx(file);
    assert.equal(s.nodeCount, 4);
    assert.deepEqual(s.opHistogram.map((h) => `${h.domain}:${h.opType}`).sort(), [':If', ':Neg', ':Relu', 'com.microsoft:FusedGemm']);
    assert.deepEqual(s.customDomains, []);
    assert.deepEqual(s.inputs.map((i) => [i.name, i.kind, i.typeText, i.shape]), [
      ['x', 'tensor', 'tensor(float)', [null, 'width']],
      ['flag', 'tensor', 'tensor(bool)', []],
      ['opt', 'optional', 'optional(tensor(int32))', [3]],
      ['dict', 'map', 'map(string,tensor(double))', null],
      ['sparse', 'sparse_tensor', 'sparse_tensor(float)', [10, 10]],
    ]);
    assert.equal(s.outputs[0].shape, null);
  });

  test('a model-local function domain is not a custom op library', async () => {
    // FunctionProto (ModelProto field 25) with name "MyOp" and domain "local.fn", appended by hand.
    const base = encodeModel({
      irVersion: 8, opsetImports: [{ domain: '', version: 17 }, { domain: 'local.fn', version: 1 }],
      graph: { name: 'g', nodes: [{ opType: 'MyOp', domain: 'local.fn', inputs: ['x'], outputs: ['y'] }], inputs: [tensorInfo('x', 'float32', [1])], outputs: [tensorInfo('y', 'float32', [1])] },
    });
    const fn = Buffer.concat([Buffer.from([0x0a, 4]), Buffer.from('MyOp'), Buffer.from([0x52, 8]), Buffer.from('local.fn')]);
    const file = path.join(scratch, 'fn.onnx');
    fs.writeFileSync(file, Buffer.concat([base, Buffer.from([0xca, 0x01, fn.length]), fn]));
    const model = await readOnnxModel(file);
    assert.deepEqual(model.localFunctions, [{ domain: 'local.fn', name: 'MyOp' }]);
    assert.deepEqual(model.summary.customDomains, []);
  });

  test('labels: JSON arrays, index-keyed objects, Python dict text, newline and comma lists', () => {
    assert.deepEqual(parseLabels('["a","b"]'), ['a', 'b']);
    assert.deepEqual(parseLabels('{"0": "cat", "1": "dog"}'), ['cat', 'dog']);
    assert.deepEqual(parseLabels("{0: 'person', 1: 'bicycle'}"), ['person', 'bicycle']);
    assert.deepEqual(parseLabels('x\ny\n'), ['x', 'y']);
    assert.deepEqual(parseLabels('a, b ,c'), ['a', 'b', 'c']);
    assert.equal(parseLabels('  '), null);
  });
});

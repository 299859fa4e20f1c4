import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { starterSpecText, validateSpecText } from '../../main/spec/spec-file';
import { dnsName } from '../../main/spec/spec-starter';
import type { OnnxSummary, ValueInfo } from '../../shared/schemas/model';

function summary(inputs: ValueInfo[], labels: string[] | null, docString = ''): OnnxSummary {
  return {
    irVersion: 8, opsetImports: [{ domain: '', version: 17 }], producerName: 'test', producerVersion: '1', domain: '',
    modelVersion: 0, docString, graphName: 'g', metadata: [], inputs, outputs: [], nodeCount: 1, opHistogram: [],
    initializerCount: 0, parameterCount: 0, parameterBytes: 0, customDomains: [], externalData: [], labels,
  };
}

function tensor(name: string, shape: (number | string | null)[], elementType: ValueInfo['elementType'] = 'float32'): ValueInfo {
  return { name, kind: 'tensor', elementType, shape, typeText: `tensor(${elementType})` };
}

test('dnsName makes file names DNS-safe', () => {
  assert.equal(dnsName('ResNet50_v2.onnx'), 'resnet50-v2');
  assert.equal(dnsName('__My Model!!.onnx'), 'my-model');
  assert.equal(dnsName('....onnx'), 'model');
  assert.equal(dnsName(`${'a'.repeat(70)}.onnx`).length, 63);
});

test('a starter without a model summary is valid and documents every key', () => {
  const text = starterSpecText('/models/Iris Classifier.onnx');
  const { spec, issues } = validateSpecText(text);
  assert.deepEqual(issues, []);
  assert.equal(spec?.model.path, 'Iris Classifier.onnx');
  assert.equal(spec?.model.name, 'iris-classifier');
  assert.equal(spec?.labels, undefined);
  // A comment sits directly above every active key.
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (/^\s*[A-Za-z]+:/.test(line) && !/^\s*#/.test(line) && !/^(model|inputs):$/.test(line.trim())) {
      assert.match(lines[i - 1], /^\s*#/, `no comment above "${line}"`);
    }
  });
  assert.match(text, /# labels:/);
});

test('a starter from an image model has labels and an image block with the detected layout', () => {
  const text = starterSpecText('/m/cnn.onnx', summary(
    [tensor('image', ['batch', 3, 32, 32]), tensor('photo_nhwc', [1, 224, 224, 3]), tensor('ids', ['batch', 3, 4, 4], 'int64')],
    ['cat', 'dog', 'yes', '1'],
    'A small CNN.\nSecond line.',
  ));
  const { spec, issues } = validateSpecText(text);
  assert.deepEqual(issues, []);
  assert.deepEqual(spec?.labels, ['cat', 'dog', 'yes', '1']);
  assert.equal(spec?.model.description, 'A small CNN.');
  const image = spec?.inputs?.image;
  assert.ok(image && image.type === 'image');
  assert.equal(image.layout, 'NCHW');
  assert.ok(Math.abs(image.scale - 1 / 255) < 1e-12);
  assert.equal(image.width, undefined, 'fixed-size inputs keep the model size (commented out)');
  const nhwc = spec?.inputs?.photo_nhwc;
  assert.ok(nhwc && nhwc.type === 'image');
  assert.equal(nhwc.layout, 'NHWC');
  assert.equal(spec?.inputs?.ids, undefined, 'int64 inputs are not images');
  // Comments survive a round trip through the YAML document model.
  assert.match(parseDocument(text).toString(), /# Where the channel axis sits/);
});

test('an image input with symbolic height and width gets an explicit size to set', () => {
  const text = starterSpecText('/m/net.onnx', summary([tensor('pixels', ['n', 3, 'h', 'w'])], null));
  const { spec, issues } = validateSpecText(text);
  assert.deepEqual(issues, []);
  const pixels = spec?.inputs?.pixels;
  assert.ok(pixels && pixels.type === 'image');
  assert.equal(pixels.width, 224);
  assert.equal(pixels.height, 224);
});

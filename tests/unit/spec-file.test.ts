import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  loadSpecForModel, readSpec, resolveLabels, SPEC_FILE_NAME, specPathForModel, validateSpecText, writeSpec,
} from '../../main/spec/spec-file';
import { isModelDockError } from '../../shared/errors';
import { takesImages } from '../../shared/schemas/spec';

const VALID = `apiVersion: modeldock/v1
model:
  path: iris.onnx
  name: iris
labels: [setosa, versicolor, virginica]
inputs:
  image:
    type: image
    layout: NCHW
`;

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-spec-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a valid spec parses, with defaults applied', () => {
  const { spec, issues } = validateSpecText(VALID);
  assert.deepEqual(issues, []);
  assert.equal(spec?.model.version, '1');
  const image = spec?.inputs?.image;
  assert.equal(image?.type, 'image');
  if (image?.type === 'image') assert.equal(image.colorOrder, 'RGB');
});

test('an unknown key is reported with its path, line, a suggestion and the allowed keys', () => {
  const { spec, issues } = validateSpecText(VALID.replace('    layout: NCHW', '    layot: NCHW'));
  assert.equal(spec, null);
  assert.equal(issues.length, 1);
  assert.equal(issues[0].path, 'inputs.image.layot');
  assert.equal(issues[0].line, 9);
  assert.match(issues[0].message, /Unknown key "layot"/);
  assert.match(issues[0].message, /Did you mean "layout"\?/);
  assert.match(issues[0].message, /Allowed keys here: type, layout, width, height/);
});

test('a wrong enum value names the allowed values and the line', () => {
  const { issues } = validateSpecText(VALID.replace('layout: NCHW', 'layout: CHW'));
  assert.equal(issues.length, 1);
  assert.equal(issues[0].path, 'inputs.image.layout');
  assert.equal(issues[0].line, 9);
  assert.match(issues[0].message, /"CHW" is not allowed\. Use one of: NCHW, NHWC/);
});

test('a wrong type says what was expected and what was found', () => {
  const { issues } = validateSpecText(VALID.replace('labels: [setosa, versicolor, virginica]', 'labels: setosa'));
  assert.equal(issues[0].path, 'labels');
  assert.equal(issues[0].line, 5);
  assert.match(issues[0].message, /Expected a list, but found text/);
  const width = validateSpecText(VALID.replace('layout: NCHW', 'layout: NCHW\n    width: 22.5'));
  assert.equal(width.issues[0].path, 'inputs.image.width');
  assert.match(width.issues[0].message, /whole number/);
});

test('a missing key, a bad name and a wrong apiVersion are each reported', () => {
  const text = 'apiVersion: modeldock/v2\nmodel:\n  name: Iris Model\n';
  const { issues } = validateSpecText(text);
  const byPath = new Map(issues.map((i) => [i.path, i]));
  assert.match(byPath.get('apiVersion')!.message, /Must be exactly "modeldock\/v1"/);
  assert.equal(byPath.get('apiVersion')!.line, 1);
  assert.match(byPath.get('model.path')!.message, /Missing required key "path"/);
  assert.equal(byPath.get('model.path')!.line, 3);
  assert.match(byPath.get('model.name')!.message, /lower-case letters, digits and dashes/);
});

test('an unknown input type lists the known types', () => {
  const { issues } = validateSpecText(VALID.replace('type: image', 'type: audio'));
  assert.equal(issues[0].path, 'inputs.image.type');
  assert.match(issues[0].message, /Use one of: image, tabular/);
});

test('YAML syntax errors and duplicate keys carry a line', () => {
  const broken = validateSpecText('apiVersion: modeldock/v1\nmodel:\n  path: [a.onnx\n  name: x\n');
  assert.equal(broken.spec, null);
  assert.ok(broken.issues.length >= 1);
  assert.match(broken.issues[0].message, /^YAML syntax:/);
  assert.equal(typeof broken.issues[0].line, 'number');
  const dup = validateSpecText(`${VALID}labels: [a]\n`);
  assert.match(dup.issues[0].message, /unique/);
  assert.equal(dup.issues[0].line, 10);
});

test('empty text and a non-mapping root are explained', () => {
  assert.match(validateSpecText('').issues[0].message, /empty/);
  assert.match(validateSpecText('- a\n- b\n').issues[0].message, /key: value/);
});

test('labels and labelsFile together are refused', () => {
  const { spec, issues } = validateSpecText(`${VALID}labelsFile: labels.txt\n`);
  assert.equal(spec, null);
  assert.equal(issues[0].path, 'labelsFile');
});

test('readSpec: missing file, folder, valid file with comments kept', (t) => {
  const dir = tempDir(t);
  const missing = readSpec(path.join(dir, 'nope.yaml'));
  assert.equal(missing.exists, false);
  assert.deepEqual(missing.issues, []);
  assert.match(readSpec(dir).issues[0].message, /is a folder/);
  const file = path.join(dir, SPEC_FILE_NAME);
  fs.writeFileSync(file, `# my notes\n${VALID}`);
  const doc = readSpec(file);
  assert.equal(doc.exists, true);
  assert.equal(doc.spec?.model.name, 'iris');
  assert.ok(doc.text.startsWith('# my notes'));
});

test('writeSpec refuses invalid text and leaves the file untouched', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, SPEC_FILE_NAME);
  fs.writeFileSync(file, VALID);
  const doc = writeSpec(file, VALID.replace('name: iris', 'name: Not Valid'));
  assert.equal(doc.spec, null);
  assert.equal(doc.issues[0].path, 'model.name');
  assert.equal(fs.readFileSync(file, 'utf8'), VALID);
  assert.deepEqual(fs.readdirSync(dir), [SPEC_FILE_NAME]);
});

test('writeSpec saves valid text atomically, keeping comments, and leaves no temp file', (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, SPEC_FILE_NAME);
  const text = `# keep me\n${VALID.replace('name: iris', 'name: iris-v2 # renamed')}`;
  const doc = writeSpec(file, text);
  assert.deepEqual(doc.issues, []);
  assert.equal(doc.spec?.model.name, 'iris-v2');
  assert.equal(fs.readFileSync(file, 'utf8'), text);
  assert.deepEqual(fs.readdirSync(dir), [SPEC_FILE_NAME]);
});

test('writeSpec into a missing folder fails with a ModelDockError', () => {
  assert.throws(() => writeSpec(path.join(os.tmpdir(), 'modeldock-no-such-dir-xyz', 'modeldock.yaml'), VALID), (e) => {
    assert.ok(isModelDockError(e));
    assert.equal(e.code, 'spec-write-failed');
    return true;
  });
});

test('loadSpecForModel finds the spec beside the model; resolveLabels reads labelsFile', (t) => {
  const dir = tempDir(t);
  const model = path.join(dir, 'iris.onnx');
  assert.equal(specPathForModel(model), path.join(dir, SPEC_FILE_NAME));
  assert.equal(loadSpecForModel(model).spec, null);

  fs.writeFileSync(path.join(dir, SPEC_FILE_NAME), VALID.replace('labels: [setosa, versicolor, virginica]\n', 'labelsFile: classes.txt\n'));
  const loaded = loadSpecForModel(model);
  assert.ok(loaded.spec);
  assert.throws(() => resolveLabels(loaded.spec!, loaded.specPath), /does not exist/);
  fs.writeFileSync(path.join(dir, 'classes.txt'), '# classes\ncat\n\ndog\r\n');
  assert.deepEqual(resolveLabels(loaded.spec!, loaded.specPath), ['cat', 'dog']);

  const inline = validateSpecText(VALID).spec!;
  assert.deepEqual(resolveLabels(inline, loaded.specPath), ['setosa', 'versicolor', 'virginica']);
});

test('takesImages: an input the spec marks as an image, or, given the model\'s inputs, one it leaves unset that looks like an image', () => {
  const cnn = [{ name: 'image', elementType: 'float32', dims: ['batch', 3, 224, 224] }];
  const nhwc = [{ name: 'pixels', elementType: 'uint8', dims: [1, 224, 224, 3] }];
  const iris = [{ name: 'input', elementType: 'float32', dims: ['batch', 4] }];
  const volume = [{ name: 'scan', elementType: 'float32', dims: [1, 16, 64, 64] }];
  assert.equal(takesImages({ image: { type: 'image' } }), true);
  assert.equal(takesImages(undefined), false);
  assert.equal(takesImages(undefined, cnn), true);
  assert.equal(takesImages({}, nhwc), true);
  assert.equal(takesImages(undefined, iris), false);
  assert.equal(takesImages(undefined, volume), false, '16 channels is not a picture');
  assert.equal(takesImages({ image: { type: 'tabular' } }, cnn), false, 'the spec says otherwise');
  assert.equal(takesImages(undefined, [{ name: 'ids', elementType: 'int64', dims: [1, 3, 8, 8] }]), false);
});

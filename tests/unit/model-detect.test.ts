import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { detectFormat } from '../../main/model/detect-format';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { buildZip } from '../fixtures/zip-writer';

let dir = '';
let scratch = '';
before(async () => {
  dir = await ensureFixtures();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-detect-'));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

function writeScratch(name: string, data: Buffer | string): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, data);
  return file;
}

describe('detectFormat on the fixture corpus', () => {
  const expected: Array<[string, string, RegExp?]> = [
    ['iris.onnx', 'onnx'],
    ['cnn.onnx', 'onnx'],
    ['zipmap.onnx', 'onnx'],
    ['string-input.onnx', 'onnx'],
    ['bool-input.onnx', 'onnx'],
    ['external-ok.onnx', 'onnx'],
    ['opset99.onnx', 'onnx'],
    ['truncated.onnx', 'onnx'],
    ['model.pkl', 'pickle', /scikit-learn/],
    ['model.joblib', 'joblib', /scikit-learn/],
    ['model.pt', 'pytorch-zip', /state_dict/],
    ['legacy.pt', 'pytorch-legacy', /legacy/],
    ['scripted.pt', 'torchscript'],
    ['model.h5', 'keras-h5', /Keras/],
    ['model.keras', 'keras-v3'],
    ['saved_model', 'tf-savedmodel'],
    ['model.safetensors', 'safetensors', /2 tensors/],
    ['model.tflite', 'tflite'],
    ['empty.onnx', 'unknown', /empty/],
    ['random.onnx', 'unknown', /binary/],
    ['text.onnx', 'unknown', /text/],
  ];
  for (const [file, format, label] of expected) {
    test(`${file} -> ${format}`, async () => {
      const detection = await detectFormat(path.join(dir, file));
      assert.equal(detection.format, format, `${file}: ${detection.label}`);
      if (label) assert.match(detection.label, label);
    });
  }

  test('truncated ONNX is flagged from its head alone', async () => {
    assert.equal((await detectFormat(path.join(dir, 'truncated.onnx'))).looksTruncated, true);
    assert.equal((await detectFormat(path.join(dir, 'iris.onnx'))).looksTruncated, false);
  });

  test('saved_model.pb inside a SavedModel folder counts as the SavedModel', async () => {
    assert.equal((await detectFormat(path.join(dir, 'saved_model', 'saved_model.pb'))).format, 'tf-savedmodel');
  });

  test('extension is ignored: an ONNX file named .pt is ONNX, a pickle named .onnx is a pickle', async () => {
    const onnx = writeScratch('really-onnx.pt', fs.readFileSync(path.join(dir, 'iris.onnx')));
    const pickle = writeScratch('really-pickle.onnx', fs.readFileSync(path.join(dir, 'model.pkl')));
    assert.equal((await detectFormat(onnx)).format, 'onnx');
    assert.equal((await detectFormat(pickle)).format, 'pickle');
  });
});

describe('detectFormat edge cases', () => {
  test('missing path throws model-not-found', async () => {
    await assert.rejects(detectFormat(path.join(scratch, 'nope.onnx')), (e: { code: string }) => e.code === 'model-not-found');
  });

  test('a folder without saved_model.pb is unknown/folder', async () => {
    fs.mkdirSync(path.join(scratch, 'plain-folder'), { recursive: true });
    const detection = await detectFormat(path.join(scratch, 'plain-folder'));
    assert.equal(detection.format, 'unknown');
    assert.equal(detection.unknownKind, 'folder');
  });

  test('zlib- and gzip-compressed joblib dumps', async () => {
    const inner = fs.readFileSync(path.join(dir, 'model.joblib'));
    const z = await detectFormat(writeScratch('z.joblib', zlib.deflateSync(inner)));
    assert.equal(z.format, 'joblib');
    assert.match(z.label, /zlib/);
    const g = await detectFormat(writeScratch('g.bin', zlib.gzipSync(inner)));
    assert.equal(g.format, 'joblib');
    assert.match(g.label, /gzip/);
    const xz = await detectFormat(writeScratch('x.joblib', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(32)])));
    assert.equal(xz.format, 'joblib');
    const lz4 = await detectFormat(writeScratch('l.joblib', Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18]), Buffer.alloc(32)])));
    assert.equal(lz4.format, 'joblib');
  });

  test('protocol 0 pickle', async () => {
    const p0 = "ccopy_reg\n_reconstructor\np0\n(csklearn.tree._classes\nDecisionTreeClassifier\np1\nc__builtin__\nobject\np2\nNtp3\nRp4\n.";
    const detection = await detectFormat(writeScratch('p0.pkl', p0));
    assert.equal(detection.format, 'pickle');
    assert.equal(detection.library, 'scikit-learn');
  });

  test('Git LFS pointers, HTML pages and JSON are told apart', async () => {
    const lfs = await detectFormat(writeScratch('lfs.onnx', 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n'));
    assert.equal(lfs.unknownKind, 'lfs-pointer');
    const html = await detectFormat(writeScratch('page.onnx', '<!DOCTYPE html><html><body>Sign in</body></html>'));
    assert.equal(html.unknownKind, 'html');
    const json = await detectFormat(writeScratch('cfg.onnx', '{"a": 1}'));
    assert.equal(json.unknownKind, 'json');
  });

  test('zip archives that are not models, and zip archives holding an .onnx', async () => {
    const plain = await detectFormat(writeScratch('docs.zip', buildZip([{ name: 'readme.txt', data: 'hi' }])));
    assert.equal(plain.format, 'unknown');
    assert.equal(plain.unknownKind, 'zip');
    const withOnnx = await detectFormat(writeScratch('bundle.zip', buildZip([{ name: 'model/model.onnx', data: 'x' }])));
    assert.match(withOnnx.label, /model\/model\.onnx/);
    const cut = buildZip([{ name: 'archive/data.pkl', data: 'x' }]);
    const damaged = await detectFormat(writeScratch('cut.pt', cut.subarray(0, cut.length - 30)));
    assert.equal(damaged.unknownKind, 'zip');
  });

  test('a whole-model PyTorch pickle and a training checkpoint are distinguished from a state_dict', async () => {
    const module = buildZip([{ name: 'm/data.pkl', data: Buffer.from('\x80\x02c__main__\nNet\nq\x00)\x81q\x01}q\x02X\x08\x00\x00\x00_modulesq\x03ctorch.nn.modules.linear\nLinear\n.', 'latin1') }]);
    assert.equal((await detectFormat(writeScratch('module.pt', module))).pytorchContent, 'module');
    const checkpoint = buildZip([{ name: 'c/data.pkl', data: Buffer.from('\x80\x02}q\x00(X\x10\x00\x00\x00model_state_dictq\x01ccollections\nOrderedDict\n.', 'latin1') }]);
    assert.equal((await detectFormat(writeScratch('ckpt.pt', checkpoint))).pytorchContent, 'checkpoint');
  });

  test('random bytes of many seeds are never taken for ONNX', async () => {
    let seed = 99;
    const next = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 24; };
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(Array.from({ length: 512 }, next));
      const detection = await detectFormat(writeScratch('noise.bin', bytes));
      assert.notEqual(detection.format, 'onnx', `seed round ${i} detected as ONNX`);
    }
  });
});

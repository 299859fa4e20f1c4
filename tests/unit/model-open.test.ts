import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModelDockError } from '../../shared/errors';
import { ModelReportSchema } from '../../shared/schemas/model';
import type { StepProgress } from '../../shared/schemas/validation';
import { openModel } from '../../main/model/open-model';
import { brokenFixtureTable } from '../fixtures/broken-table';
import { ensureFixtures } from '../fixtures/make-fixtures';

let dir = '';
let scratch = '';
before(async () => {
  dir = await ensureFixtures();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-open-'));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

async function openError(file: string): Promise<ModelDockError> {
  try {
    await openModel(file);
  } catch (error) {
    assert.ok(error instanceof ModelDockError, `expected a ModelDockError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${file} opened without error`);
}

describe('openModel: files that cannot be opened get specific errors', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['empty.onnx', 'model-empty', /0 bytes/],
    ['truncated.onnx', 'onnx-truncated', /damaged.*ends after \d+ bytes/],
    ['random.onnx', 'model-unknown-format', /first bytes \(12 b4/],
    ['text.onnx', 'model-is-text', /starts with "This file should have been a model\."/],
  ];
  for (const [file, code, message] of cases) {
    test(`${file} -> ${code}`, async () => {
      const error = await openError(path.join(dir, file));
      assert.equal(error.code, code);
      assert.match(error.message, message);
      assert.ok(error.title && error.fix, 'title and fix are set');
    });
  }

  test('truncated ONNX says how to re-export', async () => {
    const error = await openError(path.join(dir, 'truncated.onnx'));
    assert.match(error.fix ?? '', /torch\.onnx\.export.*skl2onnx.*tf2onnx/);
  });

  test('garbage after a valid ONNX head is reported as a damaged ONNX file', async () => {
    const iris = fs.readFileSync(path.join(dir, 'iris.onnx'));
    const damaged = Buffer.from(iris);
    for (let i = 40; i < damaged.length; i += 3) damaged[i] = 0xff;
    const file = path.join(scratch, 'damaged.onnx');
    fs.writeFileSync(file, damaged);
    const error = await openError(file);
    assert.match(error.code, /^onnx-(damaged|truncated)$/);
    assert.match(error.message, /damaged/);
  });

  test('every cut point of a real model gives a clear error, never a crash', async () => {
    const iris = fs.readFileSync(path.join(dir, 'iris.onnx'));
    const file = path.join(scratch, 'cut.onnx');
    for (let cut = 1; cut < iris.length; cut += 7) {
      fs.writeFileSync(file, iris.subarray(0, cut));
      try {
        await openModel(file);
        assert.fail(`cut at ${cut} opened`);
      } catch (error) {
        assert.ok(error instanceof ModelDockError, `cut at ${cut}: ${String(error)}`);
        assert.ok(!/undefined/.test(error.message), error.message);
      }
    }
  });

  test('missing path, plain folder, folder holding an .onnx, Git LFS pointer', async () => {
    assert.equal((await openError(path.join(scratch, 'missing.onnx'))).code, 'model-not-found');
    const folder = path.join(scratch, 'exports');
    fs.mkdirSync(folder);
    assert.equal((await openError(folder)).code, 'model-folder-unrecognised');
    fs.copyFileSync(path.join(dir, 'iris.onnx'), path.join(folder, 'iris.onnx'));
    const withOnnx = await openError(folder);
    assert.match(withOnnx.fix ?? '', /Open iris\.onnx/);
    const lfs = path.join(scratch, 'lfs.onnx');
    fs.writeFileSync(lfs, 'version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 1\n');
    assert.equal((await openError(lfs)).code, 'model-lfs-pointer');
  });
});

describe('openModel: ONNX and the other formats', () => {
  test('iris.onnx report validates against the contract schema and reports progress', async () => {
    const steps: StepProgress[] = [];
    const report = await openModel(path.join(dir, 'iris.onnx'), (p) => steps.push(p));
    ModelReportSchema.parse(report);
    assert.equal(report.format, 'onnx');
    assert.equal(report.fileName, 'iris.onnx');
    assert.equal(report.bytes, fs.statSync(path.join(dir, 'iris.onnx')).size);
    assert.ok(report.onnx);
    assert.equal(report.conversion, undefined);
    assert.deepEqual(steps.map((s) => s.index), [0, 1, 2]);
    assert.ok(steps.every((s) => s.total === 3 && s.step.length > 0));
  });

  test('external-ok.onnx bytes include the weights file', async () => {
    const report = await openModel(path.join(dir, 'external-ok.onnx'));
    assert.equal(report.bytes, fs.statSync(path.join(dir, 'external-ok.onnx')).size + fs.statSync(path.join(dir, 'external-ok.weights')).size);
  });

  const conversions: Array<[string, string, RegExp[]]> = [
    ['model.pt', 'pytorch-zip', [/state_dict/, /model class|class that defines/, /torch\.onnx\.export/, /dynamic_axes=\{"input": \{0: "batch"\}/, /opset_version=17/]],
    ['legacy.pt', 'pytorch-legacy', [/load_state_dict/, /torch\.onnx\.export/]],
    ['scripted.pt', 'torchscript', [/torch\.jit\.load/, /dynamic_axes/]],
    ['model.h5', 'keras-h5', [/tf2onnx\.convert\.from_keras/, /TensorSpec\(\(None/]],
    ['model.keras', 'keras-v3', [/model\.export/, /tf2onnx\.convert --saved-model/]],
    ['saved_model', 'tf-savedmodel', [/python -m tf2onnx\.convert --saved-model "saved_model"/, /--opset 17/]],
    ['model.tflite', 'tflite', [/--tflite "model\.tflite"/]],
    ['model.pkl', 'pickle', [/skl2onnx/, /options=\{id\(model\): \{"zipmap": False\}\}/, /FloatTensorType\(\[None, n_features\]\)/, /pickle\.load/]],
    ['model.joblib', 'joblib', [/joblib\.load\("model\.joblib"\)/, /"zipmap": False/]],
    ['model.safetensors', 'safetensors', [/weights only/, /load_state_dict\(load_file/, /optimum-cli export onnx/]],
  ];
  for (const [file, format, patterns] of conversions) {
    test(`${file} -> ${format} with a conversion recipe`, async () => {
      const report = await openModel(path.join(dir, file));
      ModelReportSchema.parse(report);
      assert.equal(report.format, format);
      assert.equal(report.onnx, undefined);
      assert.ok(report.conversion, 'has a conversion hint');
      const text = [report.conversion.summary, ...report.conversion.steps, report.conversion.snippet].join('\n');
      for (const pattern of patterns) assert.match(text, pattern);
      assert.match(text, /opset/i);
      assert.ok(report.bytes > 0);
    });
  }
});

test('table of broken files and their messages (for the release note)', async () => {
  const table = await brokenFixtureTable();
  console.log(`\n${table}\n`);
  for (const file of ['empty.onnx', 'truncated.onnx', 'random.onnx', 'text.onnx', 'dangling-input.onnx', 'unknown-domain.onnx', 'opset99.onnx',
    'external-missing.onnx', 'external-escape.onnx', 'external-absolute.onnx', 'external-symlink.onnx']) {
    const row = table.split('\n').find((line) => line.startsWith(`| ${file} |`));
    assert.ok(row, `${file} is in the table`);
    assert.match(row, /`error /, `${file} gets an error`);
  }
});

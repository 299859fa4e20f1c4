import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { ValidationReportSchema, type Finding, type StepProgress } from '../../shared/schemas/validation';
import { createEngine, type Engine } from '../../main/engine/engine';
import { readOnnxModel } from '../../main/model/onnx-inspect';
import { encodeModel, tensorInfo } from '../../main/model/onnx-writer';
import { ORT_MAX_IR_VERSION, ORT_MAX_OPSET } from '../../main/model/ort-support';
import { blocksRuntimeChecks, validateStatic } from '../../main/model/validate-static';
import { ensureFixtures } from '../fixtures/make-fixtures';

let dir = '';
let scratch = '';
before(async () => {
  dir = await ensureFixtures();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-validate-'));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

async function staticFindings(file: string): Promise<Finding[]> {
  return validateStatic(await readOnnxModel(path.join(dir, file)));
}

const checks = (findings: Finding[], severity?: Finding['severity']) => findings.filter((f) => !severity || f.severity === severity).map((f) => f.check);

describe('static validation of the fixtures', () => {
  const expectedErrors: Record<string, string[]> = {
    'iris.onnx': [],
    'cnn.onnx': [],
    'multi-input.onnx': [],
    'int64-input.onnx': [],
    'string-input.onnx': [],
    'bool-input.onnx': [],
    'dynamic-dims.onnx': [],
    'fixed-batch.onnx': [],
    'external-ok.onnx': [],
    'zipmap.onnx': ['io.zipmap-output'],
    'dangling-input.onnx': ['structure.undefined-input'],
    'unknown-domain.onnx': ['ops.custom-domain'],
    'opset99.onnx': ['opset.unsupported'],
    'external-missing.onnx': ['external-data.missing'],
    'external-escape.onnx': ['external-data.escapes-folder'],
    'external-absolute.onnx': ['external-data.absolute-path'],
    'external-symlink.onnx': ['external-data.symlink-escape'],
  };
  for (const [file, errors] of Object.entries(expectedErrors)) {
    test(`${file}: errors ${errors.join(', ') || 'none'}`, async () => {
      const findings = await staticFindings(file);
      assert.deepEqual(checks(findings, 'error'), errors);
      for (const f of findings) assert.ok(f.title && f.detail, `${f.check} has title and detail`);
      for (const f of findings.filter((x) => x.severity !== 'info')) assert.ok(f.hint, `${f.check} has a hint`);
      const blocking = ['dangling-input.onnx', 'unknown-domain.onnx', 'opset99.onnx'].includes(file) || file.startsWith('external-') && file !== 'external-ok.onnx';
      assert.equal(blocksRuntimeChecks(findings), blocking);
    });
  }

  test('batch dimension: fixed warns, dynamic informs', async () => {
    const fixed = await staticFindings('fixed-batch.onnx');
    assert.deepEqual(checks(fixed, 'warning'), ['io.fixed-batch']);
    assert.match(fixed.find((f) => f.check === 'io.fixed-batch')!.detail, /cannot group requests into batches/);
    assert.ok(checks(await staticFindings('iris.onnx'), 'info').includes('io.dynamic-batch'));
  });

  test('ZipMap finding offers the one-click fix', async () => {
    const zip = (await staticFindings('zipmap.onnx')).find((f) => f.check === 'io.zipmap-output')!;
    assert.deepEqual(zip.fix, { kind: 'remove-zipmap', label: 'Remove ZipMap' });
    assert.match(zip.hint ?? '', /"probabilities"/);
  });

  test('missing labels: info for classifiers without labels, silent when the spec has them or for non-classifiers', async () => {
    assert.ok(checks(await staticFindings('zipmap.onnx')).includes('labels.missing'));
    assert.ok(!checks(await staticFindings('iris.onnx')).includes('labels.missing'));
    assert.ok(!checks(validateStatic(await readOnnxModel(path.join(dir, 'zipmap.onnx')), { specHasLabels: true })).includes('labels.missing'));
    assert.ok(!checks(await staticFindings('int64-input.onnx')).includes('labels.missing'));
  });

  test('structure: duplicate outputs, not-topological order, undeclared domain, outputs never produced', async () => {
    const file = path.join(scratch, 'messy.onnx');
    fs.writeFileSync(file, encodeModel({
      irVersion: 8, opsetImports: [{ domain: '', version: 17 }],
      graph: {
        name: 'messy',
        nodes: [
          { opType: 'Relu', inputs: ['mid'], outputs: ['y'] },
          { opType: 'Neg', inputs: ['x'], outputs: ['mid'] },
          { opType: 'Abs', inputs: ['x'], outputs: ['y'] },
          { opType: 'Thing', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['t'] },
        ],
        inputs: [tensorInfo('x', 'float32', ['batch', 2]), tensorInfo('x', 'float32', ['batch', 2])],
        outputs: [tensorInfo('y', 'float32', ['batch', 2]), tensorInfo('ghost_out', 'float32', ['batch', 2])],
      },
    }));
    const found = checks(validateStatic(await readOnnxModel(file)));
    for (const check of ['structure.duplicate-name', 'structure.duplicate-output', 'structure.not-topological', 'structure.output-not-produced', 'opset.missing-import']) {
      assert.ok(found.includes(check), `${check} in ${found.join(', ')}`);
    }
  });

  test('large models get a size info finding', async () => {
    const model = await readOnnxModel(path.join(dir, 'iris.onnx'));
    const big = { ...model, summary: { ...model.summary, parameterBytes: 3 * 1024 ** 3 } };
    const size = validateStatic(big).find((f) => f.check === 'size.large');
    assert.ok(size);
    assert.match(size.title, /3\.0 GB/);
  });
});

describe('the ONNX Runtime limits validation uses are the bundled runtime\'s real limits', () => {
  async function loads(irVersion: number, opsets: Array<{ domain: string; version: number }>): Promise<boolean> {
    const file = path.join(scratch, `probe-${irVersion}-${opsets.map((o) => `${o.domain}${o.version}`).join('-')}.onnx`);
    fs.writeFileSync(file, encodeModel({
      irVersion, opsetImports: opsets,
      graph: { name: 'p', nodes: [{ opType: 'Identity', inputs: ['x'], outputs: ['y'] }], inputs: [tensorInfo('x', 'float32', [1])], outputs: [tensorInfo('y', 'float32', [1])] },
    }));
    try {
      await ort.InferenceSession.create(file);
      return true;
    } catch {
      return false;
    }
  }
  test(`ai.onnx ${ORT_MAX_OPSET['']} loads, ${ORT_MAX_OPSET[''] + 1} does not`, async () => {
    assert.equal(await loads(10, [{ domain: '', version: ORT_MAX_OPSET[''] }]), true);
    assert.equal(await loads(10, [{ domain: '', version: ORT_MAX_OPSET[''] + 1 }]), false);
  });
  test(`ai.onnx.ml ${ORT_MAX_OPSET['ai.onnx.ml']} loads, ${ORT_MAX_OPSET['ai.onnx.ml'] + 1} does not`, async () => {
    const ml = ORT_MAX_OPSET['ai.onnx.ml'];
    assert.equal(await loads(10, [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: ml }]), true);
    assert.equal(await loads(10, [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: ml + 1 }]), false);
  });
  test(`IR ${ORT_MAX_IR_VERSION} loads, ${ORT_MAX_IR_VERSION + 1} does not`, async () => {
    assert.equal(await loads(ORT_MAX_IR_VERSION, [{ domain: '', version: 17 }]), true);
    assert.equal(await loads(ORT_MAX_IR_VERSION + 1, [{ domain: '', version: 17 }]), false);
  });
});

describe('model handlers through the engine', () => {
  let engine: Engine;
  let work = '';
  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-handlers-'));
    engine = createEngine({ shell: 'cli', dataDir: path.join(work, 'data') });
    for (const file of ['iris.onnx', 'zipmap.onnx', 'unknown-domain.onnx', 'model.pkl']) fs.copyFileSync(path.join(dir, file), path.join(work, file));
  });
  after(async () => {
    await engine.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('model.open adds to recent; model.forget removes', async () => {
    const steps: StepProgress[] = [];
    const report = await engine.invoke('model.open', { path: path.join(work, 'iris.onnx') }, { onProgress: (p) => steps.push(p as StepProgress) });
    assert.equal(report.format, 'onnx');
    assert.ok(steps.length >= 3);
    await engine.invoke('model.open', { path: path.join(work, 'model.pkl') });
    const recent = await engine.invoke('model.recent', {});
    assert.deepEqual(recent.items.map((i) => i.name), ['model.pkl', 'iris.onnx']);
    assert.equal(recent.items[0].format, 'pickle');
    const forgotten = await engine.invoke('model.forget', { path: path.join(work, 'model.pkl') });
    assert.deepEqual(forgotten.items.map((i) => i.name), ['iris.onnx']);
    const failed = await engine.call('model.open', { path: path.join(work, 'nope.onnx') });
    assert.equal(failed.ok, false);
    if (!failed.ok) assert.equal(failed.error.code, 'model-not-found');
  });

  test('model.validate on iris: ok, with a smoke run and progress steps', async () => {
    const steps: StepProgress[] = [];
    const report = await engine.invoke('model.validate', { path: path.join(work, 'iris.onnx') }, { onProgress: (p) => steps.push(p as StepProgress) });
    ValidationReportSchema.parse(report);
    assert.equal(report.ok, true, JSON.stringify(report.findings, null, 1));
    assert.ok(report.smokeRun);
    assert.deepEqual(report.smokeRun.outputs.map((o) => [o.name, o.dims, o.nanCount]), [['probabilities', [1, 3], 0]]);
    assert.ok(report.findings.some((f) => f.check === 'runtime.session'));
    assert.deepEqual(steps.map((s) => s.index), [0, 1, 2, 3]);
    assert.ok(steps.every((s) => s.total === 4));
  });

  test('model.validate with smokeRun false still creates a session but makes no smoke run', async () => {
    const report = await engine.invoke('model.validate', { path: path.join(work, 'iris.onnx'), smokeRun: false });
    assert.equal(report.smokeRun, null);
    assert.deepEqual(report.findings.filter((f) => f.check.startsWith('runtime.')).map((f) => f.check), ['runtime.session']);
  });

  test('model.validate on a custom-domain model skips ONNX Runtime and says why', async () => {
    const report = await engine.invoke('model.validate', { path: path.join(work, 'unknown-domain.onnx') });
    assert.equal(report.ok, false);
    assert.deepEqual(checks(report.findings, 'error'), ['ops.custom-domain']);
    assert.ok(report.findings.some((f) => f.check === 'runtime.skipped'));
    assert.equal(report.smokeRun, null);
  });

  test('model.validate on zipmap: one ZipMap error with the fix, then model.fix writes a copy that validates', async () => {
    const original = path.join(work, 'zipmap.onnx');
    const before = fs.readFileSync(original);
    const report = await engine.invoke('model.validate', { path: original });
    assert.equal(report.ok, false);
    const zipFindings = report.findings.filter((f) => /zipmap|non-tensor-output/.test(f.check));
    assert.deepEqual(zipFindings.map((f) => f.check), ['io.zipmap-output']);
    assert.equal(zipFindings[0].fix?.kind, 'remove-zipmap');

    const fixed = await engine.invoke('model.fix', { path: original, fix: 'remove-zipmap' });
    assert.equal(fixed.path, path.join(work, 'zipmap.nozipmap.onnx'));
    assert.deepEqual(fixed.report.onnx!.outputs.map((o) => [o.name, o.typeText, o.shape]), [
      ['output_label', 'tensor(int64)', ['batch']], ['probabilities', 'tensor(float)', ['batch', 3]],
    ]);
    assert.deepEqual(fs.readFileSync(original), before, 'the original is untouched');
    const again = await engine.invoke('model.validate', { path: fixed.path });
    assert.equal(again.ok, true, JSON.stringify(again.findings, null, 1));
    assert.ok(again.smokeRun);
  });

  test('model.validate on a pickle explains that validation needs ONNX', async () => {
    const result = await engine.call('model.validate', { path: path.join(work, 'model.pkl') });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error.code, 'validate-needs-onnx');
      assert.match(result.error.fix ?? '', /skl2onnx/);
    }
  });
});

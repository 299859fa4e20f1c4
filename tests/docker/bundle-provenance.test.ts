// deploy.bundle of a model ModelDock converted (a TorchScript module, with Debian's python3-torch): the bundle
// carries provenance/scan-report.json and provenance/provenance.json, both listed in SHA256SUMS (and `sha256sum -c`
// agrees), outside the Docker build context; the README says where the model came from. A record that describes
// other bytes than the model's is left out with a warning.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BundleResult } from '../../shared/schemas/bundle';
import { ProvenanceSchema, type Provenance } from '../../shared/schemas/provenance';
import { BundleManifestSchema } from '../../main/bundle/bundle-manifest';
import { createEngine, type Engine } from '../../main/engine/engine';
import { ensureOfflineBase, ensureServingBuilt } from './image-support';
import { listFiles, sha256 } from './bundle-support';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `needs ${PYTHON} with torch (Debian python3-torch) to convert a model: ${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop()}`;

const WRITE_TORCHSCRIPT = String.raw`
import sys, torch
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
torch.jit.save(torch.jit.script(net), sys.argv[1])
`;

describe('a deploy bundle of a converted model', { skip }, () => {
  let engine: Engine;
  let work = '';
  let base = '';
  let onnxPath = '';
  let record: Provenance;
  let bundleDir = '';
  let result: BundleResult;

  before(async () => {
    ensureServingBuilt();
    base = await ensureOfflineBase();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-bundle-provenance-'));
    engine = createEngine({ shell: 'cli', dataDir: path.join(work, 'data') });
    const source = path.join(work, 'scorer.pt');
    const written = spawnSync(PYTHON, ['-c', WRITE_TORCHSCRIPT, source], { encoding: 'utf8', timeout: 180_000 });
    assert.equal(written.status, 0, written.stderr);
    const converted = await engine.invoke('convert.run', { path: source, pythonPath: PYTHON });
    assert.equal(converted.comparison?.passed, true, converted.comparisonNote ?? '');
    onnxPath = converted.onnxPath;
    record = ProvenanceSchema.parse(JSON.parse(fs.readFileSync(`${onnxPath}.provenance.json`, 'utf8')));
    bundleDir = path.join(work, 'out', 'scorer-bundle');
    result = await engine.invoke('deploy.bundle', { modelPath: onnxPath, image: 'scorer:1', base, outDir: bundleDir });
  });
  after(async () => {
    await engine?.dispose();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('holds provenance/scan-report.json and provenance/provenance.json, as the conversion recorded them', () => {
    const files = listFiles(bundleDir);
    assert.ok(files.includes('model/scorer.onnx'));
    assert.ok(files.includes('provenance/scan-report.json'), files.join('\n'));
    assert.ok(files.includes('provenance/provenance.json'));
    const scan = JSON.parse(fs.readFileSync(path.join(bundleDir, 'provenance', 'scan-report.json'), 'utf8'));
    assert.deepEqual(scan, record.scan);
    assert.equal(record.scan?.verdict, 'safe');
    const inBundle = ProvenanceSchema.parse(JSON.parse(fs.readFileSync(path.join(bundleDir, 'provenance', 'provenance.json'), 'utf8')));
    assert.deepEqual(inBundle, record);
    assert.equal(inBundle.onnx.sha256, sha256(path.join(bundleDir, 'model', 'scorer.onnx')), 'the record describes the bundled model');
    assert.deepEqual(result.files.map((f) => f.path).sort(), files);
    assert.deepEqual(result.warnings.filter((w) => /provenance/.test(w)), []);
  });

  it('lists both in SHA256SUMS and the manifest, and sha256sum -c agrees', () => {
    const sums = fs.readFileSync(path.join(bundleDir, 'SHA256SUMS'), 'utf8');
    for (const rel of ['provenance/scan-report.json', 'provenance/provenance.json']) {
      assert.ok(sums.includes(`${sha256(path.join(bundleDir, ...rel.split('/')))}  ${rel}\n`), `${rel} in SHA256SUMS`);
    }
    const manifest = BundleManifestSchema.parse(JSON.parse(fs.readFileSync(path.join(bundleDir, 'bundle-manifest.json'), 'utf8')));
    assert.ok(manifest.files.some((f) => f.path === 'provenance/scan-report.json'));
    assert.ok(!manifest.context.some((c) => c.path.startsWith('provenance')), 'not in the build context: the image is unchanged');
    assert.doesNotMatch(fs.readFileSync(path.join(bundleDir, '.dockerignore'), 'utf8'), /!provenance/);
    const check = spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: bundleDir, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
  });

  it('says in the README where the model came from', () => {
    const readme = fs.readFileSync(path.join(bundleDir, 'README.md'), 'utf8');
    assert.match(readme, /^\| `provenance\/` \| where the model came from/m);
    const section = readme.slice(readme.indexOf('## Where this model came from'), readme.indexOf('## 0.'));
    assert.ok(section.length > 50, 'the section comes before the steps');
    assert.match(section, /ModelDock converted `model\/scorer\.onnx` from `scorer\.pt` \(TorchScript/);
    assert.match(section, /torch\.onnx \(torch [^)]+\) at opset 17/);
    assert.match(section, /Static safety scan of the original .*: \*\*safe\*\*\..*`provenance\/scan-report\.json`/);
    assert.match(section, /\*\*they match\*\*/);
    assert.doesNotMatch(section, /risk was accepted/);
    assert.ok(section.includes(`\`sha256sum scorer.pt\` must print \`${sha256(path.join(work, 'scorer.pt'))}\``));
  });

  it('leaves out a record that describes other bytes, with a warning', async () => {
    // Same size, one byte different (the producer name), still a valid ONNX file.
    const changed = path.join(work, 'changed', 'scorer.onnx');
    fs.mkdirSync(path.dirname(changed));
    const bytes = fs.readFileSync(onnxPath);
    const at = bytes.indexOf('pytorch');
    assert.ok(at >= 0);
    bytes[at] = 'P'.charCodeAt(0);
    fs.writeFileSync(changed, bytes);
    fs.copyFileSync(`${onnxPath}.provenance.json`, `${changed}.provenance.json`);
    assert.equal((await engine.invoke('model.open', { path: changed })).provenance?.onnx.fileName, 'scorer.onnx', 'opening checks the size only');
    const out = path.join(work, 'out', 'changed-bundle');
    const other = await engine.invoke('deploy.bundle', { modelPath: changed, image: 'scorer:2', base, outDir: out });
    assert.ok(!listFiles(out).some((f) => f.startsWith('provenance/')));
    assert.ok(other.warnings.some((w) => /describes another version of the model/.test(w)), other.warnings.join('\n'));
    assert.doesNotMatch(fs.readFileSync(path.join(out, 'README.md'), 'utf8'), /Where this model came from/);
  });
});

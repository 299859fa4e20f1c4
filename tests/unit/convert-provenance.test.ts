import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine, type Engine } from '../../main/engine/engine';
import { ProvenanceSchema, type Provenance } from '../../shared/schemas/provenance';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { runCaptured } from './cli-support';

/**
 * The provenance record of a conversion, with Debian's python3-torch: convert.run writes <name>.onnx.provenance.json
 * beside the ONNX (the original's sha256, its full scan report, the accepted risk, the recipe, the interpreter and
 * package versions, the opset, the comparison); model.open of the ONNX returns it; `modeldock inspect` prints where
 * the model came from; a record that does not describe the file beside it is ignored; a failed run writes none.
 */
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `needs ${PYTHON} with torch (Debian python3-torch) to make a real conversion: ${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop()}`;

const SCRIPT = String.raw`
import os, sys
sys.path.insert(0, sys.argv[1])
import torch
out = sys.argv[1]
torch.manual_seed(0)
mlp = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
torch.jit.save(torch.jit.script(mlp), os.path.join(out, 'scripted.pt'))
from odd_net import OddNet
torch.save(OddNet(), os.path.join(out, 'odd-module.pt'))
`;

const CLASS_FILE = `
import torch

class OddNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.head = torch.nn.Linear(3, 2)

    def forward(self, x):
        return self.head(x)
`;

let dir: string;
let engine: Engine;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-convert-provenance-'));
  engine = createEngine({ shell: 'cli', dataDir: path.join(dir, 'data') });
  if (skip) return;
  fs.writeFileSync(path.join(dir, 'odd_net.py'), CLASS_FILE);
  const run = spawnSync(PYTHON, ['-c', SCRIPT, dir], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, run.stderr);
});

after(async () => {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function readRecord(file: string): Provenance {
  return ProvenanceSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

test('a safe TorchScript conversion writes the record beside the ONNX; model.open and inspect show it', { skip, timeout: 180_000 }, async () => {
  const model = path.join(dir, 'scripted.pt');
  const plan = await engine.invoke('convert.plan', { path: model, pythonPath: PYTHON });
  const result = await engine.invoke('convert.run', { path: model, pythonPath: PYTHON, recipe: plan.recipe ?? undefined });
  assert.equal(result.comparison?.passed, true, result.comparisonNote ?? JSON.stringify(result.comparison));

  const recordPath = `${result.onnxPath}.provenance.json`;
  assert.equal(result.provenancePath, recordPath);
  const record = readRecord(recordPath);
  assert.deepEqual(result.report.provenance, record, 'the result\'s report carries the record it wrote');

  assert.equal(record.format, 'modeldock-provenance/v1');
  assert.ok(!Number.isNaN(Date.parse(record.createdAt)));
  assert.match(record.createdBy, /^ModelDock /);
  assert.deepEqual(record.onnx, { fileName: 'scripted.onnx', bytes: fs.statSync(result.onnxPath).size, sha256: sha256(result.onnxPath) });
  assert.equal(record.source.path, model);
  assert.equal(record.source.fileName, 'scripted.pt');
  assert.equal(record.source.sha256, sha256(model));
  assert.equal(record.source.sha256Of, 'file');
  assert.equal(record.source.bytes, fs.statSync(model).size);
  assert.equal(record.source.format, 'torchscript');
  // The full scan report, as the plan showed it (timings aside).
  assert.equal(record.scan?.verdict, 'safe');
  assert.equal(record.scan?.path, model);
  assert.deepEqual(record.scan?.imports, plan.scan?.imports);
  assert.deepEqual(record.scan?.scanned, plan.scan?.scanned);
  assert.equal(record.riskAccepted, false);
  assert.equal(record.riskWarning, null);
  assert.deepEqual(record.recipe, { kind: 'torchscript', origin: 'given', text: result.recipe, modelClass: null, inputShapes: null });
  assert.equal(record.python.path, PYTHON);
  assert.match(record.python.version ?? '', /^3\.\d+\.\d+$/);
  assert.ok(record.python.packages.torch, 'torch\'s version is recorded');
  assert.deepEqual(record.converter, { name: 'torch.onnx', version: record.python.packages.torch, opset: 17 });
  assert.deepEqual(record.comparison, result.comparison);
  assert.equal(record.comparisonNote, null);

  const opened = await engine.invoke('model.open', { path: result.onnxPath });
  assert.deepEqual(opened.provenance, record, 'model.open picks up the record');

  const human = await runCaptured(['inspect', result.onnxPath], { engine });
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^Converted from scripted\.pt \(TorchScript.*\) · scan safe · outputs match \(max abs diff [^)]+\) · torch\.onnx opset 17$/m);
  assert.match(human.stdout, new RegExp(`sha256 ${record.source.sha256}`));
  assert.doesNotMatch(human.stdout, /risk was accepted/);
  const json = JSON.parse((await runCaptured(['inspect', result.onnxPath, '--json'], { engine })).stdout) as { provenance?: Provenance };
  assert.equal(json.provenance?.source.sha256, record.source.sha256);

  // A second conversion (no recipe given) gets its own record; the first stays as it was.
  const again = await engine.invoke('convert.run', { path: model, pythonPath: PYTHON, compare: false });
  const second = readRecord(`${again.onnxPath}.provenance.json`);
  assert.equal(second.recipe.origin, 'generated');
  assert.equal(second.comparison, null);
  assert.equal(second.comparisonNote, 'Comparison was not asked for.');
  assert.deepEqual(readRecord(recordPath), record);
});

test('an unverified file converted after accepting the risk says so, with the scan\'s findings', { skip, timeout: 180_000 }, async () => {
  const model = path.join(dir, 'odd-module.pt');
  const result = await engine.invoke('convert.run', { path: model, pythonPath: PYTHON, acceptRisk: true, inputShape: [1, 3] });
  const record = readRecord(`${result.onnxPath}.provenance.json`);
  assert.equal(record.scan?.verdict, 'unverified');
  assert.ok(record.scan?.imports.some((i) => i.module === 'odd_net' && i.name === 'OddNet' && i.verdict === 'unverified'), JSON.stringify(record.scan?.imports));
  assert.equal(record.riskAccepted, true);
  assert.match(record.riskWarning ?? '', /your rights/);
  assert.deepEqual(record.recipe.inputShapes, [[1, 3]]);
  assert.equal(record.recipe.kind, 'torch-module');

  const human = await runCaptured(['inspect', result.onnxPath], { engine });
  assert.match(human.stdout, /^Converted from odd-module\.pt .* · scan unverified · /m);
  assert.match(human.stdout, /risk was accepted before Python loaded the file/);
});

test('a record that does not describe the ONNX beside it is ignored, and a damaged one does not break opening', { skip, timeout: 60_000 }, async () => {
  const fixtures = await ensureFixtures();
  const converted = path.join(dir, 'scripted.onnx');
  const record = fs.readFileSync(`${converted}.provenance.json`, 'utf8');

  // A different model under a name that has a record: the size differs, so the record is not its own.
  const replaced = path.join(dir, 'replaced.onnx');
  fs.copyFileSync(path.join(fixtures, 'iris.onnx'), replaced);
  fs.writeFileSync(`${replaced}.provenance.json`, record);
  const opened = await engine.invoke('model.open', { path: replaced });
  assert.equal(opened.format, 'onnx');
  assert.equal(opened.provenance, undefined);

  const damaged = path.join(dir, 'damaged.onnx');
  fs.copyFileSync(converted, damaged);
  fs.writeFileSync(`${damaged}.provenance.json`, '{"format": "modeldock-provenance/v1", "onnx": ');
  const ok = await engine.invoke('model.open', { path: damaged });
  assert.equal(ok.provenance, undefined);
  assert.ok(ok.onnx);

  // The same bytes copied with their record keep it.
  const copy = path.join(dir, 'copy.onnx');
  fs.copyFileSync(converted, copy);
  fs.writeFileSync(`${copy}.provenance.json`, record);
  assert.equal((await engine.invoke('model.open', { path: copy })).provenance?.source.fileName, 'scripted.pt');
});

test('a failed run writes neither the ONNX nor a record', { skip, timeout: 60_000 }, async () => {
  const outPath = path.join(dir, 'failed.onnx');
  const failed = await engine.call('convert.run', {
    path: path.join(dir, 'scripted.pt'), pythonPath: PYTHON, outPath, recipe: 'import sys\nprint("giving up")\nsys.exit(3)\n',
  });
  assert.equal(failed.ok, false);
  assert.ok(!fs.existsSync(outPath));
  assert.ok(!fs.existsSync(`${outPath}.provenance.json`));
});

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildRecipe } from '../../main/convert/build-recipe';
import { chooseOpset } from '../../main/convert/opset-choice';
import type { RecipeKind } from '../../main/convert/recipe-kind';
import { createEngine, type Engine } from '../../main/engine/engine';
import type { ConvertProgress } from '../../shared/schemas/convert';
import { runCaptured } from './cli-support';

/**
 * Real conversions with Debian's python3-torch: a TorchScript archive, a whole pickled nn.Module and a state_dict
 * with the user's class, converted end to end; the ONNX outputs must match PyTorch's on batches of 1 and 3 (so
 * the batch axis is really dynamic). scikit-learn cannot convert here (no skl2onnx): the plan must say so.
 */
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, sklearn, joblib'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `needs ${PYTHON} with torch, sklearn and joblib (Debian python3-torch, python3-sklearn, python3-joblib): ${(probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop()}`;

const CLASS_FILE = `
import torch

class TinyNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.head = torch.nn.Linear(4, 2)

    def forward(self, image):
        x = torch.relu(self.conv(image))
        return self.head(x.mean(dim=(2, 3)))
`;

const SCRIPT = String.raw`
import os, sys
sys.path.insert(0, sys.argv[1])
import numpy as np, torch, joblib
from sklearn.linear_model import LogisticRegression
from tiny_net import TinyNet
out = sys.argv[1]
p = lambda n: os.path.join(out, n)
torch.manual_seed(0)
mlp = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3))
torch.jit.save(torch.jit.script(mlp), p('scripted.pt'))
torch.save(mlp, p('mlp-module.pt'))
net = TinyNet()
torch.save(net, p('tiny-module.pt'))
torch.save(net.state_dict(), p('tiny-state.pt'))
X = np.random.RandomState(0).rand(40, 4); y = (X[:, 0] > .5).astype(int)
joblib.dump(LogisticRegression().fit(X, y), p('logreg.joblib'))
`;

let dir: string;
let engine: Engine;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-convert-torch-'));
  engine = createEngine({ shell: 'cli', dataDir: path.join(dir, 'data') });
  if (skip) return;
  fs.writeFileSync(path.join(dir, 'tiny_net.py'), CLASS_FILE);
  const run = spawnSync(PYTHON, ['-c', SCRIPT, dir], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, run.stderr);
});

after(async () => {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('TorchScript: plan discovers the input, convert writes ONNX with a dynamic batch whose outputs match PyTorch', { skip, timeout: 180_000 }, async () => {
  const model = path.join(dir, 'scripted.pt');
  const plan = await engine.invoke('convert.plan', { path: model, pythonPath: PYTHON });
  assert.equal(plan.format, 'torchscript');
  assert.equal(plan.scan?.verdict, 'safe');
  assert.equal(plan.needsRiskAcceptance, false);
  assert.deepEqual(plan.blockers, []);
  assert.equal(plan.opset.opset, 17);
  assert.deepEqual(plan.discovery?.inputs.map((i) => [i.name, i.shape, i.dtype, i.guessed]), [['input', [1, 6], 'float32', false]]);
  assert.match(plan.recipe ?? '', /\{"name": "input", "shape": \[1, 6\], "dtype": "float32"\}/);
  assert.equal(plan.outPath, path.join(dir, 'scripted.onnx'));
  assert.ok(plan.interpreters.some((i) => i.packages.torch), 'an interpreter with torch was found');

  const events: ConvertProgress[] = [];
  const result = await engine.invoke('convert.run', { path: model, pythonPath: PYTHON, recipe: plan.recipe ?? undefined }, { onProgress: (e) => events.push(e) });
  assert.equal(result.onnxPath, path.join(dir, 'scripted.onnx'));
  assert.ok(fs.existsSync(result.onnxPath));
  assert.equal(result.report.format, 'onnx');
  const input = result.report.onnx?.inputs[0];
  assert.equal(input?.name, 'input');
  assert.equal(input?.shape?.[0], 'batch', 'the batch axis is dynamic');
  assert.equal(result.report.onnx?.outputs[0]?.shape?.[0], 'batch');
  assert.deepEqual(result.report.onnx?.opsetImports.find((o) => o.domain === '')?.version, 17);
  assert.ok(result.comparison, result.comparisonNote ?? '');
  assert.equal(result.comparison.passed, true, JSON.stringify(result.comparison));
  assert.deepEqual(result.comparison.samples.map((s) => s.batch), [1, 3], 'run with batch 1 and 3');
  assert.deepEqual(result.comparison.samples[1].outputs[0].shape, [3, 3]);
  assert.ok((result.comparison.maxAbsDiff ?? 1) < 1e-4);
  const phases = new Set(events.map((e) => e.phase));
  for (const phase of ['checking', 'loading', 'exporting', 'reference', 'opening', 'comparing', 'done'] as const) assert.ok(phases.has(phase), phase);
  assert.ok(events.some((e) => e.stream === 'stdout' && e.line.includes('"exported"')));

  // A second conversion never overwrites: it gets a new name; an explicit existing path is refused.
  const again = await engine.invoke('convert.run', { path: model, pythonPath: PYTHON, compare: false });
  assert.equal(again.onnxPath, path.join(dir, 'scripted-2.onnx'));
  assert.equal(again.comparison, null);
  const refused = await engine.call('convert.run', { path: model, pythonPath: PYTHON, outPath: result.onnxPath });
  assert.equal(refused.ok, false);
  if (!refused.ok) assert.equal(refused.error.code, 'convert-output-exists');
});

test('whole nn.Module: torch.nn classes only scan safe and convert; a custom class is unverified and needs acceptRisk', { skip, timeout: 180_000 }, async () => {
  const mlp = await engine.invoke('convert.run', { path: path.join(dir, 'mlp-module.pt'), pythonPath: PYTHON });
  assert.equal(mlp.comparison?.passed, true, JSON.stringify(mlp.comparison));

  const tiny = path.join(dir, 'tiny-module.pt');
  const plan = await engine.invoke('convert.plan', { path: tiny, pythonPath: PYTHON });
  assert.equal(plan.scan?.verdict, 'unverified', 'tiny_net.TinyNet is not on the allowlist');
  assert.equal(plan.needsRiskAcceptance, true);
  assert.equal(plan.discovery, null);
  const refused = await engine.call('convert.run', { path: tiny, pythonPath: PYTHON });
  assert.equal(refused.ok, false);
  if (!refused.ok) assert.match(refused.error.message, /tiny_net\.TinyNet/);

  // Accepted: the class is imported from the model's folder; the Conv2d's image size is a guess, the channels are not.
  const accepted = await engine.invoke('convert.plan', { path: tiny, pythonPath: PYTHON, acceptRisk: true });
  const found = accepted.discovery?.inputs[0];
  assert.deepEqual([found?.name, found?.shape, found?.guessed], ['image', [1, 3, 224, 224], true]);
  assert.ok(accepted.notes.some((n) => /guess/.test(n)));
  const result = await engine.invoke('convert.run', { path: tiny, pythonPath: PYTHON, acceptRisk: true, inputShape: [1, 3, 16, 16] });
  assert.equal(result.report.onnx?.inputs[0]?.name, 'image');
  assert.deepEqual(result.report.onnx?.inputs[0]?.shape, ['batch', 3, 16, 16]);
  assert.equal(result.comparison?.passed, true, JSON.stringify(result.comparison));
  assert.deepEqual(result.comparison?.samples.map((s) => s.batch), [1, 3]);
});

test('state_dict: the plan says the class is needed; with the user class the weights convert', { skip, timeout: 180_000 }, async () => {
  const model = path.join(dir, 'tiny-state.pt');
  const plan = await engine.invoke('convert.plan', { path: model, pythonPath: PYTHON });
  assert.equal(plan.scan?.verdict, 'safe');
  assert.ok(plan.blockers.some((b) => /model class is needed/.test(b)), plan.blockers.join('\n'));
  assert.ok(plan.notes.some((n) => /holds weights only: name the class/.test(n)));
  assert.ok(plan.discovery?.stateDict && plan.discovery.stateDict.tensors === 4, JSON.stringify(plan.discovery));
  assert.match(plan.recipe ?? '', /^MODEL_CLASS = None$/m);

  const refused = await engine.call('convert.run', { path: model, pythonPath: PYTHON });
  assert.equal(refused.ok, false);
  if (!refused.ok) assert.equal(refused.error.code, 'convert-needs-model-class');

  const classFile = `${path.join(dir, 'tiny_net.py')}:TinyNet`;
  const withClass = await engine.invoke('convert.plan', { path: model, pythonPath: PYTHON, modelClass: classFile });
  assert.deepEqual(withClass.blockers, []);
  assert.match(withClass.recipe ?? '', /^MODEL_CLASS = ".*tiny_net\.py:TinyNet"$/m);
  const result = await engine.invoke('convert.run', { path: model, pythonPath: PYTHON, modelClass: 'tiny_net:TinyNet', inputShape: [1, 3, 8, 8] });
  assert.equal(result.comparison?.passed, true, JSON.stringify(result.comparison));

  const wrong = await engine.call('convert.run', { path: model, pythonPath: PYTHON, modelClass: 'tiny_net:NoSuchNet', inputShape: [1, 3, 8, 8] });
  assert.equal(wrong.ok, false);
  if (!wrong.ok) {
    assert.equal(wrong.error.code, 'convert-class-not-found');
    assert.match(wrong.error.message, /no class named NoSuchNet/);
  }
});

test('scikit-learn: the plan finds n_features_in_ and reports skl2onnx missing with the pip command', { skip, timeout: 120_000 }, async () => {
  const model = path.join(dir, 'logreg.joblib');
  const plan = await engine.invoke('convert.plan', { path: model, pythonPath: PYTHON });
  assert.equal(plan.converter, 'skl2onnx');
  const skl2onnx = plan.needs.packages.find((p) => p.name === 'skl2onnx');
  assert.equal(skl2onnx?.present, false);
  assert.equal(plan.needs.pipCommand, `${PYTHON} -m pip install skl2onnx`);
  assert.ok(plan.blockers.some((b) => b.includes(`${PYTHON} -m pip install skl2onnx`)));
  assert.equal(plan.discovery?.features, 4);
  assert.equal(plan.discovery?.classifier, true);
  assert.match(plan.recipe ?? '', /^N_FEATURES = 4$/m);
  const run = await engine.call('convert.run', { path: model, pythonPath: PYTHON });
  assert.equal(run.ok, false);
  if (!run.ok) {
    assert.equal(run.error.code, 'python-package-missing');
    assert.match(run.error.fix ?? '', /-m pip install skl2onnx/);
  }
});

test('cancel stops the recipe\'s process group promptly', { skip, timeout: 60_000 }, async () => {
  const controller = new AbortController();
  const pidFile = path.join(dir, 'sleeper.pid');
  const recipe = `import os, time\nopen(${JSON.stringify(pidFile)}, "w").write(str(os.getpid()))\nprint("sleeping", flush=True)\ntime.sleep(60)\n`;
  const started = Date.now();
  const call = engine.call('convert.run', { path: path.join(dir, 'scripted.pt'), pythonPath: PYTHON, recipe }, {
    signal: controller.signal,
    onProgress: (e) => { if (e.line === 'sleeping') controller.abort(); },
  });
  const result = await call;
  assert.equal(result.ok, false);
  if (!result.ok) assert.equal(result.error.code, 'cancelled');
  assert.ok(Date.now() - started < 20_000);
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  await new Promise((r) => setTimeout(r, 200));
  assert.throws(() => process.kill(pid, 0), 'the Python process is gone');
});

test('CLI: --print-recipe prints a runnable script; convert writes --out and reports the comparison', { skip, timeout: 180_000 }, async () => {
  const model = path.join(dir, 'scripted.pt');
  const printed = await runCaptured(['convert', model, '--python', PYTHON, '--print-recipe'], { engine });
  assert.equal(printed.code, 0, printed.stderr);
  assert.match(printed.stdout, /^# Convert scripted\.pt/);
  assert.match(printed.stderr, /Safety scan: safe/);
  // The printed recipe runs as-is by hand.
  const script = path.join(dir, 'by-hand.py');
  fs.writeFileSync(script, printed.stdout);
  const out = path.join(dir, 'by-hand.onnx');
  const byHand = spawnSync(PYTHON, [script], { encoding: 'utf8', env: { ...process.env, MODELDOCK_ONNX_OUT: out }, timeout: 120_000 });
  assert.equal(byHand.status, 0, byHand.stderr);
  assert.ok(fs.existsSync(out));

  const cliOut = path.join(dir, 'cli.onnx');
  const converted = await runCaptured(['convert', model, '--python', PYTHON, '--out', cliOut], { engine });
  assert.equal(converted.code, 0, converted.stderr);
  assert.match(converted.stdout, /Converted: .*cli\.onnx/);
  assert.match(converted.stdout, /Outputs match the original: max abs diff .* on batches 1 and 3/);
  assert.match(converted.stdout, /input  input float32 \[batch, 6\]/);
});

test('every generated recipe is valid Python', { skip }, () => {
  const kinds: RecipeKind[] = ['torchscript', 'torch-module', 'torch-state-dict', 'safetensors', 'sklearn', 'boosted-trees', 'keras-h5', 'keras-v3', 'tf-savedmodel', 'tflite'];
  for (const kind of kinds) {
    const file = path.join(dir, `recipe-${kind}.py`);
    fs.writeFileSync(file, buildRecipe({
      kind, modelPath: path.join(dir, 'm.bin'), formatLabel: 'x', onnxPath: path.join(dir, 'm.onnx'), opset: chooseOpset(kind, null),
      discovery: null, loader: kind === 'sklearn' ? 'joblib' : null, scanVerdict: 'unverified', modelClass: 'a.b:C',
    }));
    const compiled = spawnSync(PYTHON, ['-m', 'py_compile', file], { encoding: 'utf8' });
    assert.equal(compiled.status, 0, `${kind}: ${compiled.stderr}`);
  }
});

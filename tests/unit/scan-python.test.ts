import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine, type Engine } from '../../main/engine/engine';
import { scanModelFile } from '../../main/model/scan/scan-model';
import { runCaptured } from './cli-support';

/**
 * Real files written by Debian's python3-torch, python3-sklearn and python3-joblib: benign ones must scan safe,
 * malicious ones dangerous, and the malicious payload (touching a marker file) must never run during the scan.
 */
const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, sklearn, joblib'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `needs ${PYTHON} with torch, sklearn and joblib (Debian python3-torch, python3-sklearn, python3-joblib): ${(probe.error?.message ?? probe.stderr).trim().split('\n').pop()}`;

let dir: string;
let marker: string;
let engine: Engine;

const SCRIPT = String.raw`
import os, pickle, sys
import numpy as np, joblib, torch
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
out, marker = sys.argv[1], sys.argv[2]
p = lambda n: os.path.join(out, n)
X = np.random.RandomState(0).rand(50, 4); y = (X[:, 0] > .5).astype(int)
model = Pipeline([('scale', StandardScaler()), ('forest', RandomForestClassifier(n_estimators=3, random_state=0))]).fit(X, y)
pickle.dump(model, open(p('sk.pkl'), 'wb'))
pickle.dump(model, open(p('sk-p0.pkl'), 'wb'), protocol=0)
joblib.dump(model, p('sk.joblib'))
joblib.dump(model, p('sk-z3.joblib'), compress=3)
net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
torch.save(net.state_dict(), p('state.pt'))
torch.save(net, p('module.pt'))
torch.save(net.state_dict(), p('legacy.pt'), _use_new_zipfile_serialization=False)
torch.jit.save(torch.jit.script(net), p('scripted.pt'))
class Payload:
    def __reduce__(self):
        return (os.system, ('touch ' + marker,))
pickle.dump(Payload(), open(p('evil.pkl'), 'wb'))
joblib.dump({'model': model, 'x': Payload()}, p('evil-z3.joblib'), compress=3)
torch.save({'weights': net.state_dict(), 'x': Payload()}, p('evil.pt'))
`;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-scan-python-'));
  marker = path.join(dir, 'PAYLOAD-RAN');
  engine = createEngine({ shell: 'cli', dataDir: path.join(dir, 'data') });
  if (skip) return;
  const run = spawnSync(PYTHON, ['-c', SCRIPT, dir, marker], { encoding: 'utf8', timeout: 240_000 });
  assert.equal(run.status, 0, run.stderr);
});

after(async () => {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('benign scikit-learn, joblib and PyTorch files scan safe', { skip }, async () => {
  for (const name of ['sk.pkl', 'sk-p0.pkl', 'sk.joblib', 'sk-z3.joblib', 'state.pt', 'legacy.pt', 'scripted.pt']) {
    const r = await scanModelFile(path.join(dir, name));
    assert.equal(r.verdict, 'safe', `${name}: ${JSON.stringify([r.findings, r.imports.filter((i) => i.verdict !== 'safe'), r.calls.filter((c) => !c.resolved)])}`);
    assert.ok(r.imports.length > 0, name);
  }
  const whole = await scanModelFile(path.join(dir, 'module.pt'));
  assert.equal(whole.verdict, 'safe', 'torch.nn classes only: ' + JSON.stringify(whole.imports.filter((i) => i.verdict !== 'safe')));
});

test('malicious files are dangerous, and scanning them never runs the payload', { skip }, async () => {
  for (const name of ['evil.pkl', 'evil-z3.joblib', 'evil.pt']) {
    const r = await scanModelFile(path.join(dir, name));
    assert.equal(r.verdict, 'dangerous', name);
    const system = r.imports.find((i) => i.name === 'system');
    assert.ok(system && ['posix', 'nt', 'os'].includes(system.module), name);
  }
  assert.equal(fs.existsSync(marker), false, 'the payload ran');
});

test('modeldock scan: exit 0 safe, 1 dangerous, 3 unverified; --json prints the report', { skip }, async () => {
  const safe = await runCaptured(['scan', path.join(dir, 'sk.joblib')], { engine });
  assert.equal(safe.code, 0, safe.stderr);
  assert.match(safe.stdout, /SAFE/);
  const evil = await runCaptured(['scan', path.join(dir, 'evil.pkl'), '--json'], { engine });
  assert.equal(evil.code, 1);
  assert.equal(JSON.parse(evil.stdout).verdict, 'dangerous');
  const odd = path.join(dir, 'odd.pkl');
  fs.writeFileSync(odd, Buffer.from('\x80\x02c__main__\nNet\n)\x81.', 'latin1'));
  const unverified = await runCaptured(['scan', odd], { engine });
  assert.equal(unverified.code, 3);
  assert.match(unverified.stdout, /UNVERIFIED[\s\S]*__main__\.Net/);
  assert.equal(fs.existsSync(marker), false);
});

test('model.open carries the scan for non-ONNX files; model.scan answers through the engine', { skip }, async () => {
  const report = await engine.invoke('model.open', { path: path.join(dir, 'evil.pt') });
  assert.equal(report.scan?.verdict, 'dangerous');
  const scan = await engine.invoke('model.scan', { path: path.join(dir, 'state.pt') });
  assert.equal(scan.verdict, 'safe');
  const missing = await engine.call('model.scan', { path: path.join(dir, 'nope.pkl') });
  assert.equal(missing.ok, false);
});

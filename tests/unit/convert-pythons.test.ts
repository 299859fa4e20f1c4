import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findPythonCandidates } from '../../main/convert/python-candidates';
import { clearProbeCache, probePython } from '../../main/convert/python-probe';
import { discoverPythons } from '../../main/convert/python-discovery';

/**
 * Interpreter discovery on a made-up machine: a venv beside the model and one in a parent folder, a conda env
 * listed in environments.txt, a pyenv version, PATH. The venvs are symlinks to /usr/bin/python3 and count as real.
 */
const PYTHON = '/usr/bin/python3';
const skip = fs.existsSync(PYTHON) ? false : `needs ${PYTHON}`;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-convert-pythons-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function fakeEnv(prefix: string): string {
  fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(prefix, 'pyvenv.cfg'), `home = /usr/bin\n`);
  const file = path.join(prefix, 'bin', 'python3');
  fs.symlinkSync(PYTHON, file);
  return file;
}

test('finds venvs beside the model and above it, conda envs, pyenv versions and PATH, most specific first', { skip }, () => {
  const home = path.join(root, 'home');
  const project = path.join(home, 'project');
  const models = path.join(project, 'models');
  fs.mkdirSync(models, { recursive: true });
  const model = path.join(models, 'net.pt');
  fs.writeFileSync(model, 'x');
  const beside = fakeEnv(path.join(models, '.venv'));
  const above = fakeEnv(path.join(project, 'venv'));
  const conda = fakeEnv(path.join(home, 'miniconda3', 'envs', 'ml'));
  const listed = fakeEnv(path.join(root, 'elsewhere', 'env-x'));
  fs.mkdirSync(path.join(home, '.conda'), { recursive: true });
  fs.writeFileSync(path.join(home, '.conda', 'environments.txt'), `${path.join(root, 'elsewhere', 'env-x')}\n`);
  const pyenv = fakeEnv(path.join(home, '.pyenv', 'versions', '3.11.9'));
  const active = fakeEnv(path.join(root, 'active'));
  const bin = path.join(root, 'pathbin');
  fs.mkdirSync(bin);
  fs.symlinkSync(PYTHON, path.join(bin, 'python3'));

  const found = findPythonCandidates({ near: model, home, env: { PATH: bin, VIRTUAL_ENV: path.join(root, 'active') } });
  const paths = found.map((c) => c.path);
  assert.deepEqual(paths, [active, beside, above, conda, listed, path.join(bin, 'python3'), pyenv]);
  assert.deepEqual(found.map((c) => c.source), ['venv', 'venv', 'venv', 'conda', 'conda', 'path', 'pyenv']);
  assert.match(found[1].label, /\.venv beside the model/);
  assert.equal(found[3].label, 'conda env ml');
  assert.equal(found[6].label, 'pyenv 3.11.9');
});

test('probing a fake venv runs it: version, its own prefix, and which packages import', { skip }, async () => {
  clearProbeCache();
  const file = fakeEnv(path.join(root, 'probe-venv'));
  const info = await probePython({ path: file, source: 'venv', label: 'probe' });
  assert.equal(info.usable, true, info.problem);
  assert.match(info.version ?? '', /^3\.\d+\.\d+$/);
  assert.equal(info.prefix, path.join(root, 'probe-venv'), 'a venv reports its own prefix (pyvenv.cfg)');
  for (const name of ['torch', 'sklearn', 'skl2onnx', 'tf2onnx', 'onnx', 'tensorflow']) assert.ok(name in info.packages, name);
  assert.equal(info.packages.tf2onnx, null, 'tf2onnx is not installed here');
  // Cached: a second probe answers without starting Python (fast) and with the same facts.
  const started = performance.now();
  const again = await probePython({ path: file, source: 'venv', label: 'again' });
  assert.ok(performance.now() - started < 50);
  assert.equal(again.version, info.version);
  assert.equal(again.label, 'again');
});

test('an interpreter that does not start, or is not Python, is listed as unusable with the reason', async () => {
  const broken = path.join(root, 'broken-python');
  fs.writeFileSync(broken, '#!/bin/sh\necho not python\n', { mode: 0o755 });
  const info = await probePython({ path: broken, source: 'path', label: 'broken' });
  assert.equal(info.usable, false);
  assert.match(info.problem ?? '', /did not start/);
  const missing = await probePython({ path: path.join(root, 'nope', 'python'), source: 'given', label: 'x' });
  assert.equal(missing.usable, false);
});

test('discoverPythons lists the fake venv beside a model with /usr/bin/python3 facts', { skip }, async () => {
  const dir = path.join(root, 'with-model');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'model.pkl'), 'x');
  const venvPython = fakeEnv(path.join(dir, '.venv'));
  const list = await discoverPythons({ near: path.join(dir, 'model.pkl'), env: { PATH: '' }, home: path.join(root, 'empty-home') });
  assert.equal(list[0]?.path, venvPython);
  assert.equal(list[0]?.usable, true);
});

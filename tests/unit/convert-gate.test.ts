import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine, type Engine } from '../../main/engine/engine';
import { op, osSystemPickle, pickle } from './scan-support';
import { runCaptured } from './cli-support';

/**
 * The gate: a file whose scan is not "safe" is never loaded by Python without acceptRisk. The malicious pickle
 * touches a marker file when unpickled; every refusal asserts the marker was not created, and one accepted run
 * shows the payload is real.
 */
const PYTHON = '/usr/bin/python3';
const skipPython = fs.existsSync(PYTHON) ? false : `needs ${PYTHON}`;
let dir: string;
let marker: string;
let evil: string;
let unknown: string;
let engine: Engine;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-convert-gate-'));
  marker = path.join(dir, 'PAYLOAD-RAN');
  evil = path.join(dir, 'evil.pkl');
  fs.writeFileSync(evil, osSystemPickle(`touch ${marker}`));
  unknown = path.join(dir, 'custom.pkl');
  fs.writeFileSync(unknown, pickle(op.proto(2), op.global('my_private_lib.models', 'Thing'), op.EMPTY_TUPLE, op.REDUCE, op.STOP));
  engine = createEngine({ shell: 'cli', dataDir: path.join(dir, 'data') });
});

after(async () => {
  await engine.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a dangerous file is refused without acceptRisk, naming its findings, and its payload never runs', { skip: skipPython }, async () => {
  const result = await engine.call('convert.run', { path: evil, pythonPath: PYTHON });
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.error.code, 'convert-refused-dangerous');
  assert.match(result.error.message, /dangerous import (posix|os)\.system/);
  assert.match(result.error.message, /runs that code with your rights/);
  assert.match(result.error.fix ?? '', /accept the risk/);
  assert.equal(fs.existsSync(marker), false, 'the payload must not have run');

  // Even an edited recipe does not get past the gate.
  const edited = await engine.call('convert.run', { path: evil, pythonPath: PYTHON, recipe: 'import pickle\npickle.load(open(MODEL_PATH, "rb"))\n', acceptRisk: false });
  assert.equal(edited.ok, false);
  assert.equal(fs.existsSync(marker), false);
});

test('the plan of a dangerous file says what accepting means and does not load it to read its inputs', { skip: skipPython }, async () => {
  const plan = await engine.invoke('convert.plan', { path: evil, pythonPath: PYTHON });
  assert.equal(plan.scan?.verdict, 'dangerous');
  assert.equal(plan.needsRiskAcceptance, true);
  assert.match(plan.riskWarning ?? '', /runs that code with your rights/);
  assert.equal(plan.discovery, null);
  assert.ok(plan.notes.some((n) => /not loaded to read its inputs: its scan is "dangerous"/.test(n)), plan.notes.join('\n'));
  assert.match(plan.recipe ?? '', /# Safety: ModelDock's scan of evil\.pkl said "dangerous"/);
  assert.equal(fs.existsSync(marker), false);
});

test('an unverified file (unknown import) is refused too, from the CLI as well', { skip: skipPython }, async () => {
  const result = await engine.call('convert.run', { path: unknown, pythonPath: PYTHON });
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.equal(result.error.code, 'convert-refused-unverified');
    assert.match(result.error.message, /unverified import my_private_lib\.models\.Thing/);
  }
  const cli = await runCaptured(['convert', evil, '--python', PYTHON], { engine });
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /This file can run harmful code: not converted/);
  assert.equal(fs.existsSync(marker), false);
});

test('with acceptRisk the file is loaded: the payload is real (which is what the gate prevents)', { skip: skipPython }, async () => {
  const plan = await engine.invoke('convert.plan', { path: evil, pythonPath: PYTHON, discover: false });
  assert.ok(plan.recipe);
  const result = await engine.call('convert.run', { path: evil, pythonPath: PYTHON, recipe: plan.recipe, acceptRisk: true, timeoutSeconds: 60 });
  assert.equal(result.ok, false, 'the conversion itself fails (the pickle is not a model)');
  assert.equal(fs.existsSync(marker), true, 'unpickling ran the payload');
});

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, UsageError } from '../../main/cli/args';
import { jsonInput } from '../../main/cli/commands/predict';
import { formatTable } from '../../main/cli/table';
import { createEngine, type Engine } from '../../main/engine/engine';
import { APP_VERSION } from '../../main/engine/versions';
import { contract } from '../../shared/contract';
import { runCaptured } from './cli-support';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-cli-'));
const engine = createEngine({ shell: 'cli', dataDir });
after(async () => {
  await engine.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('--help lists every command with its contract summary; --version prints the version', async () => {
  const help = await runCaptured(['--help']);
  assert.equal(help.code, 0);
  for (const command of ['inspect MODEL', 'validate MODEL', 'predict MODEL', 'bench MODEL', 'spec init MODEL', 'spec check FILE', 'fix MODEL', 'ui']) {
    assert.match(help.stdout, new RegExp(`\\n  ${command}`), command);
  }
  assert.ok(help.stdout.includes(contract['bench.run'].summary));
  assert.match(help.stdout, /Exit codes: 0 ok, 1 failure or validation errors, 2 usage error/);
  const version = await runCaptured(['--version']);
  assert.equal(version.stdout, `${APP_VERSION}\n`);
  assert.equal(version.code, 0);
});

test('each command has its own --help with its options', async () => {
  const predict = await runCaptured(['predict', '--help']);
  assert.equal(predict.code, 0);
  assert.match(predict.stdout, /^Usage: modeldock predict MODEL --input \[NAME=\]FILE\.\.\. \[options\]/);
  for (const option of ['--input', '--json-input', '--repeat N', '--top K', '--json', '--spec FILE']) assert.ok(predict.stdout.includes(option), option);
  const bench = await runCaptured(['bench', '-h']);
  for (const option of ['--batch', '--threads', '--runs N', '--warmup N', '--no-save']) assert.ok(bench.stdout.includes(option), option);
  const viaHelp = await runCaptured(['help', 'spec', 'check']);
  assert.match(viaHelp.stdout, /^Usage: modeldock spec check FILE/);
  const ui = await runCaptured(['ui', '--help']);
  assert.match(ui.stdout, /--no-open/);
});

test('usage errors exit with 2 and point at --help', async () => {
  const cases: [string[], RegExp][] = [
    [[], /Usage: modeldock <command>/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['spec'], /"spec" needs a subcommand: spec init, spec check/],
    [['spec', 'lint'], /unknown subcommand "spec lint"/],
    [['inspect'], /missing MODEL/],
    [['inspect', 'a.onnx', 'b.onnx'], /expected one MODEL/],
    [['predict', 'm.onnx'], /give the model some input/],
    [['predict', 'm.onnx', '--inptu', 'x.json'], /unknown option --inptu \(did you mean --input\?\)/],
    [['predict', 'm.onnx', '--input'], /--input needs a value/],
    [['predict', 'm.onnx', '--input', 'a.json', '--repeat', 'lots'], /--repeat expects a whole number, got "lots"/],
    [['bench', 'm.onnx', '--batch', '1,0'], /--batch must be between 1 and 4096, got 0/],
    [['bench', 'm.onnx', '--runs', '1', '--runs', '2'], /--runs was given more than once/],
    [['fix', 'm.onnx'], /say which fix to apply: --remove-zipmap/],
    [['ui', '--port', '70000'], /--port must be between 0 and 65535/],
    [['validate', 'm.onnx', '--json=yes'], /--json does not take a value/],
  ];
  for (const [argv, message] of cases) {
    const r = await runCaptured(argv, { engine });
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.stderr, message, argv.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  const r = await runCaptured(['predict', 'm.onnx'], { engine });
  assert.match(r.stderr, /Run "modeldock predict --help" for usage\./);
});

test('the argument parser handles variadic options, --opt=value and --', () => {
  const options = [{ name: 'input', value: 'FILE', variadic: true, help: '' }, { name: 'top', value: 'K', help: '' }, { name: 'json', help: '' }];
  const a = parseArgs(['m.onnx', '--input', 'a.json', 'b.csv', '--top=3', '--input', 'x=c.npy', '--json', '--', '--weird'], options);
  assert.deepEqual(a.positionals, ['m.onnx', '--weird']);
  assert.deepEqual(a.values.get('input'), ['a.json', 'b.csv', 'x=c.npy']);
  assert.deepEqual(a.values.get('top'), ['3']);
  assert.ok(a.flags.has('json'));
  assert.throws(() => parseArgs(['--nope'], options), UsageError);
});

test('--json-input takes plain JSON or NAME=JSON', () => {
  assert.deepEqual(jsonInput('[[1, 2]]'), { kind: 'json', text: '[[1, 2]]' });
  assert.deepEqual(jsonInput('{"a": 1}'), { kind: 'json', text: '{"a": 1}' });
  assert.deepEqual(jsonInput('-1'), { kind: 'json', text: '-1' });
  assert.deepEqual(jsonInput('features=[[1,2,3]]'), { kind: 'json', name: 'features', text: '[[1,2,3]]' });
});

test('the table formatter aligns columns and right-aligns numbers', () => {
  const text = formatTable([['alpha', '1.5 ms'], ['b', '12.25 ms']], { header: ['name', 'p50'] });
  assert.equal(text, [
    'name        p50',
    '-----  --------',
    'alpha    1.5 ms',
    'b      12.25 ms',
    '',
  ].join('\n'));
});

test('spec init writes a documented spec once; spec check validates it with line numbers', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-cli-spec-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const model = path.join(dir, 'My Model.onnx');
  fs.writeFileSync(model, 'not really a model');

  const missing = await runCaptured(['spec', 'init', path.join(dir, 'nope.onnx')], { engine, cwd: dir });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /Error: Model not found/);

  const init = await runCaptured(['spec', 'init', 'My Model.onnx'], { engine, cwd: dir });
  assert.equal(init.code, 0, init.stderr);
  assert.match(init.stdout, /^Wrote modeldock\.yaml/);
  const specFile = path.join(dir, 'modeldock.yaml');
  const text = fs.readFileSync(specFile, 'utf8');
  assert.match(text, /name: my-model/);
  assert.match(text, /# Short name used for the container image/);

  const again = await runCaptured(['spec', 'init', 'My Model.onnx'], { engine, cwd: dir });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /A spec already exists/);
  assert.equal(fs.readFileSync(specFile, 'utf8'), text, 'an existing spec is never overwritten');

  const check = await runCaptured(['spec', 'check', 'modeldock.yaml'], { engine, cwd: dir });
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /^valid {2}modeldock\.yaml: my-model version 1, model My Model\.onnx/);

  fs.writeFileSync(specFile, text.replace('  version: "1"', '  version: "1"\n  verison: 2').replace('name: my-model', 'name: My Model'));
  const bad = await runCaptured(['spec', 'check', 'modeldock.yaml'], { engine, cwd: dir });
  assert.equal(bad.code, 1);
  const lines = bad.stdout.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^modeldock\.yaml:12: model\.name: /);
  assert.match(lines[1], /^modeldock\.yaml:15: model\.verison: Unknown key "verison"\. Did you mean "version"\?/);
  assert.match(bad.stderr, /2 problems in modeldock\.yaml/);

  const json = await runCaptured(['spec', 'check', 'modeldock.yaml', '--json'], { engine, cwd: dir });
  assert.equal(json.code, 1);
  const parsed = JSON.parse(json.stdout) as { issues: { path: string; line: number }[] };
  assert.deepEqual(parsed.issues.map((i) => [i.path, i.line]), [['model.name', 12], ['model.verison', 15]]);

  const printed = await runCaptured(['spec', 'init', 'My Model.onnx', '--print'], { engine, cwd: dir });
  assert.equal(printed.code, 0);
  assert.match(printed.stdout, /^# modeldock\.yaml/);
});

test('--spec takes the model from the spec; an invalid spec fails with its issues', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-cli-spec-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'modeldock.yaml'), 'apiVersion: modeldock/v1\nmodel:\n  path: models/absent.onnx\n  name: x\n');
  const r = await runCaptured(['inspect', '--spec', path.join(dir, 'modeldock.yaml'), '--json'], { engine, cwd: os.tmpdir() });
  assert.equal(r.code, 1);
  // The model path came from the spec, relative to the spec's folder.
  const error = JSON.parse(r.stdout).error as { title: string; message: string };
  assert.equal(typeof error.title, 'string', '--json prints the error as JSON too');
  assert.ok(error.message.includes(path.join(dir, 'models', 'absent.onnx')), error.message);

  fs.writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: modeldock/v1\nmodel:\n  path: m.onnx\n  name: x\n  colour: red\n');
  const bad = await runCaptured(['validate', '--spec', path.join(dir, 'bad.yaml')], { engine });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Error: The spec has problems/);
  assert.match(bad.stderr, /bad\.yaml:5: model\.colour: Unknown key "colour"/);
  assert.match(bad.stderr, /Fix: Fix them, then check with: modeldock spec check/);

  const none = await runCaptured(['bench', '--spec', path.join(dir, 'nope.yaml')], { engine });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /Spec file not found/);
});

test('errors print title, message and fix without a stack; MODELDOCK_DEBUG=1 adds the detail', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-cli-err-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = await runCaptured(['spec', 'check', path.join(dir, 'missing.yaml')], { engine });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `Error: Spec file not found\n  ${path.join(dir, 'missing.yaml')} does not exist.\n  Fix: Create one with: modeldock spec init MODEL\n`);
  const colour = await runCaptured(['spec', 'check', path.join(dir, 'missing.yaml')], { engine, tty: true });
  assert.match(colour.stderr, /\x1b\[31m/, 'colours on a terminal');
  const noColour = await runCaptured(['spec', 'check', path.join(dir, 'missing.yaml')], { engine, tty: true, env: { NO_COLOR: '1' } });
  assert.doesNotMatch(noColour.stderr, /\x1b\[/, 'NO_COLOR is respected');
});

test('an unexpected internal error shows no stack unless MODELDOCK_DEBUG=1', async () => {
  const broken = { invoke: async () => { throw new Error('boom'); }, dispose: async () => {} } as unknown as Engine;
  const plain = await runCaptured(['spec', 'check', 'x.yaml'], { engine: broken });
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /^Error: Something went wrong inside ModelDock\n {2}boom\n {2}Fix: /);
  assert.doesNotMatch(plain.stderr, /\n\s+at /);
  const debug = await runCaptured(['spec', 'check', 'x.yaml'], { engine: broken, env: { MODELDOCK_DEBUG: '1' } });
  assert.match(debug.stderr, /Error: boom\n\s+at /);
});

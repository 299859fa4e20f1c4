import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ScanReport } from '../../shared/schemas/scan';
import { scanModelFile } from '../../main/model/scan/scan-model';
import { op, osSystemPickle, pickle, stateDictPickle } from './scan-support';

/** The opcode-level analyser on handcrafted streams: every known bypass, and the benign shapes real files have. */
let dir: string;
let n = 0;

before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-scan-pickle-')); });
after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

async function scan(bytes: Buffer, name = `f${n++}.pkl`): Promise<ScanReport> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return scanModelFile(file);
}

function imported(report: ScanReport, module: string, name: string) {
  return report.imports.find((i) => i.module === module && i.name === name);
}

test('a plain os.system pickle is dangerous, with the import and its offset', async () => {
  const r = await scan(osSystemPickle('echo hi'));
  assert.equal(r.verdict, 'dangerous');
  const i = imported(r, 'os', 'system');
  assert.ok(i, JSON.stringify(r.imports));
  assert.equal(i.verdict, 'dangerous');
  assert.deepEqual(i.where[0], { member: null, offset: 2 });
  assert.ok(r.calls.some((c) => c.kind === 'REDUCE' && c.target === 'os.system'));
  assert.match(r.summary, /dangerous.*os\.system/);
});

test('STACK_GLOBAL through memo indirection (MEMOIZE, BINPUT, BINGET) still resolves to os.system', async () => {
  const r = await scan(pickle(
    op.proto(4), op.unicode('os'), op.MEMOIZE, op.unicode('system'), op.binput(7), op.POP, op.POP,
    op.unicode('decoy'), op.POP, op.binget(0), op.binget(7), op.STACK_GLOBAL, op.unicode('id'), op.TUPLE1, op.REDUCE, op.STOP,
  ));
  assert.equal(r.verdict, 'dangerous');
  assert.equal(imported(r, "os", "system")?.where[0].offset, 31);
});

test('protocol 4 frames with STACK_GLOBAL and protocol 4 dotted names are followed', async () => {
  const body = pickle(op.unicode('builtins'), op.unicode('getattr'), op.STACK_GLOBAL, op.STOP);
  assert.equal((await scan(pickle(op.proto(4), op.frame(body)))).verdict, 'dangerous');
  // numpy + "testing._private.utils.runstring" walks attributes to an exec wrapper.
  const dotted = await scan(pickle(op.proto(4), op.unicode('numpy'), op.unicode('testing._private.utils.runstring'), op.STACK_GLOBAL, op.STOP));
  assert.equal(dotted.verdict, 'dangerous');
  const viaAttr = await scan(pickle(op.proto(4), op.unicode('torch'), op.unicode('os.system'), op.STACK_GLOBAL, op.STOP));
  assert.equal(viaAttr.verdict, 'dangerous');
});

test('a computed module name (the result of a call) is unresolvable and never clean', async () => {
  const r = await scan(pickle(
    op.proto(4), op.global('builtins', 'str'), op.unicode('os'), op.TUPLE1, op.REDUCE, op.unicode('system'), op.STACK_GLOBAL, op.STOP,
  ));
  assert.equal(r.verdict, 'unverified');
  const unresolved = r.imports.find((i) => i.module === '<unresolved>');
  assert.ok(unresolved);
  assert.match(unresolved.name, /STACK_GLOBAL with module <result of builtins\.str>/);
});

test('protocol 0 and 1 pickles without a PROTO header are scanned (GLOBAL, INST, escaped STRING, BINPUT)', async () => {
  assert.equal((await scan(Buffer.from("cos\nsystem\n(S'echo 1'\ntR.", 'latin1'))).verdict, 'dangerous');
  const inst = await scan(Buffer.from("(S'ls'\nisubprocess\ncheck_output\np0\n.", 'latin1'));
  assert.equal(inst.verdict, 'dangerous');
  assert.ok(inst.calls.some((c) => c.kind === 'INST' && c.target === 'subprocess.check_output'));
  // Module and name spelt with escapes, put in the memo as text, fetched back and fed to STACK_GLOBAL.
  const escaped = await scan(Buffer.from("S'\\x6fs'\np0\n0S'sys\\164em'\np1\n0g0\ng1\n\x93.", 'latin1'));
  assert.equal(imported(escaped, 'os', 'system')?.verdict, 'dangerous');
  // Protocol 1: binary opcodes, no header.
  const p1 = await scan(pickle(op.MARK, op.global('posix', 'system'), op.binput(0), 'U\x02id', op.binput(1), op.TUPLE, op.POP, op.binget(0), 'U\x02id', op.TUPLE1, op.REDUCE, op.STOP));
  assert.equal(p1.verdict, 'dangerous');
});

test('indirection through importlib, pkgutil, marshal, functools and operator is dangerous', async () => {
  for (const [module, name] of [
    ['importlib', 'import_module'], ['pkgutil', 'resolve_name'], ['marshal', 'loads'], ['functools', 'partial'],
    ['operator', 'attrgetter'], ['operator', 'methodcaller'], ['builtins', 'eval'], ['__builtin__', 'exec'], ['runpy', '_run_code'],
    ['types', 'FunctionType'], ['commands', 'getoutput'], ['torch', 'load'], ['numpy', 'load'],
  ]) {
    const r = await scan(pickle(op.proto(2), op.global(module, name), op.unicode('x'), op.TUPLE1, op.REDUCE, op.STOP));
    assert.equal(r.verdict, 'dangerous', `${module}.${name}`);
  }
});

test('EXT codes, BUILD on an import and calls of computed values are unverified', async () => {
  assert.equal((await scan(pickle(op.proto(2), [0x82, 0x01], op.STOP))).verdict, 'unverified');
  const patch = await scan(pickle(op.proto(2), op.global('collections', 'OrderedDict'), op.EMPTY_DICT, op.BUILD, op.STOP));
  assert.equal(patch.verdict, 'unverified');
  assert.ok(patch.findings.some((f) => /modifies an imported class/.test(f.title)));
  const computed = await scan(pickle(op.proto(2), op.global('collections', 'OrderedDict'), op.EMPTY_TUPLE, op.REDUCE, op.EMPTY_TUPLE, op.REDUCE, op.STOP));
  assert.equal(computed.verdict, 'unverified');
  assert.ok(computed.calls.some((c) => !c.resolved && c.target === '<result of collections.OrderedDict>'));
});

test('truncated and malformed streams fail closed with the reason', async () => {
  const whole = osSystemPickle('echo hi');
  const cut = await scan(whole.subarray(0, whole.length - 4));
  assert.equal(cut.verdict, 'dangerous'); // the import before the cut is still reported
  const benignCut = stateDictPickle().subarray(0, 60);
  const r1 = await scan(benignCut);
  assert.equal(r1.verdict, 'unverified');
  assert.ok(r1.findings.some((f) => /cut short/.test(f.title)), JSON.stringify(r1.findings));
  const unknown = await scan(pickle(op.proto(2), op.NONE, [0xff], op.STOP));
  assert.equal(unknown.verdict, 'unverified');
  assert.match(unknown.findings[0].detail, /Unknown opcode 0xff at byte 3/);
  const badMemo = await scan(pickle(op.proto(2), op.binget(3), op.STOP));
  assert.match(badMemo.findings[0].detail, /Memo entry 3 is read/);
  const underflow = await scan(pickle(op.proto(2), op.REDUCE, op.STOP));
  assert.match(underflow.findings[0].detail, /Stack underflow/);
  assert.equal((await scan(pickle(op.proto(9), op.NONE, op.STOP))).verdict, 'unverified');
  assert.equal((await scan(Buffer.from("cos\nsys", 'latin1'))).verdict, 'unverified');
});

test('benign shapes are safe: a state_dict, sklearn classes, numpy arrays; __main__ classes are unverified', async () => {
  const sd = await scan(stateDictPickle());
  assert.equal(sd.verdict, 'safe', JSON.stringify([sd.imports, sd.findings, sd.calls]));
  assert.equal(imported(sd, 'torch._utils', '_rebuild_tensor_v2')?.verdict, 'safe');
  const sk = await scan(pickle(
    op.proto(4), op.unicode('sklearn.linear_model._logistic'), op.unicode('LogisticRegression'), op.STACK_GLOBAL, op.MEMOIZE,
    op.EMPTY_TUPLE, op.NEWOBJ, op.EMPTY_DICT, op.unicode('C'), op.binint1(1), op.SETITEM, op.BUILD, op.STOP,
  ));
  assert.equal(sk.verdict, 'safe');
  // scikit-learn functions (not classes) and unknown libraries are not vouched for.
  const fn = await scan(pickle(op.proto(2), op.global('sklearn.metrics._scorer', '_passthrough_scorer'), op.STOP));
  assert.equal(fn.verdict, 'unverified');
  const main = await scan(pickle(op.proto(2), op.global('__main__', 'Net'), op.EMPTY_TUPLE, op.NEWOBJ, op.STOP));
  assert.equal(main.verdict, 'unverified');
  assert.match(main.advice, /code of Net/);
});

test('stacked pickles: a second pickle after STOP is scanned too', async () => {
  const r = await scan(Buffer.concat([pickle(op.proto(2), op.NONE, op.STOP), osSystemPickle('id')]));
  assert.equal(r.verdict, 'dangerous');
  assert.equal(imported(r, "os", "system")?.where[0].offset, 6);
});

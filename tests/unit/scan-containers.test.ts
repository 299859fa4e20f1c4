import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { ScanReport } from '../../shared/schemas/scan';
import { scanModelFile } from '../../main/model/scan/scan-model';
import { buildZip, op, osSystemPickle, pickle, stateDictPickle } from './scan-support';

/** Containers: zip members with odd names, legacy torch, joblib arrays and compression, .npy, Keras, TorchScript. */
let dir: string;
let n = 0;

before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-scan-containers-')); });
after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

async function scan(bytes: Buffer, name = `f${n++}.bin`): Promise<ScanReport> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return scanModelFile(file);
}

test('PyTorch zip: a pickle hidden in a member with an odd name (no .pkl, upper case, nested) is found', async () => {
  const benign = await scan(buildZip([
    { name: 'archive/data.pkl', data: stateDictPickle() }, { name: 'archive/data/0', data: Buffer.from([0x80, 0x02, 0xff, 0xff]) },
    { name: 'archive/version', data: '3\n' },
  ]), 'ok.pt');
  assert.equal(benign.verdict, 'safe', JSON.stringify(benign.findings));
  assert.equal(benign.container, 'PyTorch zip archive');
  for (const odd of ['archive/.hidden', 'archive/DATA.PKL', 'archive/x/y/z', 'archive/data.pkl ']) {
    const r = await scan(buildZip([{ name: 'archive/data.pkl', data: stateDictPickle() }, { name: odd, data: osSystemPickle('id') }]), 'odd.pt');
    assert.equal(r.verdict, 'dangerous', odd);
    assert.equal(r.imports.find((i) => i.module === 'os')?.where[0].member, odd);
  }
});

test('zip members that are encrypted or use unknown compression are never clean', async () => {
  const zip = buildZip([{ name: 'archive/data.pkl', data: stateDictPickle() }]);
  const encrypted = Buffer.from(zip);
  encrypted.writeUInt16LE(1, 6); // local header flags: encrypted
  const r = await scan(encrypted, 'enc.pt');
  assert.equal(r.verdict, 'unverified');
  assert.ok(r.findings.some((f) => /encrypted/.test(f.detail)));
});

test('legacy torch.save: every stacked pickle is scanned, storage bytes are not', async () => {
  const magic = pickle(op.proto(2), [0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19], op.STOP);
  const version = pickle(op.proto(2), [0x4d, 0xe9, 0x03], op.STOP);
  const sysInfo = pickle(op.proto(2), op.EMPTY_DICT, op.STOP);
  const keys = pickle(op.proto(2), op.EMPTY_LIST, op.binunicode('0'), op.APPEND, op.STOP);
  const storage = Buffer.from([0x04, 0, 0, 0, 0, 0, 0, 0, 0x63, 0x6f, 0x73, 0x0a]); // raw bytes that look like opcodes
  const ok = await scan(Buffer.concat([magic, version, sysInfo, stateDictPickle(), keys, storage]));
  assert.equal(ok.verdict, 'safe', JSON.stringify(ok.findings));
  assert.match(ok.container, /legacy/);
  const evil = await scan(Buffer.concat([magic, version, sysInfo, osSystemPickle('id'), keys, storage]));
  assert.equal(evil.verdict, 'dangerous');
});

/** A joblib-style stream: a dict holding one float64 array (wrapper, then raw bytes), then a later import. */
function joblibStream(arrayBytes: Buffer, after: Buffer, aligned: boolean): Buffer {
  const dtype = pickle(op.global('numpy', 'dtype'), op.unicode('f8'), op.NEWFALSE, op.NEWTRUE, op.TUPLE3, op.REDUCE,
    op.MARK, op.binint1(3), op.unicode('<'), op.NONE, op.NONE, op.NONE, [0x4a, 0xff, 0xff, 0xff, 0xff], [0x4a, 0xff, 0xff, 0xff, 0xff], op.binint1(0), op.TUPLE, op.BUILD);
  const state = pickle(op.EMPTY_DICT, op.MARK,
    op.unicode('subclass'), op.global('numpy', 'ndarray'), op.unicode('shape'), op.binint1(arrayBytes.length / 8), op.TUPLE1,
    op.unicode('order'), op.unicode('C'), op.unicode('dtype'), dtype, op.unicode('allow_mmap'), op.NEWTRUE,
    ...(aligned ? [op.unicode('numpy_array_alignment_bytes'), op.binint1(16)] : []), op.SETITEMS);
  const padding = aligned ? Buffer.from([3, 0xff, 0xff, 0xff]) : Buffer.alloc(0);
  return pickle(op.proto(4), op.EMPTY_DICT, op.unicode('w'),
    op.global('joblib.numpy_pickle', 'NumpyArrayWrapper'), op.EMPTY_TUPLE, op.NEWOBJ, state, op.BUILD,
    padding, arrayBytes, op.SETITEM, after, op.STOP);
}

test('joblib: embedded array bytes are skipped exactly, and what follows them is still scanned', async () => {
  // Array bytes that would derail a naive scanner: they contain a GLOBAL os.system as text.
  const data = Buffer.concat([Buffer.from('cos\nsystem\n', 'latin1'), Buffer.alloc(5, 0xff)]);
  const benign = joblibStream(data, pickle(op.unicode('k'), op.global('collections', 'OrderedDict'), op.SETITEM), true);
  const r = await scan(benign, 'a.joblib');
  assert.equal(r.verdict, 'safe', JSON.stringify([r.findings, r.imports.filter((i) => i.verdict !== 'safe')]));
  assert.ok(r.imports.some((i) => i.name === 'OrderedDict'), 'the import after the array was seen');
  const evilAfter = joblibStream(data, pickle(op.unicode('k'), op.global('subprocess', 'Popen'), op.SETITEM), false);
  assert.equal((await scan(evilAfter, 'b.joblib')).verdict, 'dangerous');
  // A shape that claims more data than the file holds is a truncated stream.
  const full = joblibStream(data, Buffer.alloc(0), true);
  const short = await scan(full.subarray(0, full.indexOf('cos\nsystem') + 3), 'c.joblib');
  assert.equal(short.verdict, 'unverified');
  assert.ok(short.findings.some((f) => /needs 16 bytes of data/.test(f.detail)), JSON.stringify(short.findings));
  // Compressed with zlib (joblib's compress=3) and gzip, decompressed in Node.
  assert.equal((await scan(zlib.deflateSync(evilAfter), 'd.joblib')).verdict, 'dangerous');
  const gz = await scan(zlib.gzipSync(benign), 'e.joblib');
  assert.equal(gz.verdict, 'safe');
  assert.equal(gz.container, 'joblib dump (gzip-compressed)');
});

test('joblib compressed with xz/bz2/lz4: scanned with the system tool, or unverified when it is missing', async (t) => {
  const evil = joblibStream(Buffer.alloc(16), pickle(op.unicode('k'), op.global('os', 'system'), op.SETITEM), true);
  for (const [tool, args, codec] of [['xz', ['-c'], 'xz'], ['bzip2', ['-c'], 'bz2'], ['lz4', ['-c'], 'lz4']] as const) {
    const run = spawnSync(tool, [...args], { input: evil });
    if (run.error) { t.diagnostic(`${tool} is not installed; skipped`); continue; }
    const r = await scan(run.stdout, `x.joblib.${codec}`);
    assert.equal(r.verdict, 'dangerous', codec);
    assert.equal(r.container, `joblib dump (${codec}-compressed)`);
  }
  const notXz = Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(40)]);
  const damaged = await scan(notXz, 'damaged.xz');
  assert.equal(damaged.verdict, 'unverified');
  assert.ok(damaged.findings.some((f) => /Cannot scan this compression/.test(f.title)));
});

test('.npy and .npz: object arrays carry a pickle, which is scanned; numeric arrays are safe', async () => {
  const npy = (descr: string, body: Buffer) => {
    let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (1,), }`;
    while ((10 + header.length + 1) % 64) header += ' ';
    header += '\n';
    const len = Buffer.alloc(2);
    len.writeUInt16LE(header.length);
    return Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), len, Buffer.from(header, 'latin1'), body]);
  };
  assert.equal((await scan(npy('<f8', Buffer.alloc(8)), 'a.npy')).verdict, 'safe');
  const evil = await scan(npy('|O', osSystemPickle('id')), 'b.npy');
  assert.equal(evil.verdict, 'dangerous');
  const npz = await scan(buildZip([{ name: 'a.npy', data: npy('<f8', Buffer.alloc(8)) }, { name: 'b.npy', data: npy('|O', osSystemPickle('id')) }]), 'c.npz');
  assert.equal(npz.verdict, 'dangerous');
  assert.equal(npz.container, 'numpy .npz archive');
});

test('Keras: Lambda layers are dangerous, custom objects unverified, plain layers safe (.keras and .h5)', async () => {
  const layer = (cls: string, config: object, extra: object = {}) => ({ class_name: cls, config, ...extra });
  const model = (layers: object[]) => ({ class_name: 'Sequential', config: { name: 'm', layers } });
  const keras = (config: object) => buildZip([
    { name: 'metadata.json', data: '{"keras_version": "3.5.0"}' }, { name: 'config.json', data: JSON.stringify(config) },
    { name: 'model.weights.h5', data: Buffer.alloc(16) },
  ]);
  assert.equal((await scan(keras(model([layer('Dense', { name: 'd', units: 2 }, { module: 'keras.layers' })])), 'a.keras')).verdict, 'safe');
  const lambda = await scan(keras(model([layer('Lambda', { name: 'l', function: { class_name: '__lambda__', config: { code: 'YWJj' } } }, { module: 'keras.layers' })])), 'b.keras');
  assert.equal(lambda.verdict, 'dangerous');
  assert.match(lambda.findings[0].title, /Lambda layer "l"/);
  const custom = await scan(keras(model([layer('MyLayer', { name: 'c' }, { module: 'my_project.layers', registered_name: 'Custom>MyLayer' })])), 'c.keras');
  assert.equal(custom.verdict, 'unverified');

  const h5 = (config: object) => {
    const file = Buffer.alloc(4096);
    Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]).copy(file, 0);
    file.write('model_config\u0000', 700, 'latin1');
    file.write(JSON.stringify(config), 800, 'utf8');
    return file;
  };
  const h5Lambda = await scan(h5(model([layer('Lambda', { name: 'lam', function: ['4wEAAAAAAAAA', null, null], function_type: 'lambda' })])), 'd.h5');
  assert.equal(h5Lambda.verdict, 'dangerous');
  assert.equal(h5Lambda.findings[0].where?.offset, 800);
  assert.equal((await scan(h5(model([layer('Dense', { name: 'd' }), layer('Dropout', { name: 'x' })])), 'e.h5')).verdict, 'safe');
  assert.equal((await scan(h5(model([layer('AttentionBlock', { name: 'a' })])), 'f.h5')).verdict, 'unverified');
});

test('TorchScript: code members that import os are dangerous; __torch__ classes are fine in TorchScript only', async () => {
  const ts = (code: string) => buildZip([
    { name: 'm/data.pkl', data: pickle(op.proto(2), op.global('__torch__', 'Net'), op.EMPTY_TUPLE, op.NEWOBJ, op.STOP) },
    { name: 'm/code/__torch__.py', data: code }, { name: 'm/constants.pkl', data: pickle(op.proto(2), op.EMPTY_TUPLE, op.STOP) },
  ]);
  const ok = await scan(ts('class Net(Module):\n  def forward(self, x):\n    return torch.relu(x)\n'), 'a.pt');
  assert.equal(ok.verdict, 'safe', JSON.stringify(ok.findings));
  const bad = await scan(ts('import os\nclass Net(Module):\n  def forward(self, x):\n    return x\n'), 'b.pt');
  assert.equal(bad.verdict, 'dangerous');
  assert.match(bad.findings.find((f) => f.verdict === 'dangerous')?.detail ?? '', /line 1: "import os"/);
  const plain = await scan(pickle(op.proto(2), op.global('__torch__', 'Net'), op.STOP), 'c.pkl');
  assert.equal(plain.verdict, 'unverified');
});

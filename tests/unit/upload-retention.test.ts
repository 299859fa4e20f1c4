import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BuildHistory } from '../../main/docker/build-history';
import type { BuildRecord } from '../../shared/schemas/docker';
import { RecentModels } from '../../main/engine/recent-models';
import { pruneUploads, referencedPaths } from '../../main/web/upload-retention';

const DAY = 86_400_000;

function dataDirFor(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-uploads-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An upload folder with one file of `bytes` bytes, every entry dated `ageDays` ago. */
function upload(dataDir: string, folder: string, file: string, bytes: number, ageDays: number): string {
  const dir = path.join(dataDir, 'uploads', folder);
  fs.mkdirSync(dir, { recursive: true });
  const filePath = path.join(dir, file);
  fs.writeFileSync(filePath, Buffer.alloc(bytes));
  age(filePath, ageDays);
  age(dir, ageDays);
  return filePath;
}

function age(p: string, days: number): void {
  const when = new Date(Date.now() - days * DAY);
  fs.utimesSync(p, when, when);
}

test('old uploads nothing refers to are removed; recent, referenced and freshly edited ones stay', (t) => {
  const dataDir = dataDirFor(t);
  upload(dataDir, 'old', 'model.onnx', 1000, 30);
  const recentModel = upload(dataDir, 'recent-model', 'iris.onnx', 10, 30);
  const builtSpecDir = path.dirname(upload(dataDir, 'built', 'cnn.onnx', 10, 30));
  const fresh = upload(dataDir, 'fresh', 'new.onnx', 10, 1);
  const editedDir = path.dirname(upload(dataDir, 'edited', 'old.onnx', 10, 30));
  fs.writeFileSync(path.join(editedDir, 'modeldock.yaml'), 'model: {}\n'); // written now: the user worked here
  age(editedDir, 30);

  const result = pruneUploads(dataDir, [recentModel, path.join(builtSpecDir, 'modeldock.yaml')]);

  assert.deepEqual(result.removed, [path.join(dataDir, 'uploads', 'old')]);
  assert.equal(result.freedBytes, 1000);
  assert.equal(result.kept, 4);
  assert.ok(!fs.existsSync(path.join(dataDir, 'uploads', 'old')));
  for (const kept of [recentModel, fresh, path.join(builtSpecDir, 'cnn.onnx'), path.join(editedDir, 'old.onnx')]) {
    assert.ok(fs.existsSync(kept), `${kept} was removed`);
  }
});

test('a folder whose name only starts like a referenced one is not protected by it', (t) => {
  const dataDir = dataDirFor(t);
  upload(dataDir, 'abc', 'a.onnx', 5, 30);
  const referenced = upload(dataDir, 'ab', 'b.onnx', 5, 30);
  const result = pruneUploads(dataDir, [referenced]);
  assert.deepEqual(result.removed, [path.join(dataDir, 'uploads', 'abc')]);
});

test('no uploads folder, or stray files in it, is not an error', (t) => {
  const dataDir = dataDirFor(t);
  assert.deepEqual(pruneUploads(dataDir, []), { removed: [], freedBytes: 0, kept: 0 });
  fs.mkdirSync(path.join(dataDir, 'uploads'));
  fs.writeFileSync(path.join(dataDir, 'uploads', 'stray.txt'), 'x');
  assert.deepEqual(pruneUploads(dataDir, []).removed, []);
  assert.ok(fs.existsSync(path.join(dataDir, 'uploads', 'stray.txt')));
});

test('the referenced paths are the recent models and every build\'s model and spec', async (t) => {
  const dataDir = dataDirFor(t);
  const recent = new RecentModels(dataDir);
  recent.add('/data/iris.onnx', 'onnx');
  const builds = new BuildHistory(dataDir, (message) => assert.fail(message));
  const record: BuildRecord = {
    id: 'one', modelPath: '/up/x/cnn.onnx', specPath: '/up/x/modeldock.yaml', modelName: 'cnn', modelVersion: '1', modelSha256: 'a'.repeat(64),
    modelBytes: 1, reference: 'cnn:1', imageId: `sha256:${'b'.repeat(64)}`, sizeBytes: 1, baseImage: 'node', baseSizeBytes: 1,
    platform: 'linux/amd64', builtAt: new Date().toISOString(), buildMs: 1, cachedSteps: 0, totalSteps: 13, dockerfile: 'FROM node',
    present: true, loadTests: [], pushes: [], coldStartMs: null, benchmark: null,
  };
  await builds.add(record);
  await builds.add({ ...record, id: 'two', modelPath: '/data/iris.onnx', specPath: null });
  const paths = await referencedPaths({ recent, builds });
  assert.deepEqual(paths.sort(), ['/data/iris.onnx', '/data/iris.onnx', '/up/x/cnn.onnx', '/up/x/modeldock.yaml']);
});

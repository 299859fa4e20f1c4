// BuildHistory on its own (no engine needed): newest first, found by id, short id or name:tag, load tests and pushes
// attached to the right build, concurrent writers never lose a record, and a corrupt file is moved aside.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BuildHistory } from '../../main/docker/build-history';
import type { BuildRecord, LoadTestResult } from '../../shared/schemas/docker';

function record(n: number, over: Partial<BuildRecord> = {}): BuildRecord {
  const hex = n.toString(16).padStart(2, '0').repeat(32);
  return {
    id: `build-${n}`, coldStartMs: null, modelPath: '/models/iris.onnx', specPath: null, modelName: 'iris', modelVersion: String(n),
    modelSha256: hex, modelBytes: 724, reference: `iris:${n}`, imageId: `sha256:${hex}`, sizeBytes: 150e6, baseImage: 'base:1',
    baseSizeBytes: 100e6, platform: 'linux/amd64', builtAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(), buildMs: 1000,
    cachedSteps: 9, totalSteps: 13, dockerfile: 'FROM base:1\n', present: true, loadTests: [], pushes: [], benchmark: null, ...over,
  };
}

const loadTest = (imageId: string): LoadTestResult => ({
  at: new Date().toISOString(), imageId, reference: 'iris:1', protocol: 'lesson', concurrency: 8, durationSeconds: 5, cpus: 1,
  memoryMB: 512, requests: 1000, errors: 0, requestsPerSecond: 200, p50Ms: 3, p90Ms: 5, p99Ms: 9, maxMs: 12,
  histogram: [{ ms: 5, count: 900 }, { ms: 10, count: 100 }], peakCpuCores: 1, peakMemoryBytes: 80e6,
});

describe('build history', () => {
  let dir = '';
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-history-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps builds newest first, per model, and finds them by id, short id or name:tag', async () => {
    const history = new BuildHistory(path.join(dir, 'a'));
    assert.deepEqual(await history.list(), []);
    await history.add(record(1));
    await history.add(record(3));
    await history.add(record(2, { modelPath: '/models/other.onnx' }));
    assert.deepEqual((await history.list()).map((b) => b.id), ['build-3', 'build-2', 'build-1']);
    assert.deepEqual((await history.list('/models/iris.onnx')).map((b) => b.id), ['build-3', 'build-1']);
    assert.equal((await history.findByImage(record(1).imageId))?.id, 'build-1');
    assert.equal((await history.findByImage(record(1).imageId.slice(7, 19)))?.id, 'build-1', 'a 12-digit short id');
    assert.equal((await history.findByImage('iris:3'))?.id, 'build-3');
    assert.equal(await history.findByImage('iris:9'), null);
    // A second engine (another process) reads the same file.
    assert.equal((await new BuildHistory(path.join(dir, 'a')).list()).length, 3);
  });

  it('attaches load tests and pushes to the build; concurrent updates all land', async () => {
    const history = new BuildHistory(path.join(dir, 'b'));
    await history.add(record(1));
    const id = record(1).imageId;
    await Promise.all([
      history.addLoadTest(id, loadTest(id)),
      history.addPush(id, { reference: 'localhost:5000/iris:1', digest: 'sha256:abc', at: new Date().toISOString() }),
      history.addLoadTest(id, loadTest(id)),
      history.add(record(2)),
    ]);
    const found = await history.findByImage(id);
    assert.equal(found?.loadTests.length, 2);
    assert.equal(found?.pushes[0].reference, 'localhost:5000/iris:1');
    assert.equal((await history.list()).length, 2);
    await history.addPush('sha256:not-built-here', { reference: 'x:1', digest: 'sha256:1', at: '' });
    await history.remove(id);
    assert.deepEqual((await history.list()).map((b) => b.id), ['build-2']);
  });

  it('a corrupt file is moved aside with a warning, and the history starts again', async () => {
    const dataDir = path.join(dir, 'c');
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'builds.json'), '{"version": 1, "builds": [{"id": ');
    const warnings: string[] = [];
    const history = new BuildHistory(dataDir, (m) => warnings.push(m));
    assert.deepEqual(await history.list(), []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /moved to .*builds\.json\.corrupt-/);
    assert.ok(fs.readdirSync(dataDir).some((f) => f.startsWith('builds.json.corrupt-')));
    await history.add(record(1));
    assert.equal((await history.list()).length, 1);
    assert.ok(!fs.readdirSync(dataDir).some((f) => f.endsWith('.tmp')), 'no temp file left after a write');
  });
});

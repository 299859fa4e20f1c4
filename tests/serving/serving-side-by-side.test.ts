import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { HostTensor } from '../../main/inference/host-tensor';
import { Logger } from '../../resources/serving/src/log';
import { chooseSideBySide, sideBySideSkip } from '../../resources/serving/src/side-by-side';
import { WorkerPool } from '../../resources/serving/src/worker-pool';
import { ROOT, buildRuntime, postJson, startServer, tempDir, writeSlowModel } from './serving-support';

/**
 * Side by side (side-by-side.ts, worker-pool.ts): under load, one-thread sessions run beside each other while a lone
 * request keeps the session with every thread. The pool with real inference threads, the decision's limits, and the
 * whole server.
 */

const row = (value: number): HostTensor[] => [{ name: 'x', elementType: 'float32', dims: [1, 512], data: new Float32Array(512).fill(value) }];
const first = (r: { outputs: HostTensor[] }) => (r.outputs[0].data as Float32Array)[0];

test('a lone batch runs on the wide session; batches that queue run side by side on the narrow ones, never beside the wide one', async (t) => {
  buildRuntime();
  const lines: string[] = [];
  const pool = new WorkerPool(path.join(ROOT, 'dist', 'serving', 'inference-thread.js'), { modelPath: writeSlowModel(tempDir(t), 300), intraOpThreads: 2 }, 1, new Logger('info', (text) => { lines.push(text); }));
  await pool.start();
  t.after(() => pool.close());
  assert.equal(pool.idleCount, 1);
  await pool.addNarrow(2);
  assert.equal(pool.narrowCount, 2);
  assert.equal(pool.idleCount, 2, 'what can start now is the narrow sessions');

  const lone = await pool.run(row(0.5), true);
  assert.equal(lone.ranOn, 'wide', 'nothing else queued: every thread on the one request');

  const a = pool.run(row(0.5));
  const b = pool.run(row(-0.5));
  assert.equal(pool.idleCount, 0, 'both narrow sessions busy: the wide one is not put to work beside them');
  await assert.rejects(pool.run(row(0.1)), /No inference thread can take a batch/);
  const [ra, rb] = await Promise.all([a, b]);
  assert.deepEqual([ra.ranOn, rb.ranOn], ['narrow', 'narrow']);
  assert.ok(first(ra) !== 0 && first(rb) === -first(ra), `each got its own answer (the model is odd): ${first(ra)} vs ${first(rb)}`);
  assert.ok(Math.abs(first(ra) - first(lone)) < 1e-4, 'narrow and wide sessions compute the same');

  // A lone batch on the wide session, then one more arrives: it goes to a narrow session, not behind the wide run.
  const wide = pool.run(row(0.25), true);
  assert.equal(pool.idleCount, 2);
  const beside = await pool.run(row(0.25));
  assert.equal(beside.ranOn, 'narrow');
  assert.equal((await wide).ranOn, 'wide');

  await pool.dropNarrow();
  assert.equal(pool.narrowCount, 0);
  assert.equal(pool.idleCount, 1);
  assert.equal((await pool.run(row(0.5))).ranOn, 'wide');
  assert.deepEqual(lines, [], 'nothing went wrong on the way');
});

test('side by side is not measured for a long run, past 4 CPUs, or when the copies would not fit the memory limit or the free memory', () => {
  const base = { budget: 2, runMs: 5, modelBytes: 20e6, rssBytes: 200e6, limitBytes: null, freeBytes: 8e9 };
  assert.equal(sideBySideSkip(base), null);
  assert.match(sideBySideSkip({ ...base, budget: 16 }) ?? '', /^16 CPUs: a copy of the model per CPU is more memory than it is worth past 4$/);
  assert.equal(sideBySideSkip({ ...base, budget: 4 }), null);
  assert.match(sideBySideSkip({ ...base, freeBytes: 100e6 }) ?? '', /would take over half of the 95 MB this machine has free/);
  assert.match(sideBySideSkip({ ...base, runMs: 120 }) ?? '', /a run takes 120 ms, over 50 ms/);
  assert.match(sideBySideSkip({ ...base, modelBytes: 200e6, limitBytes: 1024 * 1024 * 1024 }) ?? '', /2 more copies of the model \(about 763 MB\) would not fit the 1024 MB memory limit/);
  assert.equal(sideBySideSkip({ ...base, limitBytes: 1024 * 1024 * 1024 }), null);
});

test('side by side is dropped when the sessions, once they have run, leave under 20% of the memory limit, or take half the free memory', async (t) => {
  buildRuntime();
  const pool = new WorkerPool(path.join(ROOT, 'dist', 'serving', 'inference-thread.js'), { modelPath: writeSlowModel(tempDir(t), 50), intraOpThreads: 2 }, 1, new Logger('info', () => {}));
  await pool.start();
  t.after(() => pool.close());
  const inputs = [{ name: 'x', isTensor: true, elementType: 'float32' as const, dims: ['batch', 512] }];
  // The file is small (the check before measuring passes); what the sessions take once run is what counts.
  const readings = [300e6, 900e6];
  const decided = await chooseSideBySide(pool, inputs, { budget: 2, runMs: 1, modelBytes: 1e6, rssBytes: 300e6, limitBytes: 1e9, freeBytes: 8e9, readRss: () => readings.shift() ?? 900e6 });
  assert.equal(decided?.adopted, false);
  assert.match(decided?.reason ?? '', /, but they take 572 MB more memory, which leaves under 20% of the 954 MB memory limit: one session serves every request$/);
  assert.equal(pool.narrowCount, 0, 'the narrow sessions were ended');
  assert.equal((await pool.run(row(0.5), true)).ranOn, 'wide');
  // Without a container limit (a laptop): the same, against the memory the machine had free.
  const laptop = [300e6, 900e6];
  const onLaptop = await chooseSideBySide(pool, inputs, { budget: 2, runMs: 1, modelBytes: 1e6, rssBytes: 300e6, limitBytes: null, freeBytes: 1e9, readRss: () => laptop.shift() ?? 900e6 });
  assert.match(onLaptop?.reason ?? '', /, but they take 572 MB more memory, over half of the 954 MB this machine had free: one session serves every request$/);
  assert.equal(pool.narrowCount, 0);
});

test('in the server: a model that does not batch is measured side by side, says so, and every concurrent request gets its own answer', async (t) => {
  const model = writeSlowModel(tempDir(t), 300);
  const server = await startServer(t, { args: ['--model', model], env: { MODELDOCK_MAX_BATCH_SIZE: '1', MODELDOCK_THREADS: '2' } });
  const ready = server.logs.find((l) => l.event === 'ready')!;
  const cpus = ready.cpus as number;
  if (cpus >= 2) {
    const sideBySide = ready.sideBySide as { adopted: boolean; workers: number; reason: string };
    assert.equal(sideBySide.workers, 2);
    assert.match(sideBySide.reason, /^2 one-thread sessions side by side gave [\d,]+ runs\/s vs [\d,]+ for the 2-thread session \([+-]\d+%\)(; they take \d+ MB more memory$|: more than 15% slower)/);
  }
  // Pairs x, -x of different sizes: the model is odd (f(-x) = -f(x)), so each pair's answers mirror each other.
  const values = Array.from({ length: 40 }, (_, i) => (i % 2 ? -1 : 1) * (0.1 + Math.floor(i / 2) / 50));
  const answers = await Promise.all(values.map((v) => postJson(`${server.url}/predict`, { instances: [new Array(512).fill(v)] })));
  const outs = answers.map((a) => { assert.equal(a.status, 200); return (a.body as { predictions: number[][] }).predictions[0][0]; });
  for (let i = 0; i < values.length; i += 2) assert.ok(Math.abs(outs[i] + outs[i + 1]) < 1e-4, `the answers for ${values[i]} and ${values[i + 1]} mirror each other`);
  const reference = await postJson(`${server.url}/predict`, { instances: [new Array(512).fill(values[3])] });
  assert.ok(Math.abs((reference.body as { predictions: number[][] }).predictions[0][0] - outs[3]) < 1e-4, 'the same input gives the same answer on any session');

  const off = await startServer(t, { args: ['--model', model], env: { MODELDOCK_MAX_BATCH_SIZE: '1', MODELDOCK_SIDE_BY_SIDE: 'off' } });
  assert.equal(off.logs.find((l) => l.event === 'ready')!.sideBySide, undefined);
});

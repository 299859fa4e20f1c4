import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { HostTensor } from '../../main/inference/host-tensor';
import { encodeModel, floatTensor, tensorInfo, type ModelDef } from '../../main/model/onnx-writer';
import { Logger } from '../../resources/serving/src/log';
import { WorkerPool } from '../../resources/serving/src/worker-pool';
import { ROOT, buildRuntime, postJson, startServer, tempDir, writeSlowModel } from './serving-support';

/**
 * Run-ahead (worker-pool.ts, inference-placement.ts): a busy inference thread holds the next batch, for models short
 * enough that the round trip between runs matters. The pool with a real inference thread, then the whole server.
 */

/** The real inference thread, with a model slow enough (several ms per run) that the second batch waits on the first. */
const rows = (value: number): HostTensor[] => [{ name: 'x', elementType: 'float32', dims: [1, 512], data: new Float32Array(512).fill(value) }];

test('an inference thread runs a batch queued behind its current one next, in order, and says how long it waited', async (t) => {
  buildRuntime();
  const model = writeSlowModel(tempDir(t), 600);
  const lines: string[] = [];
  const pool = new WorkerPool(path.join(ROOT, 'dist', 'serving', 'inference-thread.js'), { modelPath: model, intraOpThreads: 1 }, 1, new Logger('info', (text) => { lines.push(text); }));
  await pool.start();
  t.after(() => pool.close());
  assert.equal(pool.aheadSlots, 0, 'run-ahead is off until placement turns it on');
  pool.runAhead = true;

  assert.equal(pool.idleCount, 1);
  let firstAnsweredAt = 0;
  const first = pool.run(rows(0.5)).then((r) => { firstAnsweredAt = performance.now(); return r; });
  assert.equal(pool.idleCount, 0);
  assert.equal(pool.aheadSlots, 1, 'a busy thread still has room for one batch to run next');
  const secondSentAt = performance.now();
  const second = pool.run(rows(-0.5));
  assert.equal(pool.aheadSlots, 0);
  await assert.rejects(pool.run(rows(0.3)), /No inference thread can take a batch/, 'never more than one batch waits on a thread');

  const [a, b] = await Promise.all([first, second]);
  assert.equal(a.waitedMs, 0, 'the first went to an idle thread');
  // The second waited from its sending until the first's answer came back (the moment its thread went on to it).
  // Bounded by what the test saw, not by the run's length: on a loaded machine this thread may be descheduled for
  // longer than a run between sending the two.
  const waited = b.waitedMs ?? 0;
  assert.ok(waited > 0 && waited <= firstAnsweredAt - secondSentAt, `the second waited ${waited} ms; the first was answered ${firstAnsweredAt - secondSentAt} ms after it was sent`);
  const first0 = (a.outputs[0].data as Float32Array)[0];
  const second0 = (b.outputs[0].data as Float32Array)[0];
  assert.ok(first0 !== 0, 'a real output, not zeros');
  assert.ok(second0 === -first0, `each batch got its own answer: the model is odd, f(-x) = -f(x) (${first0} vs ${second0})`);
  assert.equal(pool.idleCount, 1, 'both answered: the thread is idle again');
  assert.deepEqual(lines, [], 'nothing went wrong on the way');
});

/** x [1, 4] -> x W: a model that cannot batch (its first axis is fixed at 1) and answers in microseconds. */
function writeFixedRowModel(dir: string): { file: string; w: number[] } {
  const w = [0.5, -1, 2, 1.5, 0.25, -0.5, -2, 1, 0.75, 1, -1.5, 0.5];
  const model: ModelDef = {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    graph: {
      name: 'fixed-row',
      nodes: [{ opType: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }],
      inputs: [tensorInfo('x', 'float32', [1, 4])],
      outputs: [tensorInfo('y', 'float32', [1, 3])],
      initializers: [floatTensor('W', [4, 3], w)],
    },
  };
  const file = path.join(dir, 'fixed-row.onnx');
  fs.writeFileSync(file, encodeModel(model));
  return { file, w };
}

test('in the server: a short model in inference threads runs ahead, and 200 concurrent requests each get their own answer', async (t) => {
  const { file, w } = writeFixedRowModel(tempDir(t));
  const server = await startServer(t, { args: ['--model', file], env: { MODELDOCK_INFERENCE: 'threads' } });
  const ready = server.logs.find((l) => l.event === 'ready');
  assert.match(String(ready?.inference), /a busy thread holds the next batch/);
  const inputs = Array.from({ length: 200 }, (_, i) => [i, 1, -i / 2, 3]);
  const answers = await Promise.all(inputs.map((x) => postJson(`${server.url}/predict`, { instances: [x] })));
  answers.forEach((a, i) => {
    assert.equal(a.status, 200);
    const expected = [0, 1, 2].map((j) => inputs[i].reduce((sum, v, k) => sum + v * w[k * 3 + j], 0));
    assert.deepEqual(a.body.predictions[0].map((v: number) => Math.round(v * 1000) / 1000), expected.map((v) => Math.round(v * 1000) / 1000), `request ${i}`);
  });
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const queued = Number(/^modeldock_queue_duration_seconds_count (\S+)$/m.exec(text)?.[1]);
  assert.ok(queued >= 200, `every request's queue time observed once: ${queued}`);
});

test('in the server: a slow model keeps one batch per thread (no run-ahead)', async (t) => {
  const server = await startServer(t, { args: ['--model', writeSlowModel(tempDir(t), 600)], env: { MODELDOCK_MAX_BATCH_SIZE: '1' } });
  const ready = server.logs.find((l) => l.event === 'ready');
  assert.match(String(ready?.inference), /^inference threads \(a 1-row run takes/);
  assert.doesNotMatch(String(ready?.inference), /holds the next batch/);
});

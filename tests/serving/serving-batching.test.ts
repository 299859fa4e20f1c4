import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { HostTensor } from '../../main/inference/host-tensor';
import type { IoMeta } from '../../main/inference/worker-protocol';
import { calibrateBatching } from '../../resources/serving/src/batch-calibration';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { startServer } from './serving-support';

const inputs: IoMeta[] = [{ name: 'x', isTensor: true, elementType: 'float32', dims: [null, 4] }];

/** A stand-in for the pool whose runs report `msFor(rows)` inside session.run; records the rows of every run. */
function fakePool(msFor: (rows: number) => number) {
  const seen: number[] = [];
  return {
    seen,
    run: async (feeds: HostTensor[]) => {
      const rows = feeds[0].dims[0] as number;
      seen.push(rows);
      return { ms: msFor(rows) };
    },
  };
}

test('calibration turns batching off when a run of 8 rows costs 8 runs of 1, and keeps it when rows are nearly free', async () => {
  const linear = fakePool((rows) => rows * 20);
  const off = await calibrateBatching(linear, inputs, true, 32);
  assert.equal(off.configured, 32);
  assert.equal(off.effective, 1);
  assert.match(off.reason, /batching is off/);
  assert.ok(linear.seen.includes(1) && linear.seen.includes(8), `probed ${linear.seen.join(',')}`);

  const flat = fakePool(() => 20);
  const on = await calibrateBatching(flat, inputs, true, 32);
  assert.deepEqual([on.configured, on.effective], [32, 32]);
  assert.match(on.reason, /8 rows per run/);

  // The probe never exceeds the configured size, and size 1 or a model without a batch axis is not probed.
  const small = fakePool(() => 4);
  assert.equal((await calibrateBatching(small, inputs, true, 4)).effective, 4);
  assert.ok(small.seen.every((r) => r <= 4));
  const none = fakePool(() => 4);
  assert.equal((await calibrateBatching(none, inputs, true, 1)).effective, 1);
  assert.equal((await calibrateBatching(none, inputs, false, 32)).effective, 32);
  assert.deepEqual(none.seen, []);

  // A failing run keeps the configured size, with the reason.
  const failing = { run: () => Promise.reject(new Error('boom')) };
  const kept = await calibrateBatching(failing, inputs, true, 16);
  assert.equal(kept.effective, 16);
  assert.match(kept.reason, /calibration failed \(boom\)/);
});

test('calibration times 1-row runs back to back, as unbatched serving runs them: a run slow only after a run of another size does not turn batching on', async () => {
  // Like the benchmark's CNN: 8 rows cost 8 single runs, but the first run after a change of size pays extra
  // (caches, ONNX Runtime's buffers). One isolated 1-row run would read 25 ms against 20.6 per row for the 8-row run.
  let last = 0;
  const recooling = fakePool((rows) => {
    const ms = rows * 20 + (rows !== last ? 5 : 0);
    last = rows;
    return ms;
  });
  const decision = await calibrateBatching(recooling, inputs, true, 32);
  assert.equal(decision.effective, 1, decision.reason);
  assert.match(decision.reason, /less than \+20%, so batching is off/);
});

test('the ready line reports the batching decision; a small model keeps its configured batch size', async (t) => {
  const fixtures = await ensureFixtures();
  const server = await startServer(t, { args: ['--model', path.join(fixtures, 'iris.onnx')], env: { MODELDOCK_MAX_BATCH_SIZE: '16' } });
  const ready = server.logs.find((l) => l.event === 'ready')!;
  const batching = ready.batching as { maxBatchSize: number; configured: number; effective: number; reason: string };
  assert.equal(batching.configured, 16);
  assert.equal(batching.effective, 16, batching.reason);
  assert.equal(batching.maxBatchSize, batching.effective);
  assert.match(batching.reason, /8 rows per run gave [\d,]+ rows\/s vs [\d,]+ for 1 row/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogBuffer, describeEvent } from '../../main/serving/log-buffer';
import { readyPlan } from '../../main/serving/ready-plan';

// Shaped like resources/serving/src/main.ts's "ready" line.
const tiny = {
  event: 'ready', loadMs: 43, warmupMs: 8, workers: 0, intraOpThreads: 1, cpus: 2,
  inference: 'server thread (a 32-row run takes 0.011 ms, under 0.25 ms: a hand-off to a thread would cost more; ONNX Runtime called synchronously)',
  batching: { maxBatchSize: 32, maxBatchDelayMs: 0, configured: 32, effective: 32, reason: '8 rows per run gave 80687 rows/s vs 9000 for 1 row (+797%)' },
};

test('a tiny model: on the server thread, batching on, with the measured reasons', () => {
  assert.deepEqual(readyPlan(tiny), {
    inference: tiny.inference, onServerThread: true, workers: 0, intraOpThreads: 1, cpus: 2,
    batching: { configured: 32, effective: 32, maxBatchDelayMs: 0, reason: tiny.batching.reason },
    sideBySide: null,
  });
});

test('a model that does not batch, with the side-by-side decision (kept or not); a malformed one reads as absent', () => {
  const reason = '2 one-thread sessions side by side gave 237 runs/s vs 217 for the 2-thread session (+9%)';
  const line = { ...tiny, workers: 1, intraOpThreads: 2, inference: 'inference threads (a 1-row run takes 4.1 ms)', batching: { ...tiny.batching, effective: 1 }, sideBySide: { adopted: true, workers: 2, reason } };
  assert.deepEqual(readyPlan(line)?.sideBySide, { adopted: true, workers: 2, reason });
  assert.match(describeEvent(line), /; batching off \(it does not pay for this model\); under load 2 one-thread sessions side by side$/);
  assert.equal(readyPlan({ ...line, sideBySide: { ...line.sideBySide, adopted: false } })?.sideBySide?.adopted, false);
  assert.doesNotMatch(describeEvent({ ...line, sideBySide: { ...line.sideBySide, adopted: false } }), /under load/);
  assert.equal(readyPlan({ ...line, sideBySide: { adopted: 'yes' } })?.sideBySide, null);
});

test('a CNN in threads with batching calibrated off, and a model that cannot batch', () => {
  const cnn = readyPlan({ ...tiny, workers: 1, intraOpThreads: 2, inference: 'inference threads (a 1-row run takes 5.018 ms)', batching: { ...tiny.batching, effective: 1, reason: '8 rows per run gave 211 rows/s vs 201 for 1 row (+5%): less than +20%, so batching is off' } });
  assert.equal(cnn?.onServerThread, false);
  assert.equal(cnn?.workers, 1);
  assert.equal(cnn?.batching?.effective, 1);
  assert.equal(readyPlan({ ...tiny, batching: false })?.batching, null);
});

test('a line without the plan (another runtime version, a malformed field) gives null, never a half plan', () => {
  assert.equal(readyPlan(null), null);
  assert.equal(readyPlan({ event: 'ready', loadMs: 1 }), null);
  assert.equal(readyPlan({ ...tiny, workers: -1 }), null);
  assert.equal(readyPlan({ ...tiny, inference: 3 }), null);
  assert.equal(readyPlan({ ...tiny, batching: { effective: 2 } }), null);
  assert.equal(readyPlan({ ...tiny, batching: undefined }), null);
});

test('the log panel and `modeldock serve` describe the ready line with the plan in brief', () => {
  assert.equal(describeEvent(tiny), 'ready: model loaded in 43 ms, warm-up 8 ms; inference on the server thread; batching up to 32 rows per call');
  const cnn = { ...tiny, workers: 1, intraOpThreads: 2, inference: 'inference threads (a 1-row run takes 5.018 ms)', batching: { ...tiny.batching, effective: 1 } };
  assert.match(describeEvent(cnn), /; inference in 1 thread of 2 ONNX Runtime threads; batching off \(it does not pay for this model\)$/);
  assert.equal(describeEvent({ event: 'ready', loadMs: 43 }), 'ready: model loaded in 43 ms');
});

test('a log buffer keeps the plan of the latest ready line, after the line itself has scrolled out', () => {
  const logs = new LogBuffer(3);
  const before = logs.plan;
  assert.equal(before, null, 'no plan before a ready line');
  logs.push(JSON.stringify(tiny), 'stdout');
  for (let i = 0; i < 5; i++) logs.push(JSON.stringify({ event: 'request', level: 'info', status: 200 }), 'stdout');
  assert.equal(logs.tail(10).some((l) => l.event === 'ready'), false, 'the ready line is gone from the buffer');
  assert.equal(logs.plan?.onServerThread, true);
  assert.equal(logs.plan?.batching?.effective, 32);
  // A restarted runtime's new line replaces it; a ready line on stderr (not the runtime's log) does not.
  logs.push(JSON.stringify({ ...tiny, workers: 1, inference: 'inference threads (a 1-row run takes 5 ms)' }), 'stdout');
  logs.push(JSON.stringify({ ...tiny, workers: 3 }), 'stderr');
  assert.equal(logs.plan?.workers, 1);
});

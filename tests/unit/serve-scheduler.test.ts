import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostTensor } from '../../main/inference/host-tensor';
import { Scheduler } from '../../resources/serving/src/scheduler';
import type { InferenceRunner, RunOutput } from '../../resources/serving/src/worker-pool';

const row = (v: number): HostTensor[] => [{ name: 'x', elementType: 'float32', dims: [1, 2], data: Float32Array.from([v, -v]) }];

/** A runner that computes inside run() (like the server-thread session): doubles its input, records rows per run. */
function syncRunner(): InferenceRunner & { runs: number[] } {
  const runs: number[] = [];
  return {
    runs,
    formsBatchAtTurnEnd: true,
    idleCount: 1,
    threadCount: 1,
    onIdle: () => {},
    close: async () => {},
    run(feeds: HostTensor[]): Promise<RunOutput> {
      const x = feeds[0];
      runs.push(x.dims[0] as number);
      const data = Float32Array.from(x.data as Float32Array, (v) => v * 2);
      return Promise.resolve({ outputs: [{ name: 'y', elementType: 'float32', dims: x.dims, data }], ms: 0.01 });
    },
  };
}

const options = { batchable: true, singleRow: false, maxBatchSize: 32, maxBatchDelayMs: 0, maxQueue: 100 };

test('with a runner that computes in the call, every request of one event-loop turn joins one batch', async () => {
  const runner = syncRunner();
  const scheduler = new Scheduler(runner, options, null);
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => scheduler.submit(row(i), 1)));
  assert.deepEqual(runner.runs, [10], 'one run of all ten, not a run of one followed by the rest');
  answers.forEach((a, i) => {
    assert.deepEqual([...a.outputs[0].data as Float32Array], [2 * i, -2 * i], `request ${i} gets its own rows back`);
    assert.equal(a.batchRows, 10);
  });
  // A later turn is a batch of its own.
  await scheduler.submit(row(7), 1);
  assert.deepEqual(runner.runs, [10, 1]);
});

test('a turn with more rows than the largest batch becomes several full batches, run in the same turn', async () => {
  const runner = syncRunner();
  const scheduler = new Scheduler(runner, { ...options, maxBatchSize: 4 }, null);
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => scheduler.submit(row(i), 1)));
  assert.deepEqual(runner.runs, [4, 4, 2]);
  assert.deepEqual(answers.map((a) => (a.outputs[0].data as Float32Array)[0]), Array.from({ length: 10 }, (_, i) => 2 * i));
});

test('a run that throws fails only the requests of its batch, and the next turn runs again', async () => {
  const runner = syncRunner();
  const good = runner.run.bind(runner);
  let fail = true;
  runner.run = (feeds) => (fail ? Promise.reject(new Error('bad batch')) : good(feeds));
  const scheduler = new Scheduler(runner, options, null);
  const first = await Promise.allSettled([scheduler.submit(row(1), 1), scheduler.submit(row(2), 1)]);
  assert.deepEqual(first.map((r) => r.status), ['rejected', 'rejected']);
  fail = false;
  const again = await scheduler.submit(row(3), 1);
  assert.deepEqual([...again.outputs[0].data as Float32Array], [6, -6]);
});

/**
 * A runner shaped like the inference-thread pool with one thread: runs finish when the test says so, and a busy
 * thread takes one more batch to run next (run-ahead).
 */
function threadRunner(): InferenceRunner & { runs: number[]; finishOne: () => void } {
  const waiting: Array<{ feeds: HostTensor[]; resolve: (value: RunOutput) => void }> = [];
  const runner = {
    runs: [] as number[],
    threadCount: 1,
    onIdle: () => {},
    close: async () => {},
    get idleCount() { return waiting.length === 0 ? 1 : 0; },
    get aheadSlots() { return waiting.length === 1 ? 1 : 0; },
    run(feeds: HostTensor[]): Promise<RunOutput> {
      if (waiting.length >= 2) return Promise.reject(new Error('overfull'));
      runner.runs.push(feeds[0].dims[0] as number);
      return new Promise<RunOutput>((resolve) => { waiting.push({ feeds, resolve }); });
    },
    finishOne() {
      const next = waiting.shift()!;
      const x = next.feeds[0];
      next.resolve({ outputs: [{ name: 'y', elementType: 'float32', dims: x.dims, data: Float32Array.from(x.data as Float32Array, (v) => v * 2) }], ms: 1, waitedMs: 0 });
      runner.onIdle();
    },
  };
  return runner;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('without batching, a busy thread takes the next request to run next, and the one after waits in the queue', async () => {
  const runner = threadRunner();
  const scheduler = new Scheduler(runner, { ...options, batchable: false }, null);
  const answers = [1, 2, 3].map((v) => scheduler.submit(row(v), 1));
  await tick();
  assert.deepEqual(runner.runs, [1, 1], 'the first runs, the second went ahead');
  assert.equal(scheduler.depth, 1, 'the third waits: a thread holds at most one batch ahead');
  runner.finishOne();
  await tick();
  assert.deepEqual(runner.runs, [1, 1, 1], 'a slot freed, so the third went ahead');
  runner.finishOne();
  runner.finishOne();
  const values = (await Promise.all(answers)).map((a) => (a.outputs[0].data as Float32Array)[0]);
  assert.deepEqual(values, [2, 4, 6]);
});

test('with batching, only a full batch runs ahead: a short one waits for the thread and grows meanwhile', async () => {
  const runner = threadRunner();
  const scheduler = new Scheduler(runner, { ...options, maxBatchSize: 4 }, null);
  const answers = [scheduler.submit(row(0), 1)];
  await tick();
  assert.deepEqual(runner.runs, [1]);
  for (let i = 1; i <= 3; i++) answers.push(scheduler.submit(row(i), 1));
  await tick();
  assert.deepEqual(runner.runs, [1], 'three rows are short of four: they wait');
  answers.push(scheduler.submit(row(4), 1));
  await tick();
  assert.deepEqual(runner.runs, [1, 4], 'four rows make a full batch, which goes ahead');
  answers.push(scheduler.submit(row(5), 1));
  runner.finishOne();
  await tick();
  assert.deepEqual(runner.runs, [1, 4], 'one row is short, and the thread is not idle yet: it waits');
  runner.finishOne();
  await tick();
  assert.deepEqual(runner.runs, [1, 4, 1], 'the thread is idle: the short batch goes');
  runner.finishOne();
  const values = (await Promise.all(answers)).map((a) => (a.outputs[0].data as Float32Array)[0]);
  assert.deepEqual(values, [0, 2, 4, 6, 8, 10]);
});

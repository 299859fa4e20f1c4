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

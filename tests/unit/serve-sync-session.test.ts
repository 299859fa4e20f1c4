import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { createServingSession } from '../../resources/serving/src/ort-session';
import { openSyncSession } from '../../resources/serving/src/sync-session';
import { ensureFixtures } from '../fixtures/make-fixtures';

test('the synchronous native session answers exactly as the public InferenceSession does', async () => {
  const model = path.join(await ensureFixtures(), 'iris.onnx');
  const sync = openSyncSession(model);
  assert.ok(sync, 'this onnxruntime-node exposes the binding the runtime expects');
  const session = await createServingSession(model, 1);
  try {
    for (const rows of [1, 3, 32]) {
      const data = Float32Array.from({ length: rows * 4 }, (_, i) => ((i * 7) % 13) / 2);
      const feeds = () => ({ [session.inputNames[0]]: new ort.Tensor('float32', data.slice(), [rows, 4]) });
      const expected = await session.run(feeds(), [...session.outputNames]);
      const got = sync.run(feeds(), [...session.outputNames]);
      assert.deepEqual(Object.keys(got), Object.keys(expected));
      for (const name of session.outputNames) {
        assert.deepEqual(got[name].dims, expected[name].dims);
        assert.deepEqual([...got[name].data as Float32Array], [...expected[name].data as Float32Array]);
      }
    }
    // A wrong shape is an ordinary exception naming the input, not a crash.
    assert.throws(() => sync.run({ input: new ort.Tensor('float32', new Float32Array(3), [1, 3]) }, ['probabilities']), /input/);
  } finally {
    sync.release();
    await session.release();
  }
});

test('MODELDOCK_ORT_SYNC=0 keeps to the public API', async () => {
  const model = path.join(await ensureFixtures(), 'iris.onnx');
  process.env.MODELDOCK_ORT_SYNC = '0';
  try {
    assert.equal(openSyncSession(model), null);
  } finally {
    delete process.env.MODELDOCK_ORT_SYNC;
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { servingSessionOptions } from '../../resources/serving/src/ort-session';

test('serving sessions run without the memory arena and without spinning threads unless the environment asks', (t) => {
  const saved = { arena: process.env.MODELDOCK_ORT_ARENA, spin: process.env.MODELDOCK_ORT_SPIN };
  t.after(() => {
    for (const [key, value] of [['MODELDOCK_ORT_ARENA', saved.arena], ['MODELDOCK_ORT_SPIN', saved.spin]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  delete process.env.MODELDOCK_ORT_ARENA;
  delete process.env.MODELDOCK_ORT_SPIN;
  const plain = servingSessionOptions(3);
  assert.equal(plain.intraOpNumThreads, 3);
  assert.equal(plain.interOpNumThreads, 1);
  assert.equal(plain.enableCpuMemArena, false, 'the arena would keep the largest batch\'s buffers for good');
  assert.deepEqual(plain.extra, { session: { intra_op: { allow_spinning: '0' } } });

  process.env.MODELDOCK_ORT_ARENA = '1';
  process.env.MODELDOCK_ORT_SPIN = '1';
  const asked = servingSessionOptions(1);
  assert.equal(asked.enableCpuMemArena, true);
  assert.deepEqual(asked.extra, { session: { intra_op: { allow_spinning: '1' } } });
});

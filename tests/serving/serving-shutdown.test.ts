import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { startServer, waitFor } from './serving-support';

/** One V2 binary request for cnn.onnx ("image" float32 [batch,3,32,32]): `rows` images of a seeded pattern. */
async function inferBinary(url: string, rows: number): Promise<{ status: number; shape: number[] }> {
  const values = new Float32Array(rows * 3 * 32 * 32);
  for (let i = 0; i < values.length; i++) values[i] = ((i * 7919) % 255) / 255;
  const header = Buffer.from(JSON.stringify({
    inputs: [{ name: 'image', shape: [rows, 3, 32, 32], datatype: 'FP32', parameters: { binary_data_size: values.byteLength } }],
  }));
  const response = await fetch(`${url}/v2/models/cnn/infer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) },
    body: Buffer.concat([header, Buffer.from(values.buffer)]),
  });
  const body = await response.json() as { outputs?: Array<{ shape: number[] }> };
  return { status: response.status, shape: body.outputs?.[0]?.shape ?? [] };
}

for (const workers of ['1', '2']) {
  test(`SIGTERM after serving the CNN (${workers} worker${workers === '1' ? '' : 's'}): the sessions are released and the process exits 0`, async (t) => {
    const fixtures = await ensureFixtures();
    const server = await startServer(t, { args: ['--model', path.join(fixtures, 'cnn.onnx')], env: { MODELDOCK_WORKERS: workers } });
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => inferBinary(server.url, 1 + (i % 3))));
    for (const [i, answer] of answers.entries()) {
      assert.equal(answer.status, 200);
      assert.equal(answer.shape[0], 1 + (i % 3), 'one output row per image');
    }
    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0, `exit code; stderr: ${server.stderr()}`);
    assert.doesNotMatch(server.stderr(), /terminate called|Napi::Error|Aborted/);
    await waitFor(() => server.logs.some((l) => l.event === 'shutdown' && l.phase === 'done'), 'the shutdown done line');
    const done = server.logs.filter((l) => l.event === 'shutdown').pop()!;
    assert.equal(done.signal, 'SIGTERM');
    assert.equal(done.drained, true);
    assert.equal(done.abandoned, 0);
  });
}

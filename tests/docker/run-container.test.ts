// container.run and friends against the real engine: the iris image runs on 127.0.0.1 with CPU/memory limits,
// answers the lesson's /predict and V2 infer, streams logs and stats, takes a load test (kept in the history),
// and stops gracefully: a request in flight when the stop began still gets its answer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import Docker from 'dockerode';
import { createEngine } from '../../main/engine/engine';
import { MANAGED_LABEL } from '../../main/docker/labels';
import { tarStream } from '../../main/docker/tar-stream';
import { useServingImage } from './support/serving-image';

const docker = new Docker();

async function gone(id: string): Promise<boolean> {
  try {
    await docker.getContainer(id).inspect();
    return false;
  } catch (error) {
    return (error as { statusCode?: number }).statusCode === 404;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a serving container on 127.0.0.1', () => {
  const fx = useServingImage('modeldock-run-');

  it('runs with limits and labels on a loopback port, answers /predict and V2 infer, then stops and is removed', async () => {
    const steps: string[] = [];
    const status = await fx.engine.invoke('container.run', { image: fx.image.reference, cpus: 1, memoryMB: 256 }, { onProgress: (p) => steps.push(p.step) });
    assert.equal(status.state, 'ready');
    assert.match(status.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(steps.length, 4);
    assert.ok(status.readyMs !== null && status.readyMs < 20_000, `ready in ${status.readyMs} ms`);
    assert.equal(status.modelName, 'iris');
    // What the runtime decided at warm-up, read from its ready line: the CPU it sees is the container's limit.
    const plan = await waitFor('the serving plan', async () => (await fx.engine.invoke('container.status', { id: status.id })).plan);
    assert.equal(plan.cpus, 1);
    assert.ok(plan.batching && plan.batching.effective >= 1, 'iris can batch; the plan says how far');

    const info = await docker.getContainer(status.id).inspect();
    assert.equal(info.HostConfig.NanoCpus, 1e9);
    assert.equal(info.HostConfig.Memory, 256 * 1024 * 1024);
    const binding = Object.values(info.HostConfig.PortBindings ?? {})[0] as Array<{ HostIp: string }>;
    assert.equal(binding[0].HostIp, '127.0.0.1', 'published on loopback only');
    assert.equal(info.Config.Labels[MANAGED_LABEL], 'true');
    assert.deepEqual(info.HostConfig.CapDrop, ['ALL']);
    assert.match(info.Config.User, /^10001/, 'runs as the non-root runtime user');

    const lesson = await fetch(`${status.url}/predict`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] }),
    });
    assert.equal(lesson.status, 200);
    assert.deepEqual(((await lesson.json()) as { labels: string[] }).labels, ['setosa', 'virginica']);

    const v2 = await fetch(`${status.url}/v2/models/iris/infer`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [6.0, 2.7, 4.1, 1.3] }] }),
    });
    assert.equal(v2.status, 200);
    const answer = (await v2.json()) as { outputs: Array<{ shape: number[]; data: number[] }> };
    assert.deepEqual(answer.outputs[0].shape, [1, 3]);
    const scores = answer.outputs[0].data;
    assert.equal(scores.indexOf(Math.max(...scores)), 1, 'versicolor');

    const tried = await fx.engine.invoke('container.try', { id: status.id, protocol: 'v2', body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] }) });
    assert.equal(tried.status, 200);
    assert.equal(tried.prediction?.label, 'setosa', 'class names read from the config inside the image');
    const sample = await fx.engine.invoke('container.try', { id: status.id, protocol: 'v1' });
    assert.equal(sample.status, 200, sample.body);
    assert.match(sample.request.url, /\/v1\/models\/iris:predict$/);

    const logs = await waitFor('the request log lines', async () => {
      const got = await fx.engine.invoke('container.logs', { id: status.id });
      return got.lines.some((l) => l.event === 'ready') && got.lines.some((l) => /POST \/predict 200/.test(l.message)) ? got : null;
    });
    // Inside the image too (its own copy of onnxruntime-node), the tiny model runs on the server thread through the
    // synchronous native session, not the slower public-API fallback.
    const ready = logs.lines.find((l) => l.event === 'ready')!;
    assert.match(String((JSON.parse(ready.raw) as { inference?: string }).inference), /^server thread .*ONNX Runtime called synchronously/);
    assert.ok(logs.nextSeq >= logs.lines.length);
    const later = await fx.engine.invoke('container.logs', { id: status.id, afterSeq: logs.nextSeq });
    assert.ok(later.lines.every((l) => l.seq > logs.nextSeq), 'only lines after the sequence number');

    const stats = await waitFor('a stats sample', async () => {
      const s = await fx.engine.invoke('container.stats', { id: status.id });
      return s.history.length > 0 ? s : null;
    });
    assert.equal(stats.state, 'ready');
    assert.ok(stats.latest!.memoryBytes > 1024 * 1024, 'the server uses some memory');
    assert.equal(stats.latest!.memoryLimitBytes, 256 * 1024 * 1024);
    assert.ok(stats.latest!.cpuCores >= 0);

    const listed = await fx.engine.invoke('container.list', {});
    assert.ok(listed.containers.some((c) => c.id === status.id && c.state === 'ready'));

    const stopped = await fx.engine.invoke('container.stop', { id: status.id });
    assert.equal(stopped.state, 'removed');
    assert.equal(stopped.exitCode, 0, 'SIGTERM: a graceful exit');
    assert.ok(await gone(status.id));
    // The log lines stay readable after the container is gone.
    const final = await fx.engine.invoke('container.logs', { id: status.id });
    assert.ok(final.lines.some((l) => l.event === 'shutdown'));
  });

  it('a load test reports requests/s and latency percentiles, and is kept with the image in the history', async () => {
    const status = await fx.engine.invoke('container.run', { image: fx.image.reference, cpus: 1 });
    const progress: number[] = [];
    const result = await fx.engine.invoke('container.loadTest', { id: status.id, concurrency: 4, durationSeconds: 2 }, { onProgress: (p) => progress.push(p.requests) });
    assert.ok(result.requests > 20, `${result.requests} requests`);
    assert.equal(result.errors, 0);
    assert.ok(result.requestsPerSecond > 10);
    assert.ok(result.p50Ms > 0 && result.p50Ms <= result.p90Ms && result.p90Ms <= result.p99Ms && result.p99Ms <= result.maxMs);
    assert.equal(result.histogram.reduce((n, b) => n + b.count, 0), result.requests - result.errors);
    assert.equal(result.cpus, 1);
    assert.equal(result.imageId, fx.image.imageId);
    assert.ok(progress.length >= 2, 'progress while it runs');
    const history = await fx.engine.invoke('image.history', {});
    const record = history.builds.find((b) => b.imageId === fx.image.imageId);
    assert.ok(record, 'the image is in the history');
    assert.ok(record.loadTests.some((l) => l.at === result.at && l.requests === result.requests), 'the load test was saved');
    // The slowest start to ready seen so far, for sizing the Kubernetes startup probe.
    assert.ok(record.coldStartMs !== null && record.coldStartMs >= (status.readyMs ?? Infinity), `cold start ${record.coldStartMs} vs ${status.readyMs}`);
    await fx.engine.invoke('container.stop', { id: status.id });
  });

  it('stop with a request in flight: the request completes, then the container is removed', async () => {
    const status = await fx.engine.invoke('container.run', { image: fx.image.reference });
    const url = new URL(`${status.url}/predict`);
    const body = Buffer.from(JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] }));
    let answered: (value: { status: number; body: string }) => void;
    const answer = new Promise<{ status: number; body: string }>((r) => { answered = r; });
    const request = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (c: string) => { text += c; });
      response.on('end', () => answered({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', (error) => answered({ status: -1, body: error.message }));
    // Half the body now: the request is in flight when the stop begins.
    request.write(body.subarray(0, 10));
    await new Promise((r) => setTimeout(r, 200));
    const stopping = fx.engine.invoke('container.stop', { id: status.id });
    await waitFor('the server to start draining', async () => {
      const logs = await fx.engine.invoke('container.logs', { id: status.id });
      return logs.lines.some((l) => l.event === 'shutdown');
    });
    request.end(body.subarray(10));
    const result = await answer;
    assert.equal(result.status, 200, result.body);
    assert.deepEqual((JSON.parse(result.body) as { labels: string[] }).labels, ['setosa']);
    const stopped = await stopping;
    assert.equal(stopped.state, 'removed');
    assert.equal(stopped.exitCode, 0);
    const logs = await fx.engine.invoke('container.logs', { id: status.id });
    const done = logs.lines.filter((l) => l.event === 'shutdown').map((l) => JSON.parse(l.raw) as { phase?: string; drained?: boolean }).find((l) => l.phase === 'done');
    assert.equal(done?.drained, true, 'the runtime drained before exiting');
  });

  it('cleanup removes stopped ModelDock containers; dispose stops and removes the running ones', async () => {
    const kept = await fx.engine.invoke('container.run', { image: fx.image.reference });
    const stopped = await fx.engine.invoke('container.stop', { id: kept.id, remove: false });
    assert.equal(stopped.state, 'exited');
    assert.equal(await gone(kept.id), false, 'kept until clean-up');
    // A dangling (untagged) image of ours, as an older build superseded by a rebuild under the same tag leaves.
    const stream = await docker.importImage(tarStream([{ type: 'file', name: 'marker.txt', source: { data: Buffer.from(String(Date.now())) } }]) as unknown as string, {
      changes: [`LABEL ${MANAGED_LABEL}=true`],
    } as unknown as object);
    const imported = await new Promise<string>((resolve, reject) => docker.modem.followProgress(stream, (error: Error | null, out: Array<{ status?: string }>) => {
      if (error) return reject(error);
      resolve(out.map((o) => o.status ?? '').find((s) => s.startsWith('sha256:')) ?? '');
    }));
    assert.match(imported, /^sha256:/);
    const cleaned = await fx.engine.invoke('container.cleanup', {});
    assert.ok(cleaned.removedContainers.includes(kept.name), JSON.stringify(cleaned));
    assert.ok(cleaned.removedImages.includes(imported), JSON.stringify(cleaned));
    assert.ok(await gone(kept.id));
    await assert.rejects(docker.getImage(imported).inspect(), /no such image/i);
    assert.ok((await docker.getImage(fx.image.reference).inspect()).Id, 'tagged images are kept');

    const other = createEngine({ shell: 'cli', dataDir: fx.dataDir });
    const running = await other.invoke('container.run', { image: fx.image.reference });
    await other.dispose();
    await other.dispose();
    assert.ok(await gone(running.id), 'dispose stopped and removed it');
  });

  it('a container from an earlier session is found by its label: status, logs and Try work', async () => {
    const first = createEngine({ shell: 'cli', dataDir: fx.dataDir });
    const started = await first.invoke('container.run', { image: fx.image.reference });
    try {
      const second = createEngine({ shell: 'cli', dataDir: fx.dataDir });
      const listed = await second.invoke('container.list', {});
      assert.ok(listed.containers.some((c) => c.id === started.id && c.state === 'ready' && c.hostPort === started.hostPort));
      const tried = await second.invoke('container.try', { id: started.id.slice(0, 12), protocol: 'lesson' });
      assert.equal(tried.status, 200);
      assert.equal(tried.prediction?.label !== undefined, true);
      const logs = await second.invoke('container.logs', { id: started.name });
      assert.ok(logs.lines.some((l) => l.event === 'ready'), 'the log is replayed from the start');
      await second.dispose();
      assert.equal(await gone(started.id), false, 'a container another session started is left running by dispose');
    } finally {
      await first.dispose();
    }
    assert.ok(await gone(started.id));
  });
});

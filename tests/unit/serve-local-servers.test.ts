// LocalServers against the real serving runtime (dist/serving/modeldock-serve.js, built here when missing):
// start -> ready, logs, metrics, a sample request in each protocol (and its curl command, run for real), stop,
// a port clash, a model the runtime cannot load, and dispose stopping everything.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine, type Engine } from '../../main/engine/engine';
import { LocalServers } from '../../main/serving/local-servers';
import { rejection } from '../support/rejection';
import { TRY_PROTOCOLS } from '../../shared/schemas/serve';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { ensureBuilt } from '../support/ensure-built';

const LABELS = ['setosa', 'versicolor', 'virginica'];
const haveCurl = fs.existsSync('/usr/bin/curl');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}


describe('serve locally with the real runtime', () => {
  let dir = '';
  let iris = '';
  let engine: Engine;

  before(async () => {
    ensureBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-serve-'));
    const fixtures = await ensureFixtures();
    iris = path.join(dir, 'iris.onnx');
    fs.copyFileSync(path.join(fixtures, 'iris.onnx'), iris);
    fs.copyFileSync(path.join(fixtures, 'random.onnx'), path.join(dir, 'random.onnx'));
    engine = createEngine({ shell: 'cli', dataDir: path.join(dir, 'data') });
  });

  after(async () => {
    await engine?.dispose();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts on a free port, reports its steps, and is ready with a URL', async () => {
    const steps: string[] = [];
    const status = await engine.invoke('serve.start', { modelPath: iris }, { onProgress: (p) => steps.push(p.step) });
    assert.equal(status.state, 'ready');
    assert.equal(status.modelName, 'iris');
    assert.match(status.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(status.pid && alive(status.pid));
    assert.deepEqual(steps, ['Reading the spec', 'Starting the server', 'Loading the model and warming up']);
    const config = JSON.parse(fs.readFileSync(status.configPath, 'utf8')) as { model: { path: string }; labels: string[] };
    assert.equal(config.model.path, iris);
    assert.deepEqual(config.labels, LABELS);
    assert.ok(status.configPath.startsWith(path.join(dir, 'data', 'serve')));
    const health = await fetch(`${status.url}/readyz`);
    assert.equal(health.status, 200);
    // What the runtime decided at warm-up, read from its "ready" line: iris is tiny and batches well.
    assert.equal(status.plan?.onServerThread, true, status.plan?.inference);
    assert.match(status.plan?.inference ?? '', /^server thread \(a \d+-row run takes [\d.]+ ms/);
    assert.ok((status.plan?.batching?.effective ?? 0) > 1, status.plan?.batching?.reason);
    assert.ok((status.plan?.cpus ?? 0) >= 1);

    const again = await engine.invoke('serve.start', { modelPath: iris });
    assert.equal(again.pid, status.pid, 'starting again returns the running server');
    const listed = await engine.invoke('serve.status', {});
    assert.equal(listed.servers.length, 1);
    assert.equal(listed.servers[0].pid, status.pid);
  });

  for (const protocol of TRY_PROTOCOLS) {
    it(`try (${protocol}): a sample request from the model's inputs answers 200 with the labelled class`, async () => {
      const example = await engine.invoke('serve.example', { modelPath: iris, protocol });
      assert.match(example.url, protocol === 'lesson' ? /\/predict$/ : protocol === 'v1' ? /\/v1\/models\/iris:predict$/ : /\/v2\/models\/iris\/infer$/);
      const result = await engine.invoke('serve.try', { modelPath: iris, protocol });
      assert.equal(result.status, 200, result.body);
      assert.ok(result.ms > 0);
      assert.ok(result.prediction && LABELS.includes(result.prediction.label ?? ''), `prediction ${JSON.stringify(result.prediction)}`);
      assert.equal(result.curl, example.curl, 'the curl command is the one for the sample body');
      if (protocol === 'v2-binary') {
        assert.match(result.request.headers['Inference-Header-Content-Length'], /^\d+$/);
        assert.match(result.note ?? '', /printf/);
        assert.match(result.curl, /^printf '.*' \| \\\n\s+curl /s);
      }

      // An edited body: a real iris-virginica flower is classified as such.
      const virginica = protocol === 'lesson' || protocol === 'v1'
        ? '{"instances": [[6.9, 3.1, 5.8, 2.2]]}'
        : '{"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [6.9, 3.1, 5.8, 2.2]}]}';
      const edited = await engine.invoke('serve.try', { modelPath: iris, protocol, body: virginica });
      assert.equal(edited.status, 200, edited.body);
      assert.equal(edited.prediction?.label, 'virginica');

      // The curl command is exact: pasted into a shell, it gets the same answer.
      if (haveCurl) {
        const editedExample = await engine.invoke('serve.example', { modelPath: iris, protocol, body: virginica });
        const out = execFileSync('/bin/sh', ['-c', editedExample.curl], { encoding: 'utf8' });
        assert.match(out, /0\.9|predictions|outputs/);
        const answer = JSON.parse(out) as { predictions?: number[][]; outputs?: Array<{ data: number[] }> };
        const scores = answer.predictions?.[0] ?? answer.outputs?.[0].data ?? [];
        assert.equal(scores.indexOf(Math.max(...scores)), 2, `curl answer ${out}`);
      }
    });
  }

  it('a bad body is the server\'s 400 with its message, not an engine error', async () => {
    const result = await engine.invoke('serve.try', { modelPath: iris, protocol: 'lesson', body: '{"instances": [[1, 2]]}' });
    assert.equal(result.status, 400);
    assert.match(result.body, /input/);
    assert.equal(result.prediction, null);
    const binary = await rejection(engine.invoke('serve.try', { modelPath: iris, protocol: 'v2-binary', body: 'not json' }));
    assert.equal(binary.code, 'try-bad-body');
  });

  it('logs carry listening, ready and one line per request, without the app\'s own /metrics reads', async () => {
    await engine.invoke('serve.metrics', { modelPath: iris });
    await new Promise((r) => setTimeout(r, 200));
    const all = await engine.invoke('serve.logs', { modelPath: iris, afterSeq: 0 });
    const events = all.lines.map((l) => l.event);
    assert.ok(events.includes('listening'));
    assert.ok(events.includes('ready'));
    const requests = all.lines.filter((l) => l.event === 'request');
    assert.ok(requests.length >= TRY_PROTOCOLS.length * 2, `${requests.length} request lines`);
    assert.ok(requests.some((l) => /POST \/predict 400/.test(l.message)));
    assert.ok(!all.lines.some((l) => /\/metrics/.test(l.message)));
    assert.deepEqual(all.lines.map((l) => l.seq), all.lines.map((_, i) => all.lines[0].seq + i), 'consecutive sequence numbers');
    const none = await engine.invoke('serve.logs', { modelPath: iris, afterSeq: all.nextSeq });
    assert.deepEqual(none.lines, []);
    assert.equal(none.nextSeq, all.nextSeq);
  });

  it('metrics count the requests and errors, and rates come from successive scrapes', async () => {
    const first = await engine.invoke('serve.metrics', { modelPath: iris });
    assert.equal(first.state, 'ready');
    assert.ok(first.latest);
    assert.ok(first.latest.requests >= 9, `requests ${first.latest.requests}`);
    assert.ok(first.latest.clientErrors >= 1);
    assert.ok((first.latest.rssBytes ?? 0) > 10 * 1024 * 1024);
    assert.ok(first.latest.p50Ms !== null && first.latest.p50Ms > 0);
    for (let i = 0; i < 5; i++) await engine.invoke('serve.try', { modelPath: iris, protocol: 'v2' });
    await new Promise((r) => setTimeout(r, 1000));
    const second = await engine.invoke('serve.metrics', { modelPath: iris });
    assert.equal(second.latest!.requests - first.latest.requests, 5);
    assert.ok((second.latest!.requestsPerSecond ?? 0) > 0);
    assert.equal(second.latest!.latencyScope, 'recent');
    assert.ok(second.history.length >= 2);
  });

  it('stops gracefully: the process exits 0 and the status says stopped', async () => {
    const [running] = (await engine.invoke('serve.status', { modelPath: iris })).servers;
    const stopped = await engine.invoke('serve.stop', { modelPath: iris });
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.exitCode, 0);
    assert.equal(stopped.pid, null);
    assert.ok(!alive(running.pid!));
    const logs = await engine.invoke('serve.logs', { modelPath: iris, afterSeq: 0 });
    assert.ok(logs.lines.some((l) => l.event === 'shutdown'), 'the runtime logged its shutdown');
    const notRunning = await rejection(engine.invoke('serve.try', { modelPath: iris, protocol: 'lesson' }));
    assert.equal(notRunning.code, 'serve-not-running');
  });

  it('a port in use is a clear error naming the port', async (t) => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    t.after(() => blocker.close());
    const port = (blocker.address() as net.AddressInfo).port;
    const error = await rejection(engine.invoke('serve.start', { modelPath: iris, port }));
    assert.equal(error.code, 'port-in-use');
    assert.match(error.title, new RegExp(`Port ${port}`));
    assert.ok(error.fix);
  });

  it('a model the runtime cannot load fails with the runtime\'s own words and its log lines', async () => {
    const bad = path.join(dir, 'random.onnx');
    const error = await rejection(engine.invoke('serve.start', { modelPath: bad }));
    assert.equal(error.code, 'serve-start-failed');
    assert.match(error.message, /stopped with exit code \d+ before the model was ready/);
    assert.match(error.message, /cannot load|not a valid ONNX/i);
    assert.doesNotMatch(error.message, /\n\s+at /);
    assert.match(error.detail ?? '', /"level":"error"/, 'the runtime\'s lines are in the detail');
    const [status] = (await engine.invoke('serve.status', { modelPath: bad })).servers;
    assert.equal(status.state, 'failed');
    assert.equal(status.error?.code, 'serve-start-failed');
    assert.notEqual(status.exitCode, 0);
  });

  it('dispose stops every server it started', async () => {
    const servers = new LocalServers({ dataDir: path.join(dir, 'data2') });
    const status = await servers.start(iris, { port: 0 });
    assert.ok(status.pid && alive(status.pid));
    await servers.dispose();
    assert.ok(!alive(status.pid));
    await rejection(servers.start(iris));
  });
});

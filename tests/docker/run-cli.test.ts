// `modeldock run IMAGE` in the foreground: progress and the URL on stderr, the container's log lines on stdout,
// Ctrl-C stops and removes it; a bad setting exits 1 with the container's own words.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { runCli } from '../../main/cli/run-cli';
import { runCaptured } from '../unit/cli-support';
import { useServingImage } from './support/serving-image';

describe('modeldock run', () => {
  const fx = useServingImage('modeldock-run-cli-');

  it('waits until ready, prints the URL, streams logs; Ctrl-C stops and removes the container', async () => {
    let stdout = '';
    let stderr = '';
    const interrupt = new AbortController();
    const running = runCli(['run', fx.image.reference, '--cpus', '1', '--memory', '256', '--env', 'MODELDOCK_LOG_LEVEL=info', '--pretty'], {
      stdout: { write: (t: string) => { stdout += t; } },
      stderr: { write: (t: string) => { stderr += t; } },
      env: {},
      cwd: process.cwd(),
    }, { engine: fx.engine, signal: interrupt.signal });

    const deadline = Date.now() + 30_000;
    while (!/Ready: http:\/\/127\.0\.0\.1:\d+/.test(stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const url = /Ready: (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1];
    assert.ok(url, stderr);
    assert.match(stderr, /Waiting for the model to be ready/);
    const name = /container (modeldock-[\w.-]+)/.exec(stderr)?.[1];
    assert.ok(name);

    const answer = await fetch(`${url}/predict`, { method: 'POST', body: JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] }) });
    assert.equal(answer.status, 200);
    while (!/POST \/predict 200/.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.match(stdout, /INFO +POST \/predict 200/, 'the container\'s log lines, readable');

    interrupt.abort();
    assert.equal(await running, 0, stderr);
    assert.match(stderr, /Stopped and removed modeldock-/);
    const left = await new Docker().listContainers({ all: true, filters: { name: [name] } });
    assert.equal(left.length, 0, 'the container is removed');
  });

  it('a bad setting: exit 1 with the container\'s exit code and its own words, no stack trace', async () => {
    const result = await runCaptured(['run', fx.image.reference, '--env', 'MODELDOCK_MAX_QUEUE=abc'], { engine: fx.engine });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Error: The container stopped right after starting/);
    assert.match(result.stderr, /exited with code 2/);
    assert.match(result.stderr, /MODELDOCK_MAX_QUEUE/);
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/);
  });

  it('usage errors: a missing image, a malformed --env', async () => {
    assert.equal((await runCaptured(['run'], { engine: fx.engine })).code, 2);
    const bad = await runCaptured(['run', fx.image.reference, '--env', 'NOPE'], { engine: fx.engine });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--env expects KEY=VALUE/);
  });
});

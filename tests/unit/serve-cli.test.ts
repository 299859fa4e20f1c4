// `modeldock serve` as a user runs it: the real CLI process, the real runtime in the foreground, signals forwarded
// and the runtime's exit code returned.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { CLI_SOURCE, ROOT, runCaptured, runProcess } from './cli-support';
import { ensureBuilt } from '../support/ensure-built';


interface Served {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function serve(args: string[], env: Record<string, string>): Served {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_SOURCE, 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function waitFor(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('modeldock serve', () => {
  let dir = '';
  let iris = '';
  const running: Served[] = [];

  before(async () => {
    ensureBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-serve-cli-'));
    iris = path.join(dir, 'iris.onnx');
    fs.copyFileSync(path.join(await ensureFixtures(), 'iris.onnx'), iris);
    fs.copyFileSync(path.join(await ensureFixtures(), 'random.onnx'), path.join(dir, 'random.onnx'));
  });

  after(() => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is listed in --help and documents its options', async () => {
    const help = await runCaptured(['--help']);
    assert.match(help.stdout, /serve MODEL\s+Serve a model over HTTP/);
    const own = await runCaptured(['serve', '--help']);
    for (const option of ['--spec FILE', '--port N', '--host ADDRESS', '--pretty']) assert.ok(own.stdout.includes(option), option);
    const usage = await runCaptured(['serve']);
    assert.equal(usage.code, 2);
  });

  it('serves in the foreground with JSON logs on stdout, answers, and exits 0 on SIGTERM after draining', async () => {
    const s = serve([iris, '--port', '0'], { MODELDOCK_DATA_DIR: path.join(dir, 'data') });
    running.push(s);
    await waitFor('the ready line', () => /"event":"ready"/.test(s.stdout()));
    const listening = s.stdout().split('\n').map((l) => (l.startsWith('{') ? JSON.parse(l) as Record<string, unknown> : {})).find((l) => l.event === 'listening');
    assert.equal(listening?.host, '127.0.0.1', 'loopback by default');
    const url = `http://127.0.0.1:${listening?.port}`;
    assert.match(s.stderr(), new RegExp(`Ready: ${url.replace(/\./g, '\\.')}`));
    const answer = await (await fetch(`${url}/predict`, { method: 'POST', body: '{"instances": [[5.1, 3.5, 1.4, 0.2]]}' })).json() as { labels: string[] };
    assert.deepEqual(answer.labels, ['setosa']);
    for (const line of s.stdout().trim().split('\n')) assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);

    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0);
    assert.match(s.stdout(), /"event":"shutdown"/);
  });

  it('--pretty prints readable lines; Ctrl-C (SIGINT) reaches the runtime once and it exits cleanly', async () => {
    const s = serve([iris, '--port', '0', '--pretty'], { MODELDOCK_DATA_DIR: path.join(dir, 'data') });
    running.push(s);
    await waitFor('the ready line', () => /INFO\s+ready/.test(s.stdout()));
    assert.match(s.stdout(), /^\d\d:\d\d:\d\d\.\d{3} INFO  listening on 127\.0\.0\.1:\d+/m);
    assert.doesNotMatch(s.stdout(), /^\{/m);
    s.child.kill('SIGINT');
    assert.equal(await s.exit, 0);
    assert.match(s.stdout(), /shutdown/);
    assert.doesNotMatch(s.stdout(), /second signal/);
  });

  it('warns when listening beyond this machine', async () => {
    const s = serve([iris, '--port', '0', '--host', '0.0.0.0'], { MODELDOCK_DATA_DIR: path.join(dir, 'data') });
    running.push(s);
    await waitFor('the ready line', () => /"event":"ready"/.test(s.stdout()));
    assert.match(s.stderr(), /warning: listening on 0\.0\.0\.0/);
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0);
  });

  it('exits with the runtime\'s code when the model cannot be served, with its message', async () => {
    const result = await runProcess(['serve', path.join(dir, 'random.onnx'), '--port', '0'], { env: { MODELDOCK_DATA_DIR: path.join(dir, 'data') } });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot load/i);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('an invalid spec stops before the runtime, listing its problems', async () => {
    const spec = path.join(dir, 'bad.yaml');
    fs.writeFileSync(spec, 'apiVersion: modeldock/v1\nmodel:\n  path: iris.onnx\n  name: iris\nserving:\n  port: -1\n');
    const result = await runProcess(['serve', '--spec', spec], { env: { MODELDOCK_DATA_DIR: path.join(dir, 'data') } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /serving\.port/);
    assert.equal(result.stdout, '');
  });
});

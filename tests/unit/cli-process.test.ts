import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { CLI_SOURCE, ROOT, runProcess } from './cli-support';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-cli-proc-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the real process: --version exits 0, a usage error exits 2, a failure exits 1, all without stack traces', async (t) => {
  const dir = tempDir(t);
  const env = { MODELDOCK_DATA_DIR: dir };
  const version = await runProcess(['--version'], { env });
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const usage = await runProcess(['predict'], { env });
  assert.equal(usage.code, 2);
  const failure = await runProcess(['spec', 'check', path.join(dir, 'none.yaml')], { env });
  assert.equal(failure.code, 1);
  assert.match(failure.stderr, /^Error: Spec file not found/);
  for (const r of [usage, failure]) assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('modeldock ui prints exactly one URL line, serves with the token, and stops on SIGINT', async (t) => {
  const dir = tempDir(t);
  const site = path.join(dir, 'site');
  fs.mkdirSync(site);
  fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><title>ModelDock</title>');
  // A month-old upload nothing refers to: web mode clears it at start.
  const staleUpload = path.join(dir, 'data', 'uploads', 'old');
  fs.mkdirSync(staleUpload, { recursive: true });
  fs.writeFileSync(path.join(staleUpload, 'model.onnx'), Buffer.alloc(2048));
  const monthAgo = new Date(Date.now() - 30 * 86_400_000);
  for (const p of [path.join(staleUpload, 'model.onnx'), staleUpload]) fs.utimesSync(p, monthAgo, monthAgo);
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_SOURCE, 'ui', '--no-open'], {
    cwd: ROOT,
    env: { ...process.env, MODELDOCK_DATA_DIR: path.join(dir, 'data'), MODELDOCK_STATIC_DIR: site, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no URL line within 30 s')), 30000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('\n')) {
        clearTimeout(timer);
        resolve(stdout.split('\n')[0]);
      }
    });
  });
  const match = /^ModelDock web mode: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=[0-9a-f]{64})$/.exec(line);
  assert.ok(match, `unexpected line: ${line}`);
  const url = match[1];

  // The token in the URL is traded for a cookie and a redirect to a clean address (fetch keeps no cookies, so
  // follow by hand).
  const first = await fetch(url, { redirect: 'manual' });
  assert.equal(first.status, 303);
  const cookie = String(first.headers.get('set-cookie')).split(';')[0];
  const page = await fetch(new URL(first.headers.get('location')!, url), { headers: { Cookie: cookie } });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<title>ModelDock<\/title>/);
  const noToken = await fetch(url.replace(/\?token=.*/, ''));
  assert.equal(noToken.status, 401);

  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  child.kill('SIGINT');
  assert.equal(await exited, 0);
  assert.equal(stdout.trim().split('\n').length, 1, 'exactly one line on stdout');
  assert.match(stderr, /Removed 1 upload folder\(s\) \(2\.00 KB\)/);
  assert.ok(!fs.existsSync(staleUpload));
});

test('Ctrl-C cancels a running benchmark: partial results, exit code 130, no worker left behind', async (t) => {
  const dir = tempDir(t);
  const fixtures = await ensureFixtures();
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_SOURCE, 'bench', path.join(fixtures, 'cnn.onnx'), '--batch', '256', '--runs', '100000', '--no-save'], {
    cwd: ROOT,
    env: { ...process.env, MODELDOCK_DATA_DIR: dir, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  // Let it load the model and start measuring; 100000 runs at batch 256 take minutes.
  await new Promise((r) => setTimeout(r, 5000));
  assert.equal(child.exitCode, null, `finished too early: ${stdout}${stderr}`);
  const sent = Date.now();
  child.kill('SIGINT');
  assert.equal(await exited, 130);
  assert.ok(Date.now() - sent < 10000, 'stops promptly');
  assert.match(stdout, /Cancelled: results above are partial\./);
  assert.doesNotMatch(stderr, /\n\s+at /);
  if (process.platform === 'linux') {
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(processesWithEnv(`MODELDOCK_DATA_DIR=${dir}`), [], 'the inference worker exited with the CLI');
  }
});

/** Pids whose environment holds this exact entry (Linux /proc), to find a leftover worker of one test run. */
function processesWithEnv(entry: string): number[] {
  const pids: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(entry)) pids.push(Number(name));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

// `modeldock apply` end to end: the built CLI (dist/modeldock.js, the esbuild bundle with @kubernetes/client-node
// inside) as a real process against the Kubernetes API stand-in (tests/support/kube-api-standin.ts; no real API
// server can run here). KUBECONFIG points at a temp file; ~/.kube is never read.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { ensureBuilt, ROOT } from '../support/ensure-built';
import { closedPort, KubeApiStandin } from '../support/kube-api-standin';
import type { Captured } from './cli-support';

describe('modeldock apply (built CLI, stand-in API server)', () => {
  let work: string;
  let specPath: string;
  let kubeconfig: string;
  let standin: KubeApiStandin;

  const cli = (argv: string[]): Promise<Captured> => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'modeldock.js'), ...argv], {
      cwd: work,
      env: { ...process.env, NO_COLOR: '1', KUBECONFIG: kubeconfig, MODELDOCK_DATA_DIR: path.join(work, 'data'), HOME: work },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
  const applies = () => standin.requests.filter((r) => r.method === 'PATCH' && r.query.dryRun === undefined);

  before(async () => {
    ensureBuilt();
    const fixtures = await ensureFixtures();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-apply-cli-'));
    fs.copyFileSync(path.join(fixtures, 'iris.onnx'), path.join(work, 'iris.onnx'));
    specPath = path.join(work, 'modeldock.yaml');
    fs.writeFileSync(specPath, [
      'apiVersion: modeldock/v1',
      'model:',
      '  path: iris.onnx',
      '  name: iris-classifier',
      '  version: "4"',
      'kubernetes:',
      '  namespace: ml',
      '  replicas: 3',
      '  autoscaling:',
      '    enabled: false',
      '',
    ].join('\n'));
    standin = await new KubeApiStandin({ namespaces: ['default', 'ml'] }).start();
    kubeconfig = standin.writeKubeconfig(path.join(work, 'kubeconfig'), {
      extra: [{ name: 'down', server: `http://127.0.0.1:${await closedPort()}` }],
    });
  });
  after(async () => {
    await standin?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('--diff-only prints the cluster it talks to and what would change, and applies nothing', async () => {
    const r = await cli(['apply', '--spec', specPath, '--image', 'registry.example.com/iris:4', '--diff-only']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Live cluster: context "standin" \\(${standin.url}\\), namespace ml`));
    assert.match(r.stdout, /4 new, 0 changed, 0 unchanged/);
    assert.match(r.stdout, /new {8}Deployment\/iris-classifier \(\d+ lines\)/);
    assert.equal(applies().length, 0);
    assert.ok(standin.requests.some((q) => q.method === 'PATCH' && q.query.dryRun === 'All'));
  });

  it('without --yes and without a terminal it refuses before talking to the cluster', async () => {
    const before = standin.requests.length;
    const r = await cli(['apply', '--spec', specPath, '--image', 'registry.example.com/iris:4']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /stdin is not a terminal to confirm on: pass --yes/);
    assert.equal(standin.requests.length, before);
  });

  it('--yes applies, follows the rollout to the end and exits 0; a new image then shows as a one-line change', async () => {
    const r = await cli(['apply', '--spec', specPath, '--image', 'registry.example.com/iris:4', '--yes']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /created {4}ConfigMap\/iris-classifier-config {2}\(1\/4\)/);
    assert.match(r.stdout, /created {4}Deployment\/iris-classifier {2}\(2\/4\)/);
    assert.match(r.stderr, /iris-classifier: 1 of 3 new pods updated/);
    assert.match(r.stdout, /ready {2}Deployment\/iris-classifier: rollout complete: 3 of 3 pods available \(3\/3 available\)/);
    assert.match(r.stdout, /Rolled out in [\d.]+ s to context "standin", namespace ml/);
    assert.equal(standin.get('apps/v1', 'deployments', 'ml', 'iris-classifier')?.spec.template.spec.containers[0].image, 'registry.example.com/iris:4');

    const diff = await cli(['apply', '--spec', specPath, '--image', 'registry.example.com/iris:5', '--diff-only', '--json']);
    assert.equal(diff.code, 0, diff.stderr);
    const parsed = JSON.parse(diff.stdout) as { counts: Record<string, number>; objects: { ref: string; change: string }[] };
    assert.deepEqual(parsed.counts, { new: 0, changed: 1, unchanged: 3 });
    const text = await cli(['apply', '--spec', specPath, '--image', 'registry.example.com/iris:5', '--diff-only']);
    assert.match(text.stdout, /changed {4}Deployment\/iris-classifier \(\+1 -1\)\n[\s\S]*- {11}image: registry\.example\.com\/iris:4\n {6}\+ {11}image: registry\.example\.com\/iris:5/);
  });

  it('a rollout past its deadline, an unreachable cluster and a failed check exit 1 with the reason', async () => {
    standin.fail({ kind: 'deadline' });
    const stuck = await cli(['apply', '--spec', specPath, '--image', 'registry.example.com/iris:6', '--yes']);
    standin.fail(null);
    assert.equal(stuck.code, 1, stuck.stdout);
    assert.match(stuck.stdout, /The new pods did not become ready: Deployment\/iris-classifier stopped/);
    assert.match(stuck.stdout, /Next: See why: kubectl --context standin -n ml describe deployment\/iris-classifier/);

    const down = await cli(['apply', '--spec', specPath, '--image', 'registry.example.com/iris:6', '--context', 'down', '--diff-only']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /The cluster cannot be reached/);
    assert.match(down.stderr, /ECONNREFUSED/);
    assert.doesNotMatch(down.stderr, /at .*\.(ts|js):\d+/);

    const before = applies().length;
    const latest = await cli(['apply', '--spec', specPath, '--image', 'iris:latest', '--yes']);
    assert.equal(latest.code, 1);
    assert.match(latest.stderr, /Not applied: 1 required check\(s\) failed/);
    assert.equal(applies().length, before);
  });
});

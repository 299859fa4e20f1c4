// Apply to a live cluster, through the engine, against the Kubernetes API stand-in (tests/support/kube-api-standin.ts:
// no real API server can run on this machine). KUBECONFIG always points at a temp file: ~/.kube is never read.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../main/engine/engine';
import type { ApplyProgress, DeployApplyRequestInput } from '../../shared/schemas/kubernetes-apply';
import { closedPort, KubeApiStandin } from '../support/kube-api-standin';
import { IMAGE } from './kubernetes-support';

describe('apply to a cluster (stand-in API server)', () => {
  let work: string;
  let engine: Engine;
  let standin: KubeApiStandin;
  let savedKubeconfig: string | undefined;
  let deadPort: number;

  const request = (extra: Partial<DeployApplyRequestInput> = {}): DeployApplyRequestInput => ({
    model: { name: 'iris', version: '3' }, image: IMAGE, coldStartMs: 1500, settings: { namespace: 'ml', autoscaling: { enabled: false }, replicas: 2 }, ...extra,
  });
  const errorOf = async (call: Promise<unknown>) => {
    try {
      await call;
    } catch (error) {
      return error as { code: string; title: string; message: string; fix?: string };
    }
    throw new Error('expected the call to fail');
  };

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-apply-'));
    savedKubeconfig = process.env.KUBECONFIG;
    deadPort = await closedPort();
    engine = createEngine({ shell: 'cli', dataDir: path.join(work, 'data') });
  });
  beforeEach(async () => {
    await standin?.stop();
    standin = await new KubeApiStandin({ namespaces: ['default', 'ml'] }).start();
    process.env.KUBECONFIG = standin.writeKubeconfig(path.join(work, 'config'), {
      context: 'standin', namespace: 'ml', extra: [{ name: 'down', server: `http://127.0.0.1:${deadPort}` }],
    });
  });
  after(async () => {
    await standin?.stop();
    await engine.dispose();
    if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = savedKubeconfig;
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('lists the contexts of KUBECONFIG (several files merged, the first current-context wins)', async () => {
    const second = path.join(work, 'second');
    fs.writeFileSync(second, [
      'apiVersion: v1', 'kind: Config', 'current-context: prod',
      'clusters: [{name: prod, cluster: {server: "https://prod.example.com:6443"}}]',
      'users: [{name: me, user: {token: x}}]',
      'contexts: [{name: prod, context: {cluster: prod, user: me, namespace: team-a}}]', '',
    ].join('\n'));
    process.env.KUBECONFIG = [path.join(work, 'config'), second, path.join(work, 'absent')].join(path.delimiter);
    const list = await engine.invoke('deploy.clusters', {});
    assert.equal(list.found, true);
    assert.deepEqual(list.files, [path.join(work, 'config'), second]);
    assert.equal(list.current, 'standin');
    assert.deepEqual(list.contexts.map((c) => [c.name, c.server, c.namespace, c.current]), [
      ['standin', standin.url, 'ml', true],
      ['down', `http://127.0.0.1:${deadPort}`, null, false],
      ['prod', 'https://prod.example.com:6443', 'team-a', false],
    ]);
  });

  it('no kubeconfig is a plain state, not an error; a broken one is an error that names the file', async () => {
    process.env.KUBECONFIG = path.join(work, 'nothing-here');
    const none = await engine.invoke('deploy.clusters', {});
    assert.deepEqual(none, { found: false, files: [path.join(work, 'nothing-here')], contexts: [], current: null });
    const diff = await errorOf(engine.invoke('deploy.diff', request()));
    assert.equal(diff.code, 'kubeconfig-missing');

    const broken = path.join(work, 'broken');
    fs.writeFileSync(broken, 'apiVersion: v1\nclusters: [{name: x}]\ncontexts: [{name: y}]\n');
    process.env.KUBECONFIG = broken;
    const bad = await errorOf(engine.invoke('deploy.clusters', {}));
    assert.equal(bad.code, 'kubeconfig-invalid');
    assert.match(bad.message, /broken is not a valid kubeconfig/);
  });

  it('diff: everything new on an empty namespace, computed by a server-side dry run that stores nothing', async () => {
    const diff = await engine.invoke('deploy.diff', request());
    assert.equal(diff.context, 'standin');
    assert.equal(diff.server, standin.url);
    assert.equal(diff.namespace, 'ml');
    assert.deepEqual(diff.counts, { new: 4, changed: 0, unchanged: 0 });
    assert.deepEqual(diff.objects.map((o) => o.ref), ['ConfigMap/iris-config', 'Deployment/iris', 'Service/iris', 'PodDisruptionBudget/iris']);
    const deployment = diff.objects.find((o) => o.kind === 'Deployment')!;
    assert.ok(deployment.lines.every((l) => l.op === 'add'));
    assert.ok(deployment.lines.some((l) => l.text.includes(`image: ${IMAGE}`)));
    assert.ok(!deployment.lines.some((l) => /managedFields|resourceVersion|uid:|creationTimestamp/.test(l.text)), 'server bookkeeping is left out');
    const patches = standin.requests.filter((r) => r.method === 'PATCH');
    assert.equal(patches.length, 4);
    assert.ok(patches.every((p) => p.query.dryRun === 'All' && p.query.fieldManager === 'modeldock' && p.contentType === 'application/apply-patch+yaml'));
    assert.equal(standin.list().filter((o) => o.kind !== 'Namespace').length, 0, 'a dry run stores nothing');
  });

  it('apply: objects in order, then the rollout until every pod is available; the next diff is all unchanged, a new image changes one line', async () => {
    const events: ApplyProgress[] = [];
    const result = await engine.invoke('deploy.apply', request(), { onProgress: (e) => events.push(e) });
    assert.deepEqual(result.applied.map((a) => `${a.result} ${a.ref}`), [
      'created ConfigMap/iris-config', 'created Deployment/iris', 'created Service/iris', 'created PodDisruptionBudget/iris',
    ]);
    assert.equal(result.rollout.state, 'complete');
    assert.equal(result.rollout.problem, null);
    assert.deepEqual(result.rollout.deployments.map((d) => [d.name, d.desired, d.available, d.done]), [['iris', 2, 2, true]]);
    const rolloutMessages = events.filter((e) => e.kind === 'rollout').map((e) => e.kind === 'rollout' ? e.deployments[0].message : '');
    assert.ok(rolloutMessages.includes('1 of 2 new pods updated'), rolloutMessages.join(' | '));
    assert.match(rolloutMessages.at(-1)!, /rollout complete: 2 of 2 pods available/);
    assert.deepEqual(events.filter((e) => e.kind === 'applied').map((e) => e.kind === 'applied' ? `${e.index}/${e.total}` : ''), ['1/4', '2/4', '3/4', '4/4']);
    const stored = standin.get('apps/v1', 'deployments', 'ml', 'iris');
    assert.equal(stored?.spec.template.spec.containers[0].image, IMAGE);
    assert.equal(stored?.metadata.managedFields[0].manager, 'modeldock');

    const again = await engine.invoke('deploy.diff', request());
    assert.deepEqual(again.counts, { new: 0, changed: 0, unchanged: 4 });
    assert.ok(again.objects.every((o) => o.lines.length === 0));

    const newer = await engine.invoke('deploy.diff', request({ image: 'registry.example.com/team/iris:4' }));
    assert.deepEqual(newer.counts, { new: 0, changed: 1, unchanged: 3 });
    const changed = newer.objects.find((o) => o.change === 'changed')!;
    assert.equal(changed.ref, 'Deployment/iris');
    assert.deepEqual(changed.lines.filter((l) => l.op === 'remove' || l.op === 'add').map((l) => `${l.op} ${l.text.trim()}`), [
      `remove image: ${IMAGE}`, 'add image: registry.example.com/team/iris:4',
    ]);
    assert.equal(changed.lines[0].op, 'hunk');

    const reapplied = await engine.invoke('deploy.apply', request({ image: 'registry.example.com/team/iris:4' }));
    assert.deepEqual(reapplied.applied.map((a) => a.result), ['unchanged', 'configured', 'unchanged', 'unchanged']);
    assert.equal(reapplied.rollout.state, 'complete');
  });

  it('a rollout that hits its progress deadline is reported with the cluster\'s reason and the next step', async () => {
    standin.fail({ kind: 'deadline' });
    const result = await engine.invoke('deploy.apply', request());
    assert.equal(result.applied.length, 4);
    assert.equal(result.rollout.state, 'failed');
    assert.equal(result.rollout.problem?.code, 'rollout-failed');
    assert.match(result.rollout.problem!.message, /Deployment\/iris stopped: ReplicaSet "iris-5d9c7b" has timed out progressing/);
    assert.match(result.rollout.problem!.fix!, /kubectl --context standin -n ml describe deployment\/iris.*rollout undo deployment\/iris/);
  });

  it('403, 422, 401 and 409 from the API server become plain errors with a next step', async () => {
    standin.fail({ kind: 'forbidden', resource: 'deployments' });
    const forbidden = await errorOf(engine.invoke('deploy.diff', request()));
    assert.equal(forbidden.code, 'cluster-forbidden');
    assert.equal(forbidden.title, 'Not allowed by the cluster');
    assert.match(forbidden.message, /Deployment\/iris in namespace "ml" of context "standin".*cannot patch resource "deployments"/);
    assert.match(forbidden.fix!, /cluster admin.*RBAC/);

    standin.fail({ kind: 'invalid', resource: 'services', field: 'spec.ports[0].port', message: 'Invalid value: 99999: must be between 1 and 65535' });
    const invalid = await errorOf(engine.invoke('deploy.apply', request()));
    assert.equal(invalid.code, 'cluster-rejected');
    assert.match(invalid.message, /Service\/iris.*spec\.ports\[0\]\.port: Invalid value: 99999/);
    assert.ok(!standin.get('v1', 'services', 'ml', 'iris'));

    standin.fail({ kind: 'unauthorized' });
    const unauthorized = await errorOf(engine.invoke('deploy.diff', request()));
    assert.equal(unauthorized.code, 'cluster-unauthorized');
    assert.match(unauthorized.fix!, /Log in to the cluster again/);

    standin.fail(null);
    await engine.invoke('deploy.apply', request());
    standin.fail({ kind: 'conflict', resource: 'deployments', manager: 'kubectl-scale' });
    const conflict = await errorOf(engine.invoke('deploy.apply', request()));
    assert.equal(conflict.code, 'cluster-conflict');
    assert.match(conflict.message, /kubectl-scale/);
    assert.match(conflict.fix!, /--force-conflicts/);
    const forced = await engine.invoke('deploy.apply', request({ forceConflicts: true }));
    assert.equal(forced.rollout.state, 'complete');
    const forcedPatch = standin.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/iris')).at(-1);
    assert.equal(forcedPatch?.query.force, 'true');
  });

  it('connection refused, a missing namespace and an unknown kind are explained', async () => {
    const refused = await errorOf(engine.invoke('deploy.diff', request({ context: 'down' })));
    assert.equal(refused.code, 'cluster-unreachable');
    assert.match(refused.message, new RegExp(`Nothing answered at http://127.0.0.1:${deadPort} \\(context "down"\\): ECONNREFUSED`));
    assert.match(refused.fix!, /kubectl --context down cluster-info/);

    const unknownContext = await errorOf(engine.invoke('deploy.diff', request({ context: 'nope' })));
    assert.equal(unknownContext.code, 'kube-context-unknown');

    const missing = await errorOf(engine.invoke('deploy.diff', request({ namespace: 'team-b' })));
    assert.equal(missing.code, 'namespace-missing');
    assert.match(missing.fix!, /--create-namespace/);
    const planned = await engine.invoke('deploy.diff', request({ namespace: 'team-b', createNamespace: true }));
    assert.equal(planned.namespaceExists, false);
    assert.deepEqual(planned.objects.map((o) => `${o.change} ${o.ref}`).slice(0, 2), ['new Namespace/team-b', 'new ConfigMap/iris-config']);
    const created = await engine.invoke('deploy.apply', request({ namespace: 'team-b', createNamespace: true }));
    assert.equal(created.applied[0].ref, 'Namespace/team-b');
    assert.equal(standin.get('apps/v1', 'deployments', 'team-b', 'iris')?.metadata.namespace, 'team-b');

    const monitor = await errorOf(engine.invoke('deploy.diff', request({ settings: { namespace: 'ml', serviceMonitor: {} } })));
    assert.equal(monitor.code, 'cluster-kind-unknown');
    assert.match(monitor.message, /does not serve ServiceMonitor.*Prometheus Operator/);
  });

  it('refuses to apply, sending nothing, while a required check fails; applies anyway when allowed', async () => {
    const refused = await errorOf(engine.invoke('deploy.apply', request({ image: 'iris:latest' })));
    assert.equal(refused.code, 'checks-failed');
    assert.match(refused.message, /Nothing was applied/);
    assert.equal(standin.requests.length, 0);
    const allowed = await engine.invoke('deploy.apply', request({ image: 'iris:latest', allowFailedChecks: true }));
    assert.equal(allowed.rollout.state, 'complete');
  });

  it('cancel stops the apply between objects, and the rollout watch, saying what stays applied', async () => {
    const early = new AbortController();
    const cancelled = await errorOf(engine.invoke('deploy.apply', request(), {
      signal: early.signal,
      onProgress: (e) => { if (e.kind === 'applied' && e.index === 2) early.abort(); },
    }));
    assert.equal(cancelled.code, 'cancelled');
    assert.match(cancelled.message, /Already applied \(they stay in the cluster\): ConfigMap\/iris-config, Deployment\/iris\./);
    assert.ok(!standin.get('v1', 'services', 'ml', 'iris'), 'nothing after the cancel was applied');

    const late = new AbortController();
    const started = Date.now();
    const stopped = await errorOf(engine.invoke('deploy.apply', request({ settings: { namespace: 'ml', autoscaling: { enabled: false }, replicas: 6 } }), {
      signal: late.signal,
      onProgress: (e) => { if (e.kind === 'rollout') late.abort(); },
    }));
    assert.equal(stopped.code, 'cancelled');
    assert.match(stopped.message, /Stopped following the rollout/);
    assert.ok(Date.now() - started < 5000, 'cancel is prompt');
  });

  it('validates its requests', async () => {
    const bad = await engine.call('deploy.apply', { ...request(), namespace: 'Not_A_Label', timeoutSeconds: 1 });
    assert.equal(!bad.ok && bad.error.code, 'bad-request');
    assert.match(!bad.ok ? bad.error.message : '', /namespace/);
  });
});

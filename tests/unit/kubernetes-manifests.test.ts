import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runChecks } from '../../main/kubernetes/best-practice-checks';
import { CHECK_CATALOG, type CheckId } from '../../main/kubernetes/check-catalog';
import type { K8sObject } from '../../main/kubernetes/k8s-object';
import { validateAgainstApiSchema } from '../../main/kubernetes/schema-validate';
import { ModelDockError } from '../../shared/errors';
import { SpecSchema } from '../../shared/schemas/spec';
import { DIGEST, generate, IMAGE, kinds, plainObjects, variants } from './kubernetes-support';

type Obj = Record<string, any>;
const CONTEXT = { coldStartSeconds: 1.5, measuredPeakMemoryBytes: null };

function podSpec(d: Obj): Obj {
  return (d as Obj).spec.template.spec;
}
function container(d: Obj): Obj {
  return podSpec(d).containers[0];
}

describe('manifests: every variant', () => {
  for (const v of variants()) {
    it(`${v.label}: valid, every applicable check present and no required check failing`, () => {
      const result = generate(v.settings);
      const objects = plainObjects(result);

      for (const o of objects) assert.deepEqual(validateAgainstApiSchema(o), [], `${o.kind}/${o.metadata?.name}`);
      for (const o of objects) assert.equal(o.metadata?.namespace, 'modeldock', `${o.kind} namespaced`);

      const failedRequired = result.checks.filter((c) => !c.passed && c.severity === 'required');
      assert.deepEqual(failedRequired.map((c) => `${c.id} ${c.object}: ${c.reason}`), []);
      assert.equal(result.summary.failedRequired, 0);
      assert.equal(result.summary.passed + result.summary.failed, result.checks.length);

      // Which checks must appear: the workload ones per Deployment, and the optional objects' ones when present.
      const ids = new Set(result.checks.map((c) => c.id));
      const expected: CheckId[] = [
        'api-schema', 'namespaced', 'labels-recommended', 'run-as-non-root', 'read-only-root-filesystem', 'no-privilege-escalation',
        'capabilities-drop-all', 'seccomp-runtime-default', 'no-service-account-token', 'resources-set', 'probes-present',
        'probes-distinct', 'startup-probe-covers-cold-start', 'image-tag-pinned', 'image-digest', 'graceful-shutdown',
        'spread-across-nodes', 'prometheus-annotations', 'config-from-configmap', 'pdb-present', 'high-availability',
        'network-policy', 'service-selects-pods', 'service-target-port', 'service-type', 'pdb-allows-eviction',
      ];
      if (v.hpa) expected.push('no-static-replicas-under-hpa', 'hpa-targets-deployment', 'hpa-range', 'hpa-metrics-have-requests');
      if (v.ingress) expected.push('ingress-targets-service', 'ingress-tls');
      if (v.serviceMonitor) expected.push('servicemonitor-selects-service');
      for (const id of expected) assert.ok(ids.has(id), `check ${id} ran`);
      for (const c of result.checks) assert.ok(c.id in CHECK_CATALOG, `${c.id} is catalogued`);
      for (const c of result.checks) assert.equal(c.fix === null, c.passed, `${c.id}: a fix exactly when failed`);

      // Network policy and ServiceMonitor pass when configured, and network-policy is only a recommendation otherwise.
      const policyChecks = result.checks.filter((c) => c.id === 'network-policy');
      assert.ok(policyChecks.length > 0 && policyChecks.every((c) => c.passed === v.networkPolicy && c.severity === 'recommended'));

      const deployments = kinds(objects, 'Deployment');
      const hpas = kinds(objects, 'HorizontalPodAutoscaler');
      for (const d of deployments) {
        const owned = hpas.some((h) => (h as Obj).spec.scaleTargetRef.name === d.metadata?.name);
        assert.equal((d as Obj).spec.replicas === undefined, owned, `${d.metadata?.name}: replicas absent exactly when an HPA owns it`);
        const c = container(d);
        assert.equal(c.readinessProbe.httpGet.path, '/readyz');
        assert.equal(c.livenessProbe.httpGet.path, '/healthz');
        assert.equal(c.startupProbe.httpGet.path, '/readyz');
        assert.deepEqual(c.securityContext.capabilities.drop, ['ALL']);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext.runAsUser, 10001);
        assert.equal(podSpec(d).automountServiceAccountToken, false);
        assert.equal(podSpec(d).terminationGracePeriodSeconds, 5 + 20 + 5);
        assert.equal(c.lifecycle.preStop.sleep.seconds, 5);
      }
      assert.equal(kinds(objects, 'PodDisruptionBudget').length, 1);
      assert.equal(kinds(objects, 'ConfigMap').length, 1);
      assert.equal(kinds(objects, 'Ingress').length > 0, v.ingress);
      assert.equal(kinds(objects, 'ServiceMonitor').length, v.serviceMonitor ? 1 : 0);
      assert.equal(hpas.length > 0, v.hpa);
    });
  }
});

describe('manifests: rollout layouts', () => {
  it('blue-green: the Service selects the active colour, the preview the idle one, which runs the new image', () => {
    const result = generate({ rollout: { strategy: 'blue-green', blueGreen: { activeColor: 'green', previousImage: 'registry.example.com/team/iris:2' } } });
    const objects = plainObjects(result);
    const byName = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name) as Obj;
    assert.equal(byName('Service', 'iris').spec.selector['modeldock.dev/color'], 'green');
    assert.equal(byName('Service', 'iris-preview').spec.selector['modeldock.dev/color'], 'blue');
    assert.equal(container(byName('Deployment', 'iris-green')).image, 'registry.example.com/team/iris:2');
    assert.equal(container(byName('Deployment', 'iris-blue')).image, IMAGE);
    assert.equal(kinds(objects, 'HorizontalPodAutoscaler').length, 2);
    assert.ok(result.rollout.promote.some((l) => l.includes('patch service iris') && l.includes('"blue"')));
    assert.ok(result.rollout.rollback.some((l) => l.includes('patch service iris') && l.includes('"green"')));
    assert.deepEqual(result.warnings.filter((w) => w.includes('previous image')), []);
  });

  it('blue-green without a previous image warns that both colours run the new image', () => {
    const result = generate({ rollout: { strategy: 'blue-green' } });
    assert.ok(result.warnings.some((w) => w.includes('both colours run')));
  });

  it('canary by replicas: a fixed canary Deployment sized to the share, stable under the HPA, one Service over both', () => {
    const result = generate({ autoscaling: { minReplicas: 9, maxReplicas: 20 }, rollout: { strategy: 'canary', canary: { percent: 10, stableImage: 'registry.example.com/team/iris:2' } } });
    const objects = plainObjects(result);
    const canary = objects.find((o) => o.metadata?.name === 'iris-canary' && o.kind === 'Deployment') as Obj;
    const stable = objects.find((o) => o.metadata?.name === 'iris' && o.kind === 'Deployment') as Obj;
    assert.equal(canary.spec.replicas, 1); // 9 x 10 / 90 = 1
    assert.equal(stable.spec.replicas, undefined);
    assert.equal(container(canary).image, IMAGE);
    assert.equal(container(stable).image, 'registry.example.com/team/iris:2');
    const services = kinds(objects, 'Service') as Obj[];
    assert.equal(services.length, 1);
    assert.equal(services[0].spec.selector['modeldock.dev/track'], undefined);
    assert.ok(result.rollout.promote.some((l) => l.includes(`set image deployment/iris server=${IMAGE}`)));
    assert.ok(result.rollout.rollback.some((l) => l.includes('scale deployment/iris-canary --replicas=0')));
    assert.deepEqual(result.warnings.filter((w) => w.includes('% of requests')), []);
  });

  it('canary by replicas warns when the pod ratio cannot match the share', () => {
    const result = generate({ autoscaling: { minReplicas: 2 }, rollout: { strategy: 'canary', canary: { percent: 10 } } });
    assert.ok(result.warnings.some((w) => w.includes('about 33% of requests, not 10%')), result.warnings.join('\n'));
  });

  it('canary by ingress weight: two Services, a canary Ingress with the NGINX weight', () => {
    const result = generate({ rollout: { strategy: 'canary', canary: { method: 'ingress-weight', percent: 20 } }, ingress: { host: 'iris.example.com', className: 'nginx' } });
    const objects = plainObjects(result);
    const canaryIngress = objects.find((o) => o.kind === 'Ingress' && o.metadata?.name === 'iris-canary') as Obj;
    assert.equal(canaryIngress.metadata.annotations['nginx.ingress.kubernetes.io/canary'], 'true');
    assert.equal(canaryIngress.metadata.annotations['nginx.ingress.kubernetes.io/canary-weight'], '20');
    assert.equal(canaryIngress.spec.rules[0].http.paths[0].backend.service.name, 'iris-canary');
    assert.deepEqual(kinds(objects, 'Service').map((s) => s.metadata?.name).sort(), ['iris', 'iris-canary']);
  });

  it('ingress-weight without an ingress is refused with the key to change', () => {
    assert.throws(() => generate({ rollout: { strategy: 'canary', canary: { method: 'ingress-weight' } } }),
      (e: unknown) => e instanceof ModelDockError && e.code === 'kubernetes-settings-conflict' && /rollout\.canary\.method/.test(e.message));
  });

  it('a name that cannot be a Service name is refused with the key to set', () => {
    assert.throws(() => generate({}, { model: { name: '3d-net', version: '1' } }),
      (e: unknown) => e instanceof ModelDockError && /must start with a letter/.test(e.message) && /kubernetes\.name/.test(e.message));
    assert.throws(() => generate({ rollout: { strategy: 'blue-green' } }, { model: { name: `m${'x'.repeat(60)}`, version: '1' } }),
      (e: unknown) => e instanceof ModelDockError && /at most 55 characters/.test(e.message));
  });

  it('min above max and requests above limits are refused, naming both keys', () => {
    assert.throws(() => generate({ autoscaling: { minReplicas: 6, maxReplicas: 3 }, resources: { requests: { cpu: 2 }, limits: { cpu: 1 } } }),
      (e: unknown) => e instanceof ModelDockError && /minReplicas \(6\)/.test(e.message) && /requests\.cpu \(2\)/.test(e.message));
  });
});

describe('manifests: image, probes and timing', () => {
  it('pins the image by digest when one is given and the digest check passes', () => {
    const result = generate({}, { digest: DIGEST });
    const d = kinds(plainObjects(result), 'Deployment')[0];
    assert.equal(container(d).image, `${IMAGE}@${DIGEST}`);
    assert.ok(result.checks.filter((c) => c.id === 'image-digest').every((c) => c.passed));
  });

  it('a registry port is not a tag: an untagged image fails the tag check', () => {
    const result = generate({}, { image: 'localhost:5000/iris' });
    const tag = result.checks.find((c) => c.id === 'image-tag-pinned');
    assert.equal(tag?.passed, false);
    assert.match(tag?.reason ?? '', /no tag/);
    assert.equal(result.summary.failedRequired, 1);
  });

  it('":latest" fails the tag check', () => {
    const result = generate({}, { image: 'iris:latest' });
    assert.equal(result.checks.find((c) => c.id === 'image-tag-pinned')?.passed, false);
  });

  it('sizes the startup probe from the measured cold start: 3x + 10 s, at least 30 s', () => {
    const slow = container(kinds(plainObjects(generate({}, { coldStartMs: 40_000 })), 'Deployment')[0]);
    assert.equal(slow.startupProbe.periodSeconds * slow.startupProbe.failureThreshold, 130); // 40 x 3 + 10
    const fast = container(kinds(plainObjects(generate({}, { coldStartMs: 500 })), 'Deployment')[0]);
    assert.equal(fast.startupProbe.periodSeconds * fast.startupProbe.failureThreshold, 30);
    const fromSpec = container(kinds(plainObjects(generate({ probes: { coldStartSeconds: 100 } }, { coldStartMs: 500 })), 'Deployment')[0]);
    assert.equal(fromSpec.startupProbe.periodSeconds * fromSpec.startupProbe.failureThreshold, 310);
  });

  it('grace period follows the runtime drain and the preStop pause; settings reach the ConfigMap', () => {
    const result = generate({ probes: { preStopSeconds: 8 } }, { serving: { gracePeriodSeconds: 45, port: 9000, maxBatchSize: 8 } });
    const objects = plainObjects(result);
    const d = kinds(objects, 'Deployment')[0];
    assert.equal(podSpec(d).terminationGracePeriodSeconds, 8 + 45 + 5);
    assert.equal(container(d).ports[0].containerPort, 9000);
    assert.equal((d as Obj).spec.template.metadata.annotations['prometheus.io/port'], '9000');
    const cm = kinds(objects, 'ConfigMap')[0] as Obj;
    assert.equal(cm.data.MODELDOCK_GRACE_SECONDS, '45');
    assert.equal(cm.data.MODELDOCK_PORT, '9000');
    assert.equal(cm.data.MODELDOCK_MAX_BATCH_SIZE, '8');
    assert.ok(result.checks.filter((c) => c.id === 'graceful-shutdown').every((c) => c.passed));
  });

  it('a memory limit under the load test\'s peak fails the measurement check', () => {
    const loadTest = {
      at: '2025-01-01T00:00:00Z', imageId: 'sha256:x', reference: IMAGE, protocol: 'lesson' as const, concurrency: 8, durationSeconds: 10,
      cpus: 1, memoryMB: null, requests: 1000, errors: 0, requestsPerSecond: 100, p50Ms: 5, p90Ms: 8, p99Ms: 10, maxMs: 20,
      histogram: [], peakCpuCores: 1, peakMemoryBytes: 2000 * 1024 * 1024,
    };
    const result = generate({}, { loadTest });
    const check = result.checks.find((c) => c.id === 'memory-fits-measurement');
    assert.equal(check?.passed, false);
    assert.match(check?.fix ?? '', /at least 2200/);
    const fits = generate({ resources: { limits: { memoryMiB: 4096 } } }, { loadTest });
    assert.equal(fits.checks.find((c) => c.id === 'memory-fits-measurement')?.passed, true);
  });

  it('an image model whose memory limit leaves no room for large photos is told how far images will go and what to raise', () => {
    const model = { name: 'cnn', version: '1', takesImages: true };
    const tight = generate({ resources: { limits: { memoryMiB: 512, cpu: 1 } } }, { model });
    const check = tight.checks.find((c) => c.id === 'memory-fits-images');
    assert.equal(check?.passed, false);
    assert.equal(check?.severity, 'recommended', 'reported, not blocking: small images still work');
    assert.match(check?.reason ?? '', /With a 512 MiB limit the server will accept images only up to 7\.2 megapixels, not 50: decoding takes about 36 bytes per pixel/);
    assert.match(check?.reason ?? '', /beside about 150 MiB for the server \(no load test given\)/);
    // 50 MP x 36 B on one image thread + 150 MiB + 64 MiB of bodies, with 10% headroom.
    const needed = Math.ceil((50e6 * 36 + 214 * 1024 * 1024) / 0.9 / 1024 / 1024);
    assert.match(check?.fix ?? '', new RegExp(`at least ${needed} to accept 50 MP images, or lower serving\\.maxImageMegapixels`));

    const roomy = generate({ resources: { limits: { memoryMiB: needed, cpu: 1 } } }, { model });
    assert.equal(roomy.checks.find((c) => c.id === 'memory-fits-images')?.passed, true);
    const smaller = generate({ resources: { limits: { memoryMiB: 512, cpu: 1 } } }, { model, serving: { maxImageMegapixels: 5 } });
    assert.equal(smaller.checks.find((c) => c.id === 'memory-fits-images')?.passed, true, 'a lower image limit fits 512 MiB');
    const twoThreads = generate({ resources: { limits: { memoryMiB: needed, cpu: 4 } } }, { model });
    assert.equal(twoThreads.checks.find((c) => c.id === 'memory-fits-images')?.passed, false, '4 CPUs mean 2 image threads decoding at once');

    const tabular = generate({ resources: { limits: { memoryMiB: 512 } } });
    assert.equal(tabular.checks.some((c) => c.id === 'memory-fits-images'), false, 'a model without image inputs has no such check');
  });

  it('LoadBalancer passes alone and fails when an Ingress also routes to it', () => {
    const alone = generate({ service: { type: 'LoadBalancer' } });
    assert.equal(alone.checks.find((c) => c.id === 'service-type')?.passed, true);
    const both = generate({ service: { type: 'LoadBalancer' }, ingress: { host: 'iris.example.com' } });
    assert.equal(both.checks.find((c) => c.id === 'service-type')?.passed, false);
  });

  it('the spec accepts a kubernetes section and rejects a misspelt key with its path', () => {
    const ok = SpecSchema.safeParse({ apiVersion: 'modeldock/v1', model: { path: 'iris.onnx', name: 'iris' }, kubernetes: { autoscaling: { maxReplicas: 8 } } });
    assert.ok(ok.success);
    assert.equal(ok.data.kubernetes?.autoscaling.maxReplicas, 8);
    assert.equal(ok.data.kubernetes?.rollout.strategy, 'rolling');
    const bad = SpecSchema.safeParse({ apiVersion: 'modeldock/v1', model: { path: 'iris.onnx', name: 'iris' }, kubernetes: { autoscaling: { maxReplica: 8 } } });
    assert.ok(!bad.success);
    assert.deepEqual(bad.error.issues[0].path, ['kubernetes', 'autoscaling']);
  });
});

/** Each check must be able to fail: break the generated objects one way at a time and expect exactly that check. */
describe('checks: each one catches its problem', () => {
  const base = () => plainObjects(generate({ ingress: { host: 'iris.example.com', tlsSecretName: 'tls' }, serviceMonitor: {}, networkPolicy: {} }));
  const find = (objects: K8sObject[], kind: string) => objects.find((o) => o.kind === kind) as Obj;
  const cases: [CheckId, (objects: K8sObject[]) => void][] = [
    ['api-schema', (o) => { container(find(o, 'Deployment')).ports[0].containerPort = 'http'; }],
    ['namespaced', (o) => { delete find(o, 'Service').metadata.namespace; }],
    ['labels-recommended', (o) => { delete find(o, 'ConfigMap').metadata.labels['app.kubernetes.io/managed-by']; }],
    ['run-as-non-root', (o) => { const d = find(o, 'Deployment'); container(d).securityContext.runAsUser = 0; }],
    ['read-only-root-filesystem', (o) => { container(find(o, 'Deployment')).securityContext.readOnlyRootFilesystem = false; }],
    ['no-privilege-escalation', (o) => { delete container(find(o, 'Deployment')).securityContext.allowPrivilegeEscalation; }],
    ['capabilities-drop-all', (o) => { container(find(o, 'Deployment')).securityContext.capabilities = { drop: ['NET_RAW'] }; }],
    ['seccomp-runtime-default', (o) => { const d = find(o, 'Deployment'); delete container(d).securityContext.seccompProfile; delete podSpec(d).securityContext.seccompProfile; }],
    ['no-service-account-token', (o) => { delete podSpec(find(o, 'Deployment')).automountServiceAccountToken; }],
    ['resources-set', (o) => { delete container(find(o, 'Deployment')).resources.limits.memory; }],
    ['probes-present', (o) => { delete container(find(o, 'Deployment')).readinessProbe; }],
    ['probes-distinct', (o) => { const c = container(find(o, 'Deployment')); c.livenessProbe = { ...c.readinessProbe }; }],
    ['startup-probe-covers-cold-start', (o) => { container(find(o, 'Deployment')).startupProbe.failureThreshold = 1; }],
    ['image-tag-pinned', (o) => { container(find(o, 'Deployment')).image = 'iris'; }],
    ['graceful-shutdown', (o) => { podSpec(find(o, 'Deployment')).terminationGracePeriodSeconds = 10; }],
    ['spread-across-nodes', (o) => { delete podSpec(find(o, 'Deployment')).topologySpreadConstraints; }],
    ['prometheus-annotations', (o) => { find(o, 'Deployment').spec.template.metadata.annotations['prometheus.io/port'] = '9999'; }],
    ['config-from-configmap', (o) => { o.splice(o.findIndex((x) => x.kind === 'ConfigMap'), 1); }],
    ['pdb-present', (o) => { find(o, 'PodDisruptionBudget').spec.selector.matchLabels['app.kubernetes.io/name'] = 'other'; }],
    ['no-static-replicas-under-hpa', (o) => { find(o, 'Deployment').spec.replicas = 3; }],
    ['high-availability', (o) => { find(o, 'HorizontalPodAutoscaler').spec.minReplicas = 1; }],
    ['network-policy', (o) => { o.splice(o.findIndex((x) => x.kind === 'NetworkPolicy'), 1); }],
    ['service-selects-pods', (o) => { find(o, 'Service').spec.selector['app.kubernetes.io/instance'] = 'nope'; }],
    ['service-target-port', (o) => { find(o, 'Service').spec.ports[0].targetPort = 'metrics'; }],
    ['service-type', (o) => { find(o, 'Service').spec.type = 'NodePort'; }],
    ['hpa-targets-deployment', (o) => { find(o, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name = 'ghost'; }],
    ['hpa-range', (o) => { find(o, 'HorizontalPodAutoscaler').spec.maxReplicas = 1; }],
    ['hpa-metrics-have-requests', (o) => { delete container(find(o, 'Deployment')).resources.requests.cpu; }],
    ['pdb-allows-eviction', (o) => { find(o, 'PodDisruptionBudget').spec.maxUnavailable = 0; }],
    ['ingress-targets-service', (o) => { find(o, 'Ingress').spec.rules[0].http.paths[0].backend.service.port = { name: 'grpc' }; }],
    ['ingress-tls', (o) => { delete find(o, 'Ingress').spec.tls; }],
    ['servicemonitor-selects-service', (o) => { find(o, 'ServiceMonitor').spec.endpoints[0].port = 'web'; }],
  ];

  it('the untouched set passes every check', () => {
    const failed = runChecks(base(), CONTEXT).filter((c) => !c.passed && c.id !== 'image-digest');
    assert.deepEqual(failed.map((c) => c.id), []);
  });

  for (const [id, breakIt] of cases) {
    it(id, () => {
      const objects = base();
      breakIt(objects);
      const results = runChecks(objects, CONTEXT);
      const failing = results.filter((c) => c.id === id && !c.passed);
      assert.ok(failing.length > 0, `${id} should fail`);
      for (const c of failing) {
        assert.ok(c.reason.length > 10 && c.fix && c.fix.length > 10, `${id} explains itself`);
        assert.ok(!/undefined|\[object/.test(c.reason), `${id}: ${c.reason}`);
      }
    });
  }

  it('every catalogued check is exercised by a breaking case (or the digest / measurement / image-memory tests)', () => {
    const covered = new Set<string>([...cases.map(([id]) => id), 'image-digest', 'memory-fits-measurement', 'memory-fits-images']);
    assert.deepEqual(Object.keys(CHECK_CATALOG).filter((id) => !covered.has(id)), []);
  });
});

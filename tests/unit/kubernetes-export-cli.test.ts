import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../main/engine/engine';
import { parseYamlObjects } from '../../main/kubernetes/yaml-emit';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { runCaptured } from './cli-support';
import { DIGEST } from './kubernetes-support';

type Obj = Record<string, any>;

describe('modeldock export', () => {
  let work: string;
  let engine: Engine;
  let specPath: string;
  let modelPath: string;

  before(async () => {
    const fixtures = await ensureFixtures();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-export-'));
    modelPath = path.join(work, 'iris.onnx');
    fs.copyFileSync(path.join(fixtures, 'iris.onnx'), modelPath);
    specPath = path.join(work, 'modeldock.yaml');
    fs.writeFileSync(specPath, [
      'apiVersion: modeldock/v1',
      'model:',
      '  path: iris.onnx',
      '  name: iris-classifier',
      '  version: "4"',
      'serving:',
      '  gracePeriodSeconds: 40',
      'kubernetes:',
      '  namespace: ml',
      '  autoscaling:',
      '    minReplicas: 3',
      '    maxReplicas: 9',
      '  ingress:',
      '    host: iris.example.com',
      '    tlsSecretName: iris-tls',
      '',
    ].join('\n'));
    engine = createEngine({ shell: 'cli', dataDir: path.join(work, 'data') });
  });
  after(async () => {
    await engine.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const plainOf = (out: string, name: string) => {
    const file = path.join(out, 'k8s', 'plain', `${name}.yaml`);
    return parseYamlObjects(fs.readFileSync(file, 'utf8'), file) as Obj[];
  };

  it('writes plain YAML, the Kustomize base and overlays from the spec\'s kubernetes section', async () => {
    const out = path.join(work, 'out-spec');
    const r = await runCaptured(['export', '--spec', specPath, '--image', 'registry.example.com/iris:4', '--digest', DIGEST, '--out', out], { engine, cwd: work });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /All required checks passed/);
    assert.match(r.stdout, /Written: \d+ files/);
    const objects = plainOf(out, 'iris-classifier');
    const deployment = objects.find((o) => o.kind === 'Deployment');
    assert.equal(deployment?.metadata.namespace, 'ml');
    assert.equal(deployment?.spec.template.spec.containers[0].image, `registry.example.com/iris:4@${DIGEST}`);
    assert.equal(deployment?.spec.template.spec.terminationGracePeriodSeconds, 5 + 40 + 5);
    assert.equal(objects.find((o) => o.kind === 'HorizontalPodAutoscaler')?.spec.minReplicas, 3);
    assert.ok(objects.some((o) => o.kind === 'Ingress'));
    for (const f of ['base/kustomization.yaml', 'overlays/dev/kustomization.yaml', 'overlays/prod/kustomization.yaml']) {
      assert.ok(fs.existsSync(path.join(out, 'k8s', 'kustomize', f)), f);
    }
    assert.match(fs.readFileSync(path.join(out, 'k8s', 'ROLLOUT.md'), 'utf8'), /kubectl -n ml rollout undo deployment\/iris-classifier/);
  });

  it('--strategy overrides the spec', async () => {
    const out = path.join(work, 'out-canary');
    const r = await runCaptured(['export', '--spec', specPath, '--image', 'registry.example.com/iris:4', '--out', out, '--strategy', 'canary'], { engine, cwd: work });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(plainOf(out, 'iris-classifier').some((o) => o.kind === 'Deployment' && o.metadata.name === 'iris-classifier-canary'));
    assert.match(fs.readFileSync(path.join(out, 'k8s', 'ROLLOUT.md'), 'utf8'), /scale deployment\/iris-classifier-canary --replicas=0/);
  });

  it('a bare MODEL works with defaults (name from the file)', async () => {
    const bare = path.join(work, 'bare');
    fs.mkdirSync(bare);
    fs.copyFileSync(modelPath, path.join(bare, 'iris.onnx'));
    const out = path.join(work, 'out-bare');
    const r = await runCaptured(['export', path.join(bare, 'iris.onnx'), '--image', 'iris:1', '--out', out], { engine, cwd: work });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(plainOf(out, 'iris').find((o) => o.kind === 'Service')?.metadata.namespace, 'modeldock');
  });

  it('a bare image model gets the image-memory check: its input is decoded as an image without a spec saying so', async () => {
    const fixtures = await ensureFixtures();
    const bare = path.join(work, 'bare-cnn');
    fs.mkdirSync(bare, { recursive: true });
    fs.copyFileSync(path.join(fixtures, 'cnn.onnx'), path.join(bare, 'cnn.onnx'));
    const r = await runCaptured(['export', path.join(bare, 'cnn.onnx'), '--image', 'cnn:1', '--out', path.join(work, 'out-cnn'), '--json'], { engine, cwd: work });
    assert.equal(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as { checks: { id: string; passed: boolean }[] };
    assert.ok(parsed.checks.some((c) => c.id === 'memory-fits-images'), 'the 1 GiB default is judged against decoding 50 MP images');
    const iris = await runCaptured(['export', '--spec', specPath, '--image', 'iris:4', '--out', path.join(work, 'out-iris-json'), '--json'], { engine, cwd: work });
    assert.ok(!(JSON.parse(iris.stdout) as { checks: { id: string }[] }).checks.some((c) => c.id === 'memory-fits-images'));
  });

  it('a failed required check exits 1 and writes nothing; --allow-failed-checks writes anyway', async () => {
    const out = path.join(work, 'out-latest');
    const refused = await runCaptured(['export', '--spec', specPath, '--image', 'iris:latest', '--out', out], { engine, cwd: work });
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /FAIL {2}Image has a tag other than "latest"/);
    assert.match(refused.stderr, /Not written: 1 required check/);
    assert.ok(!fs.existsSync(out));

    const allowed = await runCaptured(['export', '--spec', specPath, '--image', 'iris:latest', '--out', out, '--allow-failed-checks'], { engine, cwd: work });
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.ok(fs.existsSync(path.join(out, 'k8s', 'plain', 'iris-classifier.yaml')));
  });

  it('a load test whose peak exceeds the memory limit fails the export', async () => {
    const lt = path.join(work, 'load-test.json');
    fs.writeFileSync(lt, JSON.stringify({
      at: '2025-01-01T00:00:00Z', imageId: 'sha256:x', reference: 'iris:4', protocol: 'lesson', concurrency: 8, durationSeconds: 10,
      cpus: 1, memoryMB: null, requests: 100, errors: 0, requestsPerSecond: 10, p50Ms: 1, p90Ms: 2, p99Ms: 3, maxMs: 4,
      histogram: [], peakCpuCores: 0.5, peakMemoryBytes: 4 * 1024 ** 3,
    }));
    const out = path.join(work, 'out-oom');
    const r = await runCaptured(['export', '--spec', specPath, '--image', 'iris:4', '--out', out, '--load-test', lt], { engine, cwd: work });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Memory limit above the measured peak/);

    fs.writeFileSync(lt, '{"not": "a load test"}');
    const bad = await runCaptured(['export', '--spec', specPath, '--image', 'iris:4', '--out', out, '--load-test', lt], { engine, cwd: work });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Not a load test result/);
  });

  it('--json prints the checks and the files written', async () => {
    const out = path.join(work, 'out-json');
    const r = await runCaptured(['export', '--spec', specPath, '--image', 'iris:4', '--out', out, '--json'], { engine, cwd: work });
    assert.equal(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as { written: string[]; checks: { id: string; passed: boolean }[]; summary: { failedRequired: number } };
    assert.equal(parsed.summary.failedRequired, 0);
    assert.ok(parsed.written.length > 5);
    assert.ok(parsed.checks.some((c) => c.id === 'run-as-non-root' && c.passed));
  });

  it('usage errors exit 2 with a sentence', async () => {
    const noImage = await runCaptured(['export', '--spec', specPath, '--out', work], { engine, cwd: work });
    assert.equal(noImage.code, 2);
    assert.match(noImage.stderr, /missing --image/);
    const badStrategy = await runCaptured(['export', '--spec', specPath, '--image', 'iris:4', '--out', work, '--strategy', 'yolo'], { engine, cwd: work });
    assert.equal(badStrategy.code, 2);
    assert.match(badStrategy.stderr, /--strategy must be rolling, blue-green or canary/);
    const badDigest = await runCaptured(['export', '--spec', specPath, '--image', 'iris:4', '--out', work, '--digest', 'abc'], { engine, cwd: work });
    assert.equal(badDigest.code, 2);
  });

  it('contradicting settings in the spec are an error with the keys named, not a crash', async () => {
    const spec = path.join(work, 'conflict.yaml');
    fs.writeFileSync(spec, 'apiVersion: modeldock/v1\nmodel:\n  path: iris.onnx\n  name: iris\nkubernetes:\n  autoscaling:\n    minReplicas: 5\n    maxReplicas: 2\n');
    const r = await runCaptured(['export', '--spec', spec, '--image', 'iris:4', '--out', path.join(work, 'out-conflict')], { engine, cwd: work });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /contradict/);
    assert.match(r.stderr, /autoscaling\.minReplicas \(5\) is above autoscaling\.maxReplicas \(2\)/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
  });

  it('engine calls validate their requests', async () => {
    const bad = await engine.call('deploy.manifests', { model: { name: 'Iris!' }, image: 'iris:1' });
    assert.equal(bad.ok, false);
    assert.equal(!bad.ok && bad.error.code, 'bad-request');
    const plan = await engine.invoke('deploy.capacity', {
      targetRps: 100, p99GoalMs: 20,
      loadTest: {
        at: 'x', imageId: 'x', reference: 'x', protocol: 'lesson', concurrency: 4, durationSeconds: 5, cpus: 0.5, memoryMB: null,
        requests: 500, errors: 0, requestsPerSecond: 100, p50Ms: 2, p90Ms: 3, p99Ms: 5, maxMs: 9, histogram: [], peakCpuCores: 0.5, peakMemoryBytes: 100 * 1024 * 1024,
      },
    });
    assert.equal(plan.podsForTarget, 2); // 100 / (100 / 0.5 x 0.7 x 0.5 = 70) = 1.43
    const refused = await engine.call('deploy.export', { model: { name: 'iris' }, image: 'iris', outDir: path.join(work, 'out-engine') });
    assert.equal(!refused.ok && refused.error.code, 'checks-failed');
    assert.ok(!fs.existsSync(path.join(work, 'out-engine')));
  });
});

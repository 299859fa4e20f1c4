// deploy.bundle / `modeldock bundle`: every part of the bundle is there and agrees with the others, the sha256
// manifest matches every file (and `sha256sum -c` agrees), the build context is byte-identical to what a build
// sends, the .zip is readable by Python's zipfile and unzip, promtool accepts the Prometheus config, and bad
// targets or failed checks write nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { BundleResult } from '../../shared/schemas/bundle';
import { createEngine, type Engine } from '../../main/engine/engine';
import { makeBuildPlan } from '../../main/docker/build-plan';
import { tarStream } from '../../main/docker/tar-stream';
import { bundleBuildDetail } from '../../main/bundle/bundle-build-plan';
import { BundleManifestSchema } from '../../main/bundle/bundle-manifest';
import { validateSpecText } from '../../main/spec/spec-file';
import { runCaptured } from '../unit/cli-support';
import { docker, ensureOfflineBase, ensureServingBuilt } from './image-support';
import { listFiles, makeIrisProject, readmeDockerRun, sha256 } from './bundle-support';

function tarSha(entries: Parameters<typeof tarStream>[0]): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    tarStream(entries).on('data', (c: Buffer) => hash.update(c)).on('end', () => resolve(hash.digest('hex'))).on('error', reject);
  });
}

function promtoolKnowsKubernetes(): boolean {
  const probe = path.join(os.tmpdir(), `modeldock-promtool-probe-${process.pid}.yml`);
  fs.writeFileSync(probe, 'scrape_configs:\n  - job_name: probe\n    kubernetes_sd_configs: [{ role: pod }]\n');
  try {
    return spawnSync('promtool', ['check', 'config', probe], { encoding: 'utf8' }).status === 0;
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

describe('the deploy bundle', () => {
  let engine: Engine;
  let work = '';
  let modelPath = '';
  let specPath = '';
  let bundleDir = '';
  let result: BundleResult;

  before(async () => {
    ensureServingBuilt();
    const base = await ensureOfflineBase();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-bundle-contents-'));
    ({ modelPath, specPath } = await makeIrisProject(work, base));
    engine = createEngine({ shell: 'cli', dataDir: path.join(work, 'data') });
    bundleDir = path.join(work, 'out', 'iris-bundle');
    const steps: string[] = [];
    result = await engine.invoke('deploy.bundle', { modelPath, image: 'iris:1', outDir: bundleDir }, { onProgress: (p) => steps.push(p.step) });
    assert.ok(steps.length >= 5, `progress steps: ${steps.join(', ')}`);
  });
  after(async () => {
    await engine.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('holds the model, spec, Dockerfile + context, k8s, compose, README, OpenAPI, monitoring and a manifest', () => {
    assert.equal(result.path, bundleDir);
    assert.equal(result.format, 'folder');
    const files = listFiles(bundleDir);
    for (const expected of [
      'Dockerfile', '.dockerignore', 'model/iris.onnx', 'config/runtime.json', 'runtime/modeldock-serve.js', 'runtime/inference-thread.js', 'runtime/image-thread.js',
      'onnxruntime/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1', 'modeldock.yaml', 'k8s/plain/iris.yaml',
      'k8s/kustomize/base/kustomization.yaml', 'k8s/kustomize/overlays/dev/kustomization.yaml', 'k8s/kustomize/overlays/prod/kustomization.yaml',
      'k8s/ROLLOUT.md', 'docker-compose.yml', 'README.md', 'openapi.json', 'monitoring/grafana-dashboard.json', 'monitoring/prometheus.yml',
      'monitoring/alert-rules.yml', 'bundle-manifest.json', 'SHA256SUMS',
    ]) assert.ok(files.includes(expected), `${expected} is in the bundle`);
    assert.deepEqual(result.files.map((f) => f.path).sort(), files, 'the response lists exactly the files written');
    assert.equal(result.totalBytes, result.files.reduce((s, f) => s + f.bytes, 0));
    assert.ok(!fs.readdirSync(path.dirname(bundleDir)).some((n) => n.includes('.partial-')), 'no staging folder is left');
    assert.equal(result.checks.failedRequired, 0);
    assert.equal(result.image, 'iris:1');
    assert.equal(fs.readFileSync(path.join(bundleDir, 'model/iris.onnx')).compare(fs.readFileSync(modelPath)), 0, 'the model is copied unchanged');
  });

  it('records the sha256 of every file, and sha256sum -c agrees', () => {
    const manifest = BundleManifestSchema.parse(JSON.parse(fs.readFileSync(path.join(bundleDir, 'bundle-manifest.json'), 'utf8')));
    const listed = manifest.files.map((f) => f.path).sort();
    assert.deepEqual(listed, listFiles(bundleDir).filter((f) => f !== 'bundle-manifest.json' && f !== 'SHA256SUMS'));
    for (const f of manifest.files) {
      assert.equal(sha256(path.join(bundleDir, f.path)), f.sha256, f.path);
      assert.equal(fs.statSync(path.join(bundleDir, f.path)).size, f.bytes, f.path);
    }
    assert.equal(manifest.model.sha256, sha256(modelPath));
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: bundleDir, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.equal(check.stdout.trim().split('\n').length, listFiles(bundleDir).length - 1, 'every file but SHA256SUMS itself is checked');
    // A changed file is caught before anything is built.
    fs.appendFileSync(path.join(bundleDir, 'config/runtime.json'), ' ');
    return assert.rejects(bundleBuildDetail(bundleDir), (e: Error & { code?: string }) => {
      fs.truncateSync(path.join(bundleDir, 'config/runtime.json'), manifest.files.find((f) => f.path === 'config/runtime.json')!.bytes);
      assert.equal(e.code, 'bundle-changed');
      assert.match(e.message, /config\/runtime\.json/);
      return true;
    });
  });

  it('carries the exact build context: the same tar bytes a build of the same plan sends', async () => {
    const fromBundle = await bundleBuildDetail(bundleDir);
    const created = new Date(fromBundle.plan.labels['org.opencontainers.image.created']);
    const original = await makeBuildPlan({ modelPath, tag: 'iris:1', noCache: false }, docker, created);
    assert.equal(fromBundle.plan.dockerfile, original.plan.dockerfile);
    assert.equal(fromBundle.plan.contextBytes, original.plan.contextBytes);
    assert.equal(await tarSha(fromBundle.entries), await tarSha(original.entries), 'byte-identical build context');
    assert.deepEqual(fromBundle.plan.files, original.plan.files);
    const mode = fs.statSync(path.join(bundleDir, 'onnxruntime/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1')).mode & 0o777;
    assert.equal(mode, 0o755);
  });

  it('writes a valid spec pointing at the bundled model, with the class names inlined and comments kept', () => {
    const text = fs.readFileSync(path.join(bundleDir, 'modeldock.yaml'), 'utf8');
    const { spec, issues } = validateSpecText(text);
    assert.deepEqual(issues, []);
    assert.equal(spec?.model.path, 'model/iris.onnx');
    assert.deepEqual(spec?.labels, ['setosa', 'versicolor', 'virginica']);
    assert.equal(spec?.labelsFile, undefined, 'labelsFile would point outside the bundle');
    assert.equal(spec?.image?.base, 'modeldock/node-offline:20');
    assert.equal(spec?.image?.name, 'iris');
    assert.match(text, /# The iris classifier from the lesson\./);
    assert.ok(fs.existsSync(path.join(bundleDir, spec!.model.path)));
    assert.equal(fs.readFileSync(specPath, 'utf8').includes('labelsFile'), true, 'the user\'s own spec is untouched');
  });

  it('runs docker-compose.yml with the same settings as the README\'s docker run line', () => {
    const compose = parseYaml(fs.readFileSync(path.join(bundleDir, 'docker-compose.yml'), 'utf8'));
    const service = compose.services.iris;
    const args = readmeDockerRun(fs.readFileSync(path.join(bundleDir, 'README.md'), 'utf8'));
    const value = (flag: string) => args[args.indexOf(flag) + 1];
    assert.equal(service.image, 'iris:1');
    assert.equal(args[args.length - 1], 'iris:1');
    assert.deepEqual(service.ports, [value('-p')]);
    assert.match(value('-p'), /^127\.0\.0\.1:8080:8080$/);
    assert.equal(service.deploy.resources.limits.cpus, value('--cpus'));
    assert.equal(service.deploy.resources.limits.memory, value('--memory').replace('m', 'M'));
    assert.equal(service.read_only, true);
    assert.ok(args.includes('--read-only'));
    assert.deepEqual(service.cap_drop, ['ALL']);
    assert.equal(service.healthcheck.test[0], 'CMD');
    assert.match(service.healthcheck.test.join(' '), /\/healthz/);
    assert.equal(service.build.context, '.');
    assert.equal(service.stop_grace_period, `${value('--stop-timeout')}s`);
  });

  it('writes a Prometheus config promtool accepts, and a Grafana dashboard with a query on every panel', () => {
    const file = path.join(bundleDir, 'monitoring/prometheus.yml');
    const config = parseYaml(fs.readFileSync(file, 'utf8'));
    const kube = config.scrape_configs.find((j: { kubernetes_sd_configs?: unknown }) => j.kubernetes_sd_configs);
    assert.deepEqual(kube.kubernetes_sd_configs, [{ role: 'pod', namespaces: { names: ['modeldock', 'modeldock-dev'] } }]);
    let checked = file;
    if (!promtoolKnowsKubernetes()) {
      // Debian's Prometheus 2.42 is built without Kubernetes discovery, so its promtool rejects the key itself.
      // Check everything else (the relabelling rules included) with file discovery in its place.
      delete kube.kubernetes_sd_configs;
      kube.file_sd_configs = [{ files: ['targets.json'] }];
      checked = path.join(work, 'prometheus-without-kubernetes-sd.yml');
      fs.writeFileSync(checked, stringifyYaml(config));
      // rule_files are relative to the config: the copy needs the alert rules beside it.
      fs.copyFileSync(path.join(bundleDir, 'monitoring/alert-rules.yml'), path.join(work, 'alert-rules.yml'));
    }
    const check = spawnSync('promtool', ['check', 'config', checked], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout + check.stderr, /SUCCESS/);
    assert.match(check.stdout + check.stderr, /SUCCESS: \d+ rules found/, 'the alert rules loaded through rule_files pass too');
    const dashboard = JSON.parse(fs.readFileSync(path.join(bundleDir, 'monitoring/grafana-dashboard.json'), 'utf8'));
    assert.equal(typeof dashboard.title, 'string');
    const panels = (dashboard.panels as Array<{ type: string; targets?: Array<{ expr: string }>; datasource?: { uid: string }; gridPos: object }>)
      .filter((p) => p.type !== 'row');
    assert.ok(panels.length >= 10);
    for (const p of panels) {
      assert.ok(p.targets && p.targets.length > 0 && p.targets.every((t) => t.expr.includes('modeldock_') || /process_|nodejs_/.test(t.expr)));
      assert.equal(p.datasource?.uid, '${datasource}');
    }
  });

  it('writes a .zip that python3 -m zipfile and unzip list and extract, modes kept', async () => {
    const zipped = await engine.invoke('deploy.bundle', { modelPath, image: 'iris:1', outDir: path.join(work, 'out', 'iris-zip'), zip: true });
    assert.equal(zipped.path, path.join(work, 'out', 'iris-zip.zip'));
    assert.equal(zipped.format, 'zip');
    assert.equal(zipped.zipBytes, fs.statSync(zipped.path).size);
    assert.ok(!fs.existsSync(path.join(work, 'out', 'iris-zip')), 'only the .zip is written');
    const py = spawnSync('python3', ['-m', 'zipfile', '-l', zipped.path], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    const test = spawnSync('python3', ['-m', 'zipfile', '-t', zipped.path], { encoding: 'utf8' });
    assert.equal(test.status, 0, test.stdout + test.stderr);
    const listing = spawnSync('unzip', ['-l', zipped.path], { encoding: 'utf8' });
    assert.equal(listing.status, 0, listing.stderr);
    for (const f of zipped.files) {
      assert.ok(py.stdout.includes(`iris-zip/${f.path}`), `${f.path} in python's listing`);
      assert.ok(listing.stdout.includes(`iris-zip/${f.path}`), `${f.path} in unzip's listing`);
    }
    const out = path.join(work, 'unzipped');
    const extract = spawnSync('unzip', ['-q', zipped.path, '-d', out], { encoding: 'utf8' });
    assert.equal(extract.status, 0, extract.stderr);
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: path.join(out, 'iris-zip'), encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.equal(fs.statSync(path.join(out, 'iris-zip', 'onnxruntime/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1')).mode & 0o777, 0o755);
    // The unzipped folder is a bundle a rebuild accepts.
    await bundleBuildDetail(path.join(out, 'iris-zip'));
  });

  it('replaces an earlier bundle but never a folder holding other files', async () => {
    const again = await engine.invoke('deploy.bundle', { modelPath, image: 'iris:2', outDir: bundleDir });
    assert.equal(again.image, 'iris:2');
    assert.match(fs.readFileSync(path.join(bundleDir, 'docker-compose.yml'), 'utf8'), /image: iris:2/);
    const mine = path.join(work, 'mine');
    fs.mkdirSync(mine);
    fs.writeFileSync(path.join(mine, 'notes.txt'), 'keep me');
    await assert.rejects(engine.invoke('deploy.bundle', { modelPath, image: 'iris:1', outDir: mine }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'bundle-target-taken');
      assert.match(e.message, /notes\.txt/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(mine), ['notes.txt']);
  });

  it('modeldock bundle exits 1 and writes nothing when a required check fails, unless allowed', async () => {
    const out = path.join(work, 'out', 'latest-bundle');
    const refused = await runCaptured(['bundle', modelPath, '--image', 'iris:latest', '--out', out], { engine });
    assert.equal(refused.code, 1, refused.stdout);
    assert.match(refused.stderr, /required check/);
    assert.ok(!fs.existsSync(out));
    const allowed = await runCaptured(['bundle', '--spec', specPath, '--image', 'iris:latest', '--out', out, '--allow-failed-checks'], { engine });
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stdout, /Written: .*latest-bundle/);
    assert.match(allowed.stdout, /FAIL/);
    const usage = await runCaptured(['bundle', modelPath, '--out', out], { engine });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /missing --image/);
  });
});

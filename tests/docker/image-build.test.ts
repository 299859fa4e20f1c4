// image.plan / image.build against the real engine: the iris image built from the offline base (no network, no
// RUN step), what the context holds and leaves out, the Dockerfile's rules, the image's metadata, the served
// answers through 127.0.0.1, and layer reuse when the model changes (only the model and settings layers rebuilt).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BuildRecord, ImageBuildProgress } from '../../shared/schemas/docker';
import { createEngine, type Engine } from '../../main/engine/engine';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { docker, httpRequest, ensureServingBuilt, privateOfflineBase, removeImage, runImage } from './image-support';

const TAG = `modeldock-test/iris:image-build-${process.pid}`;
const TAG_V2 = `modeldock-test/iris:image-build-${process.pid}-v2`;

/** The Dockerfile's instructions in order (comments and continuation lines folded away). */
function instructions(dockerfile: string): string[] {
  return dockerfile.replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => l.trim());
}

describe('building the serving image', () => {
  let engine: Engine;
  let dataDir = '';
  let workDir = '';
  let modelPath = '';
  let base = '';
  let first: BuildRecord;

  before(async () => {
    ensureServingBuilt();
    base = await privateOfflineBase();
    const fixtures = await ensureFixtures();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-image-data-'));
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-image-model-'));
    modelPath = path.join(workDir, 'model.onnx');
    fs.copyFileSync(path.join(fixtures, 'iris.onnx'), modelPath);
    fs.writeFileSync(path.join(workDir, 'modeldock.yaml'), [
      'apiVersion: modeldock/v1',
      'model:',
      '  path: model.onnx',
      '  name: iris',
      '  version: "1"',
      'labels: [setosa, versicolor, virginica]',
      'image:',
      `  base: ${base}`,
      '',
    ].join('\n'));
    engine = createEngine({ shell: 'cli', dataDir });
  });
  after(async () => {
    await engine.dispose();
    await removeImage(TAG);
    await removeImage(TAG_V2);
    await removeImage(base);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('plans a context with only the runtime, Linux ONNX Runtime, the model and its settings', async () => {
    const plan = await engine.invoke('image.plan', { modelPath, tag: TAG });
    assert.equal(plan.base, base, 'the spec\'s image.base is used');
    assert.equal(plan.reference, TAG);
    assert.deepEqual(plan.warnings, []);
    const layers = new Set(plan.files.map((f) => f.layer));
    assert.deepEqual([...layers].sort(), ['config', 'dockerfile', 'model', 'onnxruntime', 'runtime']);
    for (const f of plan.files) {
      assert.doesNotMatch(f.path, /darwin|win32|providers|cuda|\.map$|\.d\.ts$|esm\//, `${f.path} does not belong in the image`);
      assert.doesNotMatch(f.path, /^\/|\.\./, 'context paths are relative and stay inside the context');
    }
    assert.ok(plan.files.some((f) => /linux\/x64\/libonnxruntime\.so\.1$/.test(f.path)));
    assert.ok(plan.files.some((f) => /linux\/x64\/onnxruntime_binding\.node$/.test(f.path)));
    assert.deepEqual(plan.files.filter((f) => f.layer === 'model').map((f) => f.path), ['model/model.onnx']);
    assert.ok(!plan.files.some((f) => f.path.includes('modeldock.yaml')), 'the spec is resolved into JSON, not copied');
    // ONNX Runtime + the runtime: the image may add at most 60 MB to the base.
    assert.ok(plan.contextBytes < 60 * 1024 * 1024, `context is ${plan.contextBytes} bytes`);
    assert.equal(plan.modelSha256.length, 64);
    assert.equal(plan.labels['dev.modeldock.managed'], 'true');
    assert.equal(plan.labels['dev.modeldock.model.sha256'], plan.modelSha256);
  });

  it('writes a Dockerfile without RUN, non-root, exec form, with a node health check and labels last', async () => {
    const plan = await engine.invoke('image.plan', { modelPath, tag: TAG });
    const steps = instructions(plan.dockerfile);
    assert.equal(steps[0], `FROM ${base}`);
    assert.ok(!steps.some((s) => /^RUN\b/.test(s)), 'no RUN step: a base without a shell must work');
    assert.ok(steps.includes('USER 10001:10001'));
    assert.ok(steps.includes('EXPOSE 8080'));
    assert.ok(steps.includes('ENV NODE_ENV=production MALLOC_ARENA_MAX=2'), 'two malloc pools, not one per thread: less memory kept resident');
    const entrypoint = steps.find((s) => s.startsWith('ENTRYPOINT '));
    assert.deepEqual(JSON.parse(entrypoint!.slice('ENTRYPOINT '.length)), ['node', '/app/serving/modeldock-serve.js']);
    assert.deepEqual(JSON.parse(steps.find((s) => s.startsWith('CMD '))!.slice(4)), ['--config', '/app/config/runtime.json']);
    const health = steps.find((s) => s.startsWith('HEALTHCHECK '))!;
    const healthCmd = JSON.parse(health.slice(health.indexOf('CMD ') + 4)) as string[];
    assert.equal(healthCmd[0], 'node');
    assert.match(healthCmd[2], /\/healthz/);
    // Rarely-changing layers first, the model and its settings last, labels (with the build time) at the very end.
    const at = (prefix: string) => steps.findIndex((s) => s.startsWith(prefix));
    assert.ok(at('COPY onnxruntime/') < at('COPY runtime/'));
    assert.ok(at('COPY runtime/') < at('COPY model/'));
    assert.ok(at('ENTRYPOINT') < at('COPY model/'), 'metadata steps come before the model so they stay cached');
    assert.ok(at('COPY model/') < at('COPY config/'));
    assert.equal(at('LABEL'), steps.length - 1);
    for (const key of ['title', 'version', 'created', 'source', 'description']) {
      assert.match(steps.at(-1)!, new RegExp(`org\\.opencontainers\\.image\\.${key}=`));
    }
    // Every block is explained for a reader who does not know Docker.
    const lines = plan.dockerfile.split('\n');
    for (const [i, line] of lines.entries()) {
      if (/^(FROM|COPY|USER|EXPOSE|HEALTHCHECK|ENTRYPOINT|LABEL|WORKDIR|ENV)\b/.test(line)) {
        assert.ok(lines.slice(Math.max(0, i - 3), i).some((l) => l.startsWith('#')), `no comment above: ${line}`);
      }
    }
  });

  it('builds the iris image from the offline base with streamed steps, and records it', async () => {
    const events: ImageBuildProgress[] = [];
    first = await engine.invoke('image.build', { modelPath, tag: TAG }, { onProgress: (e) => events.push(e) });
    assert.equal(first.reference, TAG);
    assert.match(first.imageId, /^sha256:[0-9a-f]{64}$/);
    assert.equal(first.present, true);
    assert.equal(first.baseImage, base);
    assert.ok(first.totalSteps >= 10);
    assert.ok(events.some((e) => e.phase === 'context'));
    const stepEvents = events.filter((e) => e.stepIndex !== null);
    assert.ok(stepEvents.some((e) => e.stepText?.startsWith(`Step 1/${first.totalSteps}: FROM`)));
    assert.ok(stepEvents.some((e) => e.stepText?.startsWith(`Step ${first.totalSteps}/${first.totalSteps}: LABEL`)));
    for (let i = 1; i < events.length; i++) assert.ok(events[i].fraction >= events[i - 1].fraction - 1e-9, 'the bar never goes back');
    assert.equal(events.at(-1)!.fraction, 1);
    // Size: base + ONNX Runtime + runtime, within the 60 MB budget.
    assert.ok(first.baseSizeBytes !== null);
    const added = first.sizeBytes - first.modelBytes - first.baseSizeBytes!;
    assert.ok(added > 0 && added < 60 * 1024 * 1024, `image adds ${added} bytes to the base`);

    const info = await docker.getImage(TAG).inspect();
    assert.equal(info.Id, first.imageId);
    assert.equal(info.Config.User, '10001:10001');
    assert.deepEqual(Object.keys(info.Config.ExposedPorts ?? {}), ['8080/tcp']);
    assert.deepEqual(info.Config.Entrypoint, ['node', '/app/serving/modeldock-serve.js']);
    assert.equal((info.Config as { Healthcheck?: { Test?: string[] } }).Healthcheck?.Test?.[0], 'CMD');
    const labels = info.Config.Labels ?? {};
    assert.equal(labels['org.opencontainers.image.title'], 'iris');
    assert.equal(labels['org.opencontainers.image.version'], '1');
    assert.equal(labels['dev.modeldock.model.sha256'], first.modelSha256);
    assert.equal(labels['dev.modeldock.managed'], 'true');
    assert.equal(labels['dev.modeldock.base'], 'false', 'not mistaken for the offline base it was built on');

    const history = await engine.invoke('image.history', { modelPath });
    assert.equal(history.builds[0].imageId, first.imageId);
  });

  it('serves the model from the container: /predict and V2 infer through 127.0.0.1', async () => {
    const running = await runImage(TAG);
    try {
      const predict = await httpRequest(`${running.url}/predict`, JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] }));
      assert.equal(predict.status, 200);
      const body = JSON.parse(predict.text) as { labels: string[]; predictions: number[][] };
      assert.deepEqual(body.labels, ['setosa', 'virginica']);
      const v2 = await httpRequest(`${running.url}/v2/models/iris/infer`,
        JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] }));
      assert.equal(v2.status, 200);
      const out = JSON.parse(v2.text) as { outputs: Array<{ shape: number[]; data: number[] }> };
      assert.deepEqual(out.outputs[0].shape, [1, 3]);
      assert.ok(out.outputs[0].data[0] > 0.9, 'setosa wins');
    } finally {
      await running.stop();
    }
  });

  it('a changed model rebuilds only the model and settings layers; the runtime layers come from the cache', async () => {
    const fixtures = await ensureFixtures();
    // Another model at the same path: a new version of "the model".
    fs.copyFileSync(path.join(fixtures, 'fixed-batch.onnx'), modelPath);
    const events: ImageBuildProgress[] = [];
    const second = await engine.invoke('image.build', { modelPath, tag: TAG_V2 }, { onProgress: (e) => events.push(e) });
    assert.notEqual(second.modelSha256, first.modelSha256);

    // Which steps the builder took from its cache.
    const cachedByStep = new Map<number, { text: string; cached: boolean }>();
    for (const e of events) if (e.stepIndex !== null) cachedByStep.set(e.stepIndex, { text: e.stepText ?? '', cached: e.cached });
    const modelStep = [...cachedByStep].find(([, s]) => /COPY model\//.test(s.text))![0];
    for (const [index, step] of cachedByStep) {
      if (index === 1) continue; // FROM is never reported as cached
      if (index < modelStep) assert.equal(step.cached, true, `expected from cache: ${step.text}`);
      else assert.equal(step.cached, false, `expected rebuilt: ${step.text}`);
    }
    assert.equal(second.cachedSteps, modelStep - 2);
    assert.equal(second.totalSteps - 1 - second.cachedSteps, 3, 'model, settings and labels rebuilt');

    // The file system layers agree up to the model layer: same ONNX Runtime and runtime layers, shared on disk.
    const [a, b] = await Promise.all([docker.getImage(first.imageId).inspect(), docker.getImage(second.imageId).inspect()]);
    const layersA = a.RootFS.Layers ?? [];
    const layersB = b.RootFS.Layers ?? [];
    assert.equal(layersA.length, layersB.length);
    assert.deepEqual(layersA.slice(0, -2), layersB.slice(0, -2), 'base, ONNX Runtime and runtime layers reused');
    assert.notEqual(layersA.at(-2), layersB.at(-2), 'the model layer is new');

    const history = await engine.invoke('image.history', { modelPath });
    assert.deepEqual(history.builds.slice(0, 2).map((h) => h.imageId), [second.imageId, first.imageId], 'newest first');
  });
});

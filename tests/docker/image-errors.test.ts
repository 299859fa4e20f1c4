// What goes wrong around a build, produced for real against the engine: a base image Docker does not have (and
// cannot download here), DOCKER_HOST at a dead socket, a cancelled build (no tag, no leftover containers), a bad
// image name; plus removing a version and external data travelling with its model.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine, type Engine } from '../../main/engine/engine';
import { nodeCommandOf } from '../../main/docker/build-plan';
import { ensureFixtures } from '../fixtures/make-fixtures';
import { rejection } from '../support/rejection';
import { docker, httpRequest, ensureDistrolessLikeBase, ensureServingBuilt, imageExists, privateOfflineBase, removeImage, runImage } from './image-support';

const CANCEL_TAG = `modeldock-test/iris:image-cancel-${process.pid}`;
const REMOVE_TAG = `modeldock-test/iris:image-remove-${process.pid}`;
const EXTERNAL_TAG = `modeldock-test/external:image-external-${process.pid}`;
const DISTROLESS_BASE = `modeldock-test/distroless-like:${process.pid}`;
const DISTROLESS_TAG = `modeldock-test/iris:image-distroless-${process.pid}`;

describe('image build errors, cancel and removal', () => {
  let engine: Engine;
  let dataDir = '';
  let fixtures = '';
  let base = '';

  before(async () => {
    ensureServingBuilt();
    base = await privateOfflineBase();
    fixtures = await ensureFixtures();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-image-errors-'));
    engine = createEngine({ shell: 'cli', dataDir });
  });
  after(async () => {
    await engine.dispose();
    for (const tag of [CANCEL_TAG, `${CANCEL_TAG}-warm`, REMOVE_TAG, EXTERNAL_TAG, DISTROLESS_TAG, DISTROLESS_BASE, base]) await removeImage(tag);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a base image Docker does not have (and cannot pull) is named, with the offline base as the way out', async () => {
    const missing = 'modeldock-test/no-such-base:1';
    const modelPath = path.join(fixtures, 'iris.onnx');
    const plan = await engine.invoke('image.plan', { modelPath, base: missing, tag: CANCEL_TAG });
    assert.match(plan.warnings.join(' '), /does not have modeldock-test\/no-such-base:1/);
    const error = await rejection(engine.invoke('image.build', { modelPath, base: missing, tag: CANCEL_TAG }));
    assert.equal(error.code, 'image-missing', `${error.code}: ${error.message} ${error.detail}`);
    assert.match(error.message, /modeldock-test\/no-such-base:1/);
    assert.match(error.fix ?? '', /modeldock base-image/);
    assert.equal(await imageExists(CANCEL_TAG), false);
  });

  it('DOCKER_HOST at a dead socket: the build says Docker is not running; the plan still shows, with a warning', async () => {
    const saved = process.env.DOCKER_HOST;
    const sock = path.join(dataDir, 'dead.sock');
    process.env.DOCKER_HOST = `unix://${sock}`;
    try {
      const modelPath = path.join(fixtures, 'iris.onnx');
      const error = await rejection(engine.invoke('image.build', { modelPath, base }));
      assert.equal(error.code, 'docker-not-running');
      assert.equal(error.title, 'Docker is not running');
      assert.match(error.message, /dead\.sock/);
      const plan = await engine.invoke('image.plan', { modelPath, base });
      assert.match(plan.warnings[0], /Docker is not running/);
      assert.match(plan.dockerfile, /^FROM /m);
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST; else process.env.DOCKER_HOST = saved;
    }
  });

  it('an invalid image name is refused before anything is sent to Docker', async () => {
    const error = await rejection(engine.invoke('image.plan', { modelPath: path.join(fixtures, 'iris.onnx'), tag: 'Iris Model:1', base }));
    assert.equal(error.code, 'image-tag-invalid');
    assert.match(error.message, /Iris Model:1/);
  });

  it('cancelling mid-build stops it: no tag, no intermediate containers left', async () => {
    // The builder's intermediate containers run "#(nop)" commands; other tests' containers are not counted.
    const intermediates = async () => (await docker.listContainers({ all: true })).filter((c) => c.Command.includes('#(nop)')).length;
    // A complete cached chain first, as a user's earlier build would have left.
    await engine.invoke('image.build', { modelPath: path.join(fixtures, 'iris.onnx'), base, tag: `${CANCEL_TAG}-warm` });
    const containersBefore = await intermediates();
    const controller = new AbortController();
    const steps: number[] = [];
    const pending = engine.invoke('image.build', { modelPath: path.join(fixtures, 'iris.onnx'), base, tag: CANCEL_TAG, noCache: true }, {
      signal: controller.signal,
      onProgress: (e) => {
        if (e.stepIndex !== null) steps.push(e.stepIndex);
        if (e.stepIndex === 3 && !controller.signal.aborted) controller.abort();
      },
    });
    const error = await rejection(pending);
    assert.equal(error.code, 'cancelled');
    assert.ok(Math.max(...steps) < 13, 'stopped before the last step');
    // The daemon finishes tearing down the step it was in; then nothing of the build is left.
    let leftovers = -1;
    for (let i = 0; i < 50; i++) {
      leftovers = (await intermediates()) - containersBefore;
      if (leftovers <= 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(leftovers <= 0, `${leftovers} containers left behind`);
    assert.equal(await imageExists(CANCEL_TAG), false);
    const history = await engine.invoke('image.history', {});
    assert.ok(!history.builds.some((b) => b.reference === CANCEL_TAG), 'a cancelled build is not in the history');

    // The cancelled build's own step results are gone, so the next ordinary build still finds the complete cached
    // chain (the builder prefers the newest match, which would otherwise be the cancelled build's unfinished one).
    const events: Array<{ stepText: string | null; cached: boolean }> = [];
    await engine.invoke('image.build', { modelPath: path.join(fixtures, 'iris.onnx'), base, tag: CANCEL_TAG }, { onProgress: (e) => events.push(e) });
    const ortStep = events.filter((e) => /COPY onnxruntime\//.test(e.stepText ?? ''));
    assert.ok(ortStep.length > 0 && ortStep.at(-1)!.cached, 'the ONNX Runtime layer came from the cache after a cancelled build');
  });

  it('external data files travel in the model layer and the model loads from them in the container', async () => {
    const modelPath = path.join(fixtures, 'external-ok.onnx');
    const plan = await engine.invoke('image.plan', { modelPath, base, tag: EXTERNAL_TAG });
    assert.deepEqual(plan.files.filter((f) => f.layer === 'model').map((f) => f.path).sort(), ['model/external-ok.onnx', 'model/external-ok.weights']);
    assert.match(plan.dockerfile, /its 1 external data file/);
    await engine.invoke('image.build', { modelPath, base, tag: EXTERNAL_TAG });
    const running = await runImage(EXTERNAL_TAG);
    try {
      const answer = await httpRequest(`${running.url}/predict`, JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] }));
      assert.equal(answer.status, 200);
    } finally {
      await running.stop();
    }
  });

  it('a model whose external data escapes its folder is refused', async () => {
    const error = await rejection(engine.invoke('image.plan', { modelPath: path.join(fixtures, 'external-escape.onnx'), base }));
    assert.equal(error.code, 'external-data-invalid');
    assert.match(error.message, /outside the model's folder/);
  });

  it('removing a version deletes the image and forgets it; images ModelDock did not build are left alone', async () => {
    const record = await engine.invoke('image.build', { modelPath: path.join(fixtures, 'iris.onnx'), base, tag: REMOVE_TAG });
    assert.ok((await engine.invoke('image.history', {})).builds.some((b) => b.imageId === record.imageId));
    const foreign = await rejection(engine.invoke('image.remove', { image: base }));
    assert.equal(foreign.code, 'image-not-managed');
    assert.equal(await imageExists(base), true, 'the base image is left alone');
    const result = await engine.invoke('image.remove', { image: REMOVE_TAG });
    assert.equal(result.removed, true);
    assert.equal(await imageExists(record.imageId), false);
    assert.ok(!(await engine.invoke('image.history', {})).builds.some((b) => b.imageId === record.imageId));
  });

  it('a distroless-style base (node not on PATH, ENTRYPOINT names it) gets that path in ENTRYPOINT and HEALTHCHECK', async () => {
    assert.equal(nodeCommandOf(['docker-entrypoint.sh'], ['node']), 'node');
    assert.equal(nodeCommandOf(null, null), 'node');
    await ensureDistrolessLikeBase(DISTROLESS_BASE);
    const modelPath = path.join(fixtures, 'iris.onnx');
    const plan = await engine.invoke('image.plan', { modelPath, base: DISTROLESS_BASE, tag: DISTROLESS_TAG });
    assert.match(plan.dockerfile, /^ENTRYPOINT \["\/nodejs\/bin\/node", "\/app\/serving\/modeldock-serve\.js"\]$/m);
    assert.match(plan.dockerfile, /CMD \["\/nodejs\/bin\/node", "-e"/);
    await engine.invoke('image.build', { modelPath, base: DISTROLESS_BASE, tag: DISTROLESS_TAG });
    const running = await runImage(DISTROLESS_TAG);
    try {
      const answer = await httpRequest(`${running.url}/predict`, JSON.stringify({ instances: [[5.1, 3.5, 1.4, 0.2]] }));
      assert.equal(answer.status, 200);
      assert.deepEqual(JSON.parse(answer.text).labels, ['setosa']);
    } finally {
      await running.stop();
    }
  });
});

import { after, before } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import { createEngine, type Engine } from '../../../main/engine/engine';
import { OFFLINE_BASE_IMAGE } from '../../../shared/schemas/spec';
import { ensureFixtures } from '../../fixtures/make-fixtures';
import { ensureBuilt } from '../../support/ensure-built';

/**
 * The image the run and push tests use: the iris fixture built through the engine from the offline base. One tag per
 * test file (process): files run side by side, and a rebuild under a shared tag would move it to a new image id
 * under another file's feet.
 */
export const SERVING_TEST_TAG = `modeldock-test/iris-run:${process.pid}`;

export interface ServingImage {
  reference: string;
  imageId: string;
  modelPath: string;
}

/**
 * Builds (or rebuilds from cache: a second call is a fraction of a second) the iris serving image with
 * `image.build`, so the engine's build history knows it. Without an engine a temporary one is used.
 */
export async function ensureServingImage(engine?: Engine, tag = SERVING_TEST_TAG): Promise<ServingImage> {
  ensureBuilt();
  const modelPath = path.join(await ensureFixtures(), 'iris.onnx');
  let own: { engine: Engine; dataDir: string } | null = null;
  if (!engine) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-image-'));
    own = { engine: createEngine({ shell: 'cli', dataDir }), dataDir };
  }
  const use = engine ?? own!.engine;
  try {
    await use.invoke('docker.makeBase', {});
    const record = await use.invoke('image.build', { modelPath, base: OFFLINE_BASE_IMAGE, tag });
    return { reference: record.reference, imageId: record.imageId, modelPath };
  } finally {
    if (own) {
      await own.engine.dispose();
      fs.rmSync(own.dataDir, { recursive: true, force: true });
    }
  }
}

/** Removes the test file's image (its layers stay cached for the next file). */
export async function removeServingImage(image: ServingImage | undefined): Promise<void> {
  if (!image) return;
  await new Docker().getImage(image.reference).remove({ force: true, noprune: true }).catch(() => {});
}

export interface ServingFixture {
  engine: Engine;
  dataDir: string;
  image: ServingImage;
}

/**
 * For a describe block: an engine with a data folder of its own and this file's serving image, made before the
 * tests and removed after them. The fields are filled in by the before hook.
 */
export function useServingImage(prefix: string): ServingFixture {
  const fx = {} as ServingFixture;
  before(async () => {
    fx.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fx.engine = createEngine({ shell: 'cli', dataDir: fx.dataDir });
    fx.image = await ensureServingImage(fx.engine);
  });
  after(async () => {
    await fx.engine?.dispose();
    await removeServingImage(fx.image);
    if (fx.dataDir) fs.rmSync(fx.dataDir, { recursive: true, force: true });
  });
  return fx;
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import type { ImagePlan } from '../../shared/schemas/docker';
import type { BuildPlanDetail } from '../docker/build-plan';
import { imageReference, isValidReference } from '../docker/build-plan';
import { tarSize, type TarEntry } from '../docker/tar-stream';
import { BUNDLE_PATHS } from './bundle-layout';
import { readBundleManifest, verifyBundleFiles, type BundleManifest } from './bundle-manifest';

/**
 * Turns a bundle folder back into a build: the Dockerfile and the context files the manifest lists, in the
 * recorded order with the recorded modes, after checking each file's sha256. The archive sent to Docker is then
 * byte-for-byte the one the original build sent (tar-stream.ts fixes owners and mtimes), so the layers come out
 * the same. Nothing outside the bundle is read: no ModelDock checkout, no spec resolution.
 */
export async function bundleBuildDetail(bundleDir: string, options: { tag?: string } = {}): Promise<BuildPlanDetail & { manifest: BundleManifest }> {
  const root = path.resolve(bundleDir);
  const stat = fs.statSync(root, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    throw new ModelDockError({
      code: 'bundle-not-found',
      title: 'Bundle folder not found',
      message: stat ? `${root} is a file, not a bundle folder${root.endsWith('.zip') ? ' (unzip it first)' : ''}.` : `${root} does not exist.`,
      fix: 'Give the folder "modeldock bundle" wrote (unzip a .zip bundle first).',
    });
  }
  const manifest = readBundleManifest(root);
  const contextFiles = manifest.context.filter((c) => c.type === 'file');
  const unlisted = contextFiles.filter((c) => !manifest.files.some((f) => f.path === c.path));
  if (unlisted.length > 0 || contextFiles[0]?.path !== BUNDLE_PATHS.dockerfile) {
    throw new ModelDockError({
      code: 'bundle-manifest-invalid',
      title: 'The bundle\'s manifest is incomplete',
      message: unlisted.length > 0 ? `The build context lists ${unlisted[0].path}, which has no sha256 in the manifest.` : 'The build context does not start with the Dockerfile.',
      fix: 'Make the bundle again with "modeldock bundle".',
    });
  }
  await verifyBundleFiles(root, manifest, new Set(contextFiles.map((c) => c.path)));

  const sizes = new Map(manifest.files.map((f) => [f.path, f.bytes]));
  const entries: TarEntry[] = manifest.context.map((c): TarEntry => (c.type === 'dir'
    ? { type: 'dir', name: c.path, mode: c.mode }
    : { type: 'file', name: c.path, mode: c.mode, source: { path: path.join(root, ...c.path.split('/')), size: sizes.get(c.path) ?? 0 } }));

  const reference = options.tag ? imageReference(options.tag, manifest.model.name, manifest.model.version) : manifest.image.reference;
  if (!isValidReference(reference)) {
    throw new ModelDockError({
      code: 'image-tag-invalid',
      title: 'That image name is not valid',
      message: `"${reference}" is not an image name Docker accepts.`,
      fix: 'Give --tag NAME:TAG, e.g. iris:1.',
    });
  }
  const dockerfile = fs.readFileSync(path.join(root, BUNDLE_PATHS.dockerfile), 'utf8');
  const plan: ImagePlan = {
    reference,
    base: manifest.image.base,
    platform: manifest.image.platform,
    dockerfile,
    files: contextFiles.map((c) => ({ path: c.path, bytes: sizes.get(c.path) ?? 0, layer: c.layer ?? (c.path === BUNDLE_PATHS.dockerfile ? 'dockerfile' : 'context') })),
    contextBytes: tarSize(entries),
    modelName: manifest.model.name,
    modelVersion: manifest.model.version,
    modelSha256: manifest.model.sha256,
    modelBytes: manifest.model.bytes,
    labels: manifest.image.labels,
    containerPort: manifest.image.containerPort,
    warnings: [],
  };
  return {
    plan,
    entries,
    modelPath: path.join(root, ...manifest.model.file.split('/')),
    specPath: path.join(root, manifest.spec),
    base: null,
    manifest,
  };
}

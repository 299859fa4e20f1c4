import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonFile } from '../engine/read-json-file';
import { z } from 'zod';
import { ModelDockError } from '../../shared/errors';
import { BundleFileSchema, type BundleFile } from '../../shared/schemas/bundle';
import { PlatformSchema } from '../../shared/schemas/spec';
import { sha256File } from '../docker/build-plan';

/**
 * bundle-manifest.json: what the bundle is (image, model, the build context in archive order with modes and
 * layers) and the sha256 of every other file, so a copy can be checked before anything is built or deployed.
 * SHA256SUMS says the same in the format `sha256sum -c` reads.
 */

export const BUNDLE_FORMAT = 'modeldock-bundle/v1';
export const MANIFEST_FILE = 'bundle-manifest.json';
export const CHECKSUMS_FILE = 'SHA256SUMS';

const ContextEntrySchema = z.object({
  path: z.string().min(1),
  type: z.enum(['file', 'dir']),
  mode: z.number().int().min(0).max(0o7777),
  /** Which Dockerfile step copies it (files only). */
  layer: z.string().optional(),
});
export type ContextEntry = z.infer<typeof ContextEntrySchema>;

export const BundleManifestSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  createdBy: z.string(),
  createdAt: z.string(),
  image: z.object({
    reference: z.string(),
    digest: z.string().nullable(),
    base: z.string(),
    platform: PlatformSchema,
    containerPort: z.number().int(),
    labels: z.record(z.string(), z.string()),
  }),
  model: z.object({
    name: z.string(),
    version: z.string(),
    sha256: z.string(),
    bytes: z.number().int(),
    /** Relative to the bundle root. */
    file: z.string(),
  }),
  spec: z.string(),
  /** The build context exactly as sent to Docker, in order; the Dockerfile comes first. */
  context: z.array(ContextEntrySchema),
  files: z.array(BundleFileSchema),
});
export type BundleManifest = z.infer<typeof BundleManifestSchema>;

/** sha256 and size of each file (paths relative to root, forward slashes), in the order given. */
export async function hashFiles(root: string, relativePaths: string[]): Promise<BundleFile[]> {
  const out: BundleFile[] = [];
  for (const rel of relativePaths) {
    const file = path.join(root, ...rel.split('/'));
    out.push({ path: rel, bytes: fs.statSync(file).size, sha256: await sha256File(file) });
  }
  return out;
}

export function checksumsText(files: BundleFile[]): string {
  return files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
}

export function readBundleManifest(bundleDir: string): BundleManifest {
  const file = path.join(bundleDir, MANIFEST_FILE);
  return readJsonFile(file, BundleManifestSchema, {
    unreadable: (code, detail) => ({
      code: 'bundle-not-found',
      title: code === 'ENOENT' ? 'Not a deploy bundle' : 'The bundle\'s manifest cannot be read',
      message: code === 'ENOENT'
        ? `${bundleDir} has no ${MANIFEST_FILE}, so it is not a folder made by "modeldock bundle".`
        : `${file} is not valid JSON (${detail}).`,
      fix: 'Give the folder "modeldock bundle" wrote (unzip a .zip bundle first), or make the bundle again.',
    }),
    invalid: (problem) => ({
      code: 'bundle-manifest-invalid',
      title: 'The bundle\'s manifest is not one ModelDock understands',
      message: `${file}: ${problem}.`,
      fix: 'Make the bundle again with this version of ModelDock.',
    }),
  });
}

/**
 * Checks the listed files (all of the manifest's by default) against their recorded size and sha256; throws
 * with every difference named, because a rebuilt image must be the one the bundle describes.
 */
export async function verifyBundleFiles(bundleDir: string, manifest: BundleManifest, only?: Set<string>): Promise<void> {
  const problems: string[] = [];
  for (const expected of manifest.files) {
    if (only && !only.has(expected.path)) continue;
    const file = path.join(bundleDir, ...expected.path.split('/'));
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      problems.push(`${expected.path} is missing`);
      continue;
    }
    if (stat.size !== expected.bytes) problems.push(`${expected.path} has ${stat.size} bytes, not ${expected.bytes}`);
    else if ((await sha256File(file)) !== expected.sha256) problems.push(`${expected.path} has different content (sha256)`);
  }
  if (problems.length > 0) {
    throw new ModelDockError({
      code: 'bundle-changed',
      title: 'The bundle was changed after it was made',
      message: `${problems.length} file(s) differ from ${MANIFEST_FILE}: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; ...' : ''}.`,
      fix: 'Copy the bundle again from where it was made (or make it again with "modeldock bundle"); an edited bundle would not build the image it describes.',
    });
  }
}

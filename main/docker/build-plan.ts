import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { ModelDockError } from '../../shared/errors';
import type { ImageBuildRequest, ImagePlan } from '../../shared/schemas/docker';
import type { RuntimeConfig } from '../../shared/schemas/serving';
import { DEFAULT_BASE_IMAGE, OFFLINE_BASE_IMAGE, type Platform } from '../../shared/schemas/spec';
import { APP_VERSION, ORT_VERSION } from '../engine/versions';
import { inspectOnnx } from '../model/onnx-inspect';
import { resolveRuntimeConfigDetailed } from '../serving/resolve-runtime-config';
import { findServingRuntime } from '../serving/runtime-script';
import { readSpec } from '../spec/spec-file';
import { CONTEXT_DIRS, IMAGE_PATHS, renderDockerfile } from './dockerfile';
import { findImage } from './image-lookup';
import { splitTag } from './image-reference';
import { findImageSource } from './image-source';
import { MANAGED_LABEL, MODEL_NAME_LABEL, MODEL_SHA_LABEL } from './labels';
import { onnxRuntimeBinaryDir, onnxRuntimePackageDir } from './onnxruntime-files';
import type { TarEntry } from './tar-stream';
import { tarSize } from './tar-stream';

/**
 * Resolves a build request (model, spec, tag, base, platform) into what the build does: the Dockerfile, the exact
 * files of the build context (and which layer copies each), the labels and the image reference. Nothing from the
 * user's folder goes in except the model and its external data files; the spec itself is resolved into JSON.
 */

export interface BuildPlanDetail {
  plan: ImagePlan;
  /** The build context, in archive order (Dockerfile first). */
  entries: TarEntry[];
  modelPath: string;
  specPath: string | null;
  /** What the engine said about the base image; null when it does not have it (or was not asked). */
  base: { id: string; sizeBytes: number; platform: string } | null;
}

interface PlannedFile { contextPath: string; hostPath: string; bytes: number; layer: string; mode: number }

/** The native parts ONNX Runtime loads on Linux; provider plugins (CUDA, TensorRT...) are left out on purpose. */
const ORT_NATIVE = /^(libonnxruntime\.so(\.\d+)*|onnxruntime_binding\.node)$/;

export async function makeBuildPlan(request: ImageBuildRequest, docker: Docker | null, now = new Date()): Promise<BuildPlanDetail> {
  const resolved = await resolveRuntimeConfigDetailed(request.modelPath, request.specPath);
  const modelPath = resolved.config.model.path;
  const spec = resolved.specPath ? readSpec(resolved.specPath).spec : null;
  const settings = spec?.image;

  const summary = await inspectOnnx(modelPath);
  const broken = summary.externalData.find((f) => f.problem || !f.resolvedPath);
  if (broken) {
    throw new ModelDockError({
      code: 'external-data-invalid',
      title: 'The model\'s external data cannot be packaged',
      message: `External data file "${broken.location}": ${broken.problem ?? 'it could not be found.'}`,
      fix: 'Fix the model\'s external data (the Model step\'s validation shows how), then build again.',
    });
  }

  const modelName = resolved.config.model.name;
  const modelVersion = resolved.config.model.version;
  const platform: Platform = request.platform ?? settings?.platform ?? 'linux/amd64';
  const baseName = request.base ?? settings?.base ?? DEFAULT_BASE_IMAGE;
  const reference = imageReference(request.tag, settings?.name ?? modelName, settings?.tag ?? modelVersion);

  const warnings: string[] = [];
  const base = docker ? await inspectBase(docker, baseName) : null;
  if (docker && !base) {
    warnings.push(baseName === OFFLINE_BASE_IMAGE
      ? `Docker does not have the offline base ${baseName} yet: create it first ("Create offline base", or modeldock base-image).`
      : `Docker does not have ${baseName} yet, so the build downloads it (internet needed). Offline? Create the offline base (modeldock base-image) and build from ${OFFLINE_BASE_IMAGE}.`);
  }
  if (base && base.platform !== platform) {
    warnings.push(`The base image ${baseName} is for ${base.platform}, but the image is for ${platform}: Docker will try to download a ${platform} variant of it.`);
  }

  const modelFile = path.basename(modelPath);
  const files: PlannedFile[] = [
    ...onnxRuntimeFiles(platform),
    ...runtimeFiles(),
    modelEntry(modelPath, `${CONTEXT_DIRS.model}/${modelFile}`),
    ...summary.externalData.map((f) => modelEntry(f.resolvedPath as string, `${CONTEXT_DIRS.model}/${path.normalize(f.location).split(path.sep).join('/')}`)),
  ];

  const imageConfig: RuntimeConfig = {
    ...resolved.config,
    model: { ...resolved.config.model, path: `${IMAGE_PATHS.model}/${modelFile}` },
  };
  const configData = Buffer.from(`${JSON.stringify(imageConfig, null, 2)}\n`);

  const modelSha256 = await sha256File(modelPath);
  const modelBytes = files.filter((f) => f.layer === 'model').reduce((sum, f) => sum + f.bytes, 0);
  const source = findImageSource(path.dirname(resolved.specPath ?? modelPath));
  const labels: Record<string, string> = {
    'org.opencontainers.image.title': modelName,
    'org.opencontainers.image.version': modelVersion,
    'org.opencontainers.image.created': now.toISOString(),
    'org.opencontainers.image.description': resolved.config.model.description ?? `ModelDock serving image for the model ${modelName}`,
    'org.opencontainers.image.source': source.source ?? modelFile,
    ...(source.revision ? { 'org.opencontainers.image.revision': source.revision } : {}),
    'org.opencontainers.image.base.name': baseName,
    [MODEL_NAME_LABEL]: modelName,
    [MODEL_SHA_LABEL]: modelSha256,
    'dev.modeldock.model.file': modelFile,
    'dev.modeldock.version': APP_VERSION,
    // The offline base marks itself dev.modeldock.base=offline; a serving image built on it is not a base.
    ...(base?.labels['dev.modeldock.base'] ? { 'dev.modeldock.base': 'false' } : {}),
    [MANAGED_LABEL]: 'true',
  };

  const dockerfile = renderDockerfile({
    base: baseName,
    platform,
    nodeCommand: base?.nodeCommand ?? 'node',
    modelName,
    modelVersion,
    modelFile,
    modelFileCount: 1 + summary.externalData.length,
    containerPort: imageConfig.serving.port,
    ortVersion: ORT_VERSION,
    labels,
  });

  const entries: TarEntry[] = [
    { type: 'file', name: 'Dockerfile', source: { data: Buffer.from(dockerfile) } },
    ...directoriesOf(files.map((f) => f.contextPath).concat(`${CONTEXT_DIRS.config}/runtime.json`)),
    ...files.map((f): TarEntry => ({ type: 'file', name: f.contextPath, mode: f.mode, source: { path: f.hostPath, size: f.bytes } })),
    { type: 'file', name: `${CONTEXT_DIRS.config}/runtime.json`, source: { data: configData } },
  ];

  const plan: ImagePlan = {
    reference,
    base: baseName,
    platform,
    dockerfile,
    files: [
      { path: 'Dockerfile', bytes: Buffer.byteLength(dockerfile), layer: 'dockerfile' },
      ...files.map((f) => ({ path: f.contextPath, bytes: f.bytes, layer: f.layer })),
      { path: `${CONTEXT_DIRS.config}/runtime.json`, bytes: configData.length, layer: 'config' },
    ],
    contextBytes: tarSize(entries),
    modelName,
    modelVersion,
    modelSha256,
    modelBytes,
    labels,
    containerPort: imageConfig.serving.port,
    warnings,
  };
  return {
    plan, entries, modelPath, specPath: resolved.specPath,
    base: base ? { id: base.id, sizeBytes: base.sizeBytes, platform: base.platform } : null,
  };
}

/** "name:tag" from the request, else the spec's image name and tag, else the model's name and version. */
export function imageReference(requested: string | undefined, name: string, tag: string): string {
  if (requested) {
    const [repo, explicitTag] = splitTag(requested);
    const full = `${repo}:${explicitTag ?? safeTag(tag)}`;
    if (!isValidReference(full)) throw invalidReference(requested);
    return full;
  }
  const full = `${name.toLowerCase()}:${safeTag(tag)}`;
  if (!isValidReference(full)) throw invalidReference(full);
  return full;
}

/** A model version as an image tag: "1.0+build 7" -> "1.0-build-7". */
export function safeTag(version: string): string {
  const tag = version.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '').slice(0, 128);
  return tag || 'latest';
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const REFERENCE = new RegExp(`^(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?${COMPONENT}(?:/${COMPONENT})*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`);

export function isValidReference(reference: string): boolean {
  return reference.length <= 255 && REFERENCE.test(reference);
}

function invalidReference(given: string): ModelDockError {
  return new ModelDockError({
    code: 'image-tag-invalid',
    title: 'That image name is not valid',
    message: `"${given}" is not an image name Docker accepts: use lower-case letters, digits, dots, dashes and slashes, then ":" and a tag (e.g. "team/iris:3").`,
    fix: 'Change the image name and tag, e.g. iris:1 or registry.example.com/team/iris:1.',
  });
}

interface BaseInfo { id: string; sizeBytes: number; platform: string; nodeCommand: string; labels: Record<string, string> }

async function inspectBase(docker: Docker, reference: string): Promise<BaseInfo | null> {
  const info = await findImage(docker, reference);
  if (!info) return null;
  return {
    id: info.Id,
    sizeBytes: info.Size,
    platform: `${info.Os || 'linux'}/${info.Architecture}${info.Variant && info.Architecture !== 'arm64' ? `/${info.Variant}` : ''}`,
    nodeCommand: nodeCommandOf(info.Config?.Entrypoint, info.Config?.Cmd),
    labels: info.Config?.Labels ?? {},
  };
}

/**
 * A base that names its own node binary (distroless: ENTRYPOINT ["/nodejs/bin/node"]) may not have node on PATH,
 * so the Dockerfile uses that path; otherwise plain "node" from the image's PATH.
 */
export function nodeCommandOf(entrypoint: unknown, cmd: unknown): string {
  const parts = [entrypoint, cmd].flatMap((v) => (Array.isArray(v) ? v : typeof v === 'string' ? [v] : []));
  const absolute = parts.find((p): p is string => typeof p === 'string' && /^\/\S*\/node(js)?$/.test(p));
  return absolute ?? 'node';
}

function onnxRuntimeFiles(platform: Platform): PlannedFile[] {
  const nodeDir = onnxRuntimePackageDir();
  const commonDir = packageDirOf(require.resolve('onnxruntime-common', { paths: [nodeDir] }), 'onnxruntime-common');
  const out: PlannedFile[] = [];
  const add = (hostPath: string, contextPath: string, mode = 0o644) => {
    out.push({ hostPath, contextPath: `${CONTEXT_DIRS.onnxruntime}/${contextPath}`, bytes: fs.statSync(hostPath).size, layer: 'onnxruntime', mode });
  };
  // Only what require() loads: package.json (main/exports) and the CommonJS files; no maps, types or ESM copies.
  add(path.join(commonDir, 'package.json'), 'onnxruntime-common/package.json');
  for (const file of walk(path.join(commonDir, 'dist', 'cjs'))) {
    if (file.endsWith('.js') || path.basename(file) === 'package.json') {
      add(file, `onnxruntime-common/${path.relative(commonDir, file).split(path.sep).join('/')}`);
    }
  }
  add(path.join(nodeDir, 'package.json'), 'onnxruntime-node/package.json');
  for (const name of fs.readdirSync(path.join(nodeDir, 'dist')).sort()) {
    if (name.endsWith('.js')) add(path.join(nodeDir, 'dist', name), `onnxruntime-node/dist/${name}`);
  }
  const binDir = onnxRuntimeBinaryDir(platform);
  const arch = path.basename(binDir);
  for (const name of fs.readdirSync(binDir).sort()) {
    if (ORT_NATIVE.test(name)) add(path.join(binDir, name), `onnxruntime-node/bin/napi-v6/linux/${arch}/${name}`, 0o755);
  }
  return out;
}

/** onnxruntime-common does not export its package.json, so walk up from its entry file to the one naming it. */
function packageDirOf(entryFile: string, name: string): string {
  for (let dir = path.dirname(entryFile); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      if ((JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name === name) return dir;
    } catch {
      // no package.json here, or one without a name (dist/cjs has {"type": "commonjs"})
    }
  }
  throw new Error(`${name}: no package.json above ${entryFile}`);
}

function runtimeFiles(): PlannedFile[] {
  const dir = path.dirname(findServingRuntime());
  return ['modeldock-serve.js', 'inference-thread.js', 'image-thread.js', 'mozjpeg_dec.wasm', 'THIRD_PARTY_NOTICES.txt'].map((name) => {
    const hostPath = path.join(dir, name);
    if (!fs.existsSync(hostPath)) {
      throw new ModelDockError({
        code: 'serve-runtime-missing',
        title: 'The serving runtime is not built',
        message: `${hostPath} is missing, so the image would have no server.`,
        fix: 'Run `npm run build` in the ModelDock folder, then build the image again.',
      });
    }
    return { hostPath, contextPath: `${CONTEXT_DIRS.runtime}/${name}`, bytes: fs.statSync(hostPath).size, layer: 'runtime', mode: 0o644 };
  });
}

function modelEntry(hostPath: string, contextPath: string): PlannedFile {
  return { hostPath, contextPath, bytes: fs.statSync(hostPath).size, layer: 'model', mode: 0o644 };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

function directoriesOf(files: string[]): TarEntry[] {
  const dirs = new Set<string>();
  for (const file of files) {
    const parts = file.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort().map((name) => ({ type: 'dir', name }));
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

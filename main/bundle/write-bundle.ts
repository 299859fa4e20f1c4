import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { ModelDockError } from '../../shared/errors';
import type { BundleManifest } from './bundle-manifest';
import type { BundleRequest, BundleResult } from '../../shared/schemas/bundle';
import { DeployManifestsRequestSchema, KubernetesSettingsSchema, type DeployManifests, type GeneratedFile } from '../../shared/schemas/kubernetes';
import type { RuntimeConfig } from '../../shared/schemas/serving';
import type { StepProgress } from '../../shared/schemas/validation';
import type { BuildPlanDetail } from '../docker/build-plan';
import { APP_VERSION } from '../engine/versions';
import type { EngineServices } from '../engine/types';
import { generateManifests } from '../kubernetes/generate-manifests';
import { monitoringFiles } from '../monitoring/monitoring-exports';
import { prometheusJobNames } from '../monitoring/prometheus-config';
import { exampleFor } from '../serving/try-protocols';
import { readSpec } from '../spec/spec-file';
import { BUNDLE_PATHS, dockerignoreText } from './bundle-layout';
import { BUNDLE_FORMAT, CHECKSUMS_FILE, checksumsText, hashFiles, MANIFEST_FILE } from './bundle-manifest';
import { planBundleImage } from './bundle-image-plan';
import { bundleProvenance } from './bundle-provenance';
import { bundleReadme } from './bundle-readme';
import { bundleSpecText } from './bundle-spec';
import { composeFile, nodeCommandOfDockerfile } from './compose-file';
import { localRunSettings, localUrl } from './local-run';
import { describeServedModel, openApiText } from './openapi-document';
import { writeZip } from './zip-writer';

/**
 * Makes a deploy bundle: plans the image exactly as a build would (build-plan.ts), generates the manifests
 * (refusing on a failed required check unless allowed), writes everything into a hidden staging folder beside
 * the target and only then moves it into place (or packs it into the .zip), so a failure never leaves half a
 * bundle, and an earlier bundle is replaced only by a complete new one.
 */

/** The build context's files get the tar's fixed mtime (2000-01-01) on disk too: `docker build .` then copies the same metadata. */
const FIXED_MTIME = new Date(946684800 * 1000);

const STEPS = ['Planning the image', 'Describing the API', 'Generating the Kubernetes manifests', 'Copying the build context',
  'Writing the deployment files', 'Recording sha256 of every file', 'Putting the bundle in place'] as const;

export interface BundleCallContext {
  signal: AbortSignal;
  onProgress: (event: StepProgress) => void;
}

export async function writeBundle(services: EngineServices, request: BundleRequest, ctx: BundleCallContext): Promise<BundleResult> {
  const step = (name: (typeof STEPS)[number]) => {
    if (ctx.signal.aborted) throw cancelled();
    ctx.onProgress({ step: name, index: STEPS.indexOf(name), total: STEPS.length });
  };
  const warnings: string[] = [];
  const target = bundleTarget(request);

  step('Planning the image');
  const docker = await optionalDocker(services, request.context, warnings);
  const { detail, matchedBuild, mismatch } = await planBundleImage(request, docker, services.builds);
  const { plan } = detail;
  warnings.push(...plan.warnings, ...(mismatch ? [mismatch] : []));
  const spec = detail.specPath ? readSpec(detail.specPath) : null;
  const runtimeConfig = JSON.parse(configText(detail)) as RuntimeConfig;
  const provenance = bundleProvenance(detail.modelPath, plan.modelSha256);
  warnings.push(...provenance.warnings);

  step('Describing the API');
  // The runtime's own reading of the model: which inputs it will decode images for.
  const served = await describeServedModel(services.inference, runtimeConfig, detail.modelPath, ctx.signal);

  step('Generating the Kubernetes manifests');
  const settings = KubernetesSettingsSchema.parse(request.kubernetes ?? spec?.spec?.kubernetes ?? {});
  const manifestsRequest = DeployManifestsRequestSchema.safeParse({
    model: { name: plan.modelName, version: plan.modelVersion, takesImages: served.imageInputs.size > 0 },
    serving: runtimeConfig.serving,
    settings,
    image: plan.reference,
    ...(request.digest ? { digest: request.digest } : {}),
    ...(request.loadTest ? { loadTest: request.loadTest } : {}),
    ...(request.coldStartMs !== undefined ? { coldStartMs: request.coldStartMs } : {}),
  });
  if (!manifestsRequest.success) {
    const first = manifestsRequest.error.issues[0];
    throw new ModelDockError({
      code: 'bundle-manifests-invalid',
      title: 'The Kubernetes manifests cannot be made',
      message: `${first.path.join('.') || '(root)'}: ${first.message}.`,
      fix: 'Change the model name or the kubernetes settings in modeldock.yaml, then make the bundle again.',
    });
  }
  const manifests = generateManifests(manifestsRequest.data);
  refuseFailedChecks(manifests, request.allowFailedChecks, target.path);
  warnings.push(...manifests.warnings);

  const run = localRunSettings(plan.modelName, plan.reference, runtimeConfig.serving, settings);
  const exampleTarget = { baseUrl: localUrl(run), modelName: plan.modelName };

  const staging = path.join(path.dirname(target.path), `.${path.basename(target.folderName)}.partial-${randomBytes(4).toString('hex')}`);
  try {
    step('Copying the build context');
    fs.mkdirSync(path.dirname(staging), { recursive: true });
    fs.mkdirSync(staging);
    const context = copyContext(detail, staging);

    step('Writing the deployment files');
    const modelFile = detail.plan.files.find((f) => f.layer === 'model' && f.path === `model/${path.basename(detail.modelPath)}`)?.path ?? `model/${path.basename(detail.modelPath)}`;
    const files: GeneratedFile[] = [
      { path: BUNDLE_PATHS.dockerignore, content: dockerignoreText([...new Set(context.map((c) => c.path.split('/')[0]))]) },
      {
        path: BUNDLE_PATHS.spec,
        content: bundleSpecText({
          originalText: spec?.exists ? spec.text : null, config: runtimeConfig, modelPath: modelFile, image: plan.reference,
          base: plan.base, platform: plan.platform, kubernetes: request.kubernetes ? settings : null,
        }),
      },
      ...manifests.files,
      { path: BUNDLE_PATHS.compose, content: composeFile(run, nodeCommandOfDockerfile(plan.dockerfile)) },
      { path: BUNDLE_PATHS.openapi, content: openApiText(served) },
      // Grafana dashboard, Prometheus config and the alert rules it loads, from the spec's monitoring: thresholds.
      ...monitoringFiles({
        modelName: plan.modelName, modelVersion: plan.modelVersion, monitoring: spec?.spec?.monitoring, maxQueue: runtimeConfig.serving.maxQueue,
        namespace: settings.namespace, localTarget: `127.0.0.1:${run.hostPort}`,
      }).map((f) => ({ path: `${path.posix.dirname(BUNDLE_PATHS.grafana)}/${f.name}`, content: f.content })),
      {
        path: BUNDLE_PATHS.readme,
        content: bundleReadme({
          modelName: plan.modelName, modelVersion: plan.modelVersion, image: plan.reference, deployedImage: manifests.image,
          platform: plan.platform, base: plan.base, modelFile, run,
          examples: {
            lesson: exampleFor('lesson', served.inputs, exampleTarget),
            v1: exampleFor('v1', served.inputs, exampleTarget),
            v2: exampleFor('v2', served.inputs, exampleTarget),
          },
          rollout: manifests.rollout, namespace: settings.namespace, checks: manifests.summary,
          prometheusJobs: prometheusJobNames(plan.modelName),
          provenance: provenance.record,
        }),
      },
      ...provenance.files,
    ];
    for (const file of files) writeInside(staging, file.path, file.content);

    step('Recording sha256 of every file');
    const listed = [...context.filter((c) => c.type === 'file').map((c) => c.path), ...files.map((f) => f.path)];
    const hashed = await hashFiles(staging, listed);
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      createdBy: `ModelDock ${APP_VERSION}`,
      createdAt: new Date().toISOString(),
      image: { reference: plan.reference, digest: request.digest ?? null, base: plan.base, platform: plan.platform, containerPort: plan.containerPort, labels: plan.labels },
      model: { name: plan.modelName, version: plan.modelVersion, sha256: plan.modelSha256, bytes: plan.modelBytes, file: modelFile },
      spec: BUNDLE_PATHS.spec,
      context,
      files: hashed,
    };
    writeInside(staging, MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
    writeInside(staging, CHECKSUMS_FILE, checksumsText([...hashed, ...(await hashFiles(staging, [MANIFEST_FILE]))]));
    const allFiles = [...hashed, ...(await hashFiles(staging, [MANIFEST_FILE, CHECKSUMS_FILE]))];

    step('Putting the bundle in place');
    let zipBytes: number | null = null;
    if (request.zip) {
      const modes = new Map(context.filter((c) => c.type === 'file').map((c) => [c.path, c.mode]));
      const partialZip = `${staging}.zip`;
      try {
        zipBytes = await writeZip(partialZip, allFiles.map((f) => ({
          name: `${target.folderName}/${f.path}`, sourcePath: path.join(staging, ...f.path.split('/')), mode: modes.get(f.path) ?? 0o644,
        })), ctx.signal);
        fs.renameSync(partialZip, target.path);
      } finally {
        fs.rmSync(partialZip, { force: true });
      }
      fs.rmSync(staging, { recursive: true, force: true });
    } else {
      replaceFolder(staging, target.path);
    }
    return {
      path: target.path,
      format: request.zip ? 'zip' : 'folder',
      image: manifests.image,
      builtImageId: matchedBuild?.imageId ?? null,
      files: allFiles,
      totalBytes: allFiles.reduce((sum, f) => sum + f.bytes, 0),
      zipBytes,
      checks: manifests.summary,
      failedChecks: manifests.checks.filter((c) => !c.passed),
      warnings,
    };
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw ctx.signal.aborted ? cancelled() : asWriteError(error, target.path);
  }
}

function cancelled(): ModelDockError {
  return new ModelDockError({ code: 'cancelled', title: 'Bundle cancelled', message: 'Making the bundle was cancelled; nothing was written.' });
}

interface BundleTarget { path: string; folderName: string }

/** The folder, or <folder>.zip with the folder's name inside; refuses places holding something else. */
function bundleTarget(request: BundleRequest): BundleTarget {
  const resolved = path.resolve(request.outDir);
  if (request.zip) {
    const zipPath = resolved.endsWith('.zip') ? resolved : `${resolved}.zip`;
    const folderName = path.basename(zipPath, '.zip');
    const stat = statOrNull(zipPath);
    if (stat && !stat.isFile()) throw targetTaken(zipPath, 'it is a folder, not a .zip file');
    return { path: zipPath, folderName };
  }
  const stat = statOrNull(resolved);
  if (stat) {
    if (!stat.isDirectory()) throw targetTaken(resolved, 'it is a file');
    const entries = fs.readdirSync(resolved);
    if (entries.length > 0 && !entries.includes(MANIFEST_FILE)) {
      throw targetTaken(resolved, `it holds other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}) and is not an earlier bundle`);
    }
  }
  return { path: resolved, folderName: path.basename(resolved) };
}

function targetTaken(where: string, why: string): ModelDockError {
  return new ModelDockError({
    code: 'bundle-target-taken',
    title: 'The bundle cannot go there',
    message: `${where} cannot hold the bundle: ${why}. ModelDock writes a bundle only into a new or empty folder, or over an earlier bundle, so nothing of yours is replaced.`,
    fix: 'Choose a new folder name for the bundle (e.g. --out iris-bundle).',
  });
}

async function optionalDocker(services: EngineServices, context: string | undefined, warnings: string[]): Promise<Docker | null> {
  try {
    return (await services.docker.get(context)).docker;
  } catch (error) {
    const why = error instanceof ModelDockError ? error.title : 'Docker does not answer';
    warnings.push(`${why}: the Dockerfile assumes "node" is on the base image's PATH (true for official Node images). Make the bundle with Docker running to check the base image.`);
    return null;
  }
}

function refuseFailedChecks(manifests: DeployManifests, allowed: boolean, where: string): void {
  const failed = manifests.checks.filter((c) => !c.passed && c.severity === 'required');
  if (failed.length === 0 || allowed) return;
  throw new ModelDockError({
    code: 'checks-failed',
    title: 'The manifests fail required checks',
    message: `No bundle was written to ${where}: ${failed.length} required check${failed.length === 1 ? '' : 's'} failed: ${failed.slice(0, 5).map((c) => `${c.title} (${c.object ?? 'all'}): ${c.reason}`).join(' ')}`,
    fix: 'Change the kubernetes settings as each check says, or make the bundle anyway with --allow-failed-checks.',
  });
}

/** The runtime.json the plan puts in the context (the config with in-image paths). */
function configText(detail: BuildPlanDetail): string {
  const entry = detail.entries.find((e) => e.type === 'file' && e.name === 'config/runtime.json');
  if (!entry || entry.type !== 'file' || !('data' in entry.source)) throw new Error('the build plan has no config/runtime.json');
  return entry.source.data.toString('utf8');
}

/** Writes the plan's context entries under root, in order, and returns them for the manifest. */
function copyContext(detail: BuildPlanDetail, root: string): BundleManifest['context'] {
  const layers = new Map(detail.plan.files.map((f) => [f.path, f.layer]));
  const out: BundleManifest['context'] = [];
  for (const entry of detail.entries) {
    if (entry.type === 'symlink') continue;
    const target = insidePath(root, entry.name);
    if (entry.type === 'dir') {
      fs.mkdirSync(target, { recursive: true });
      out.push({ path: entry.name, type: 'dir', mode: entry.mode ?? 0o755 });
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if ('data' in entry.source) fs.writeFileSync(target, entry.source.data);
    else fs.copyFileSync(entry.source.path, target);
    const mode = entry.mode ?? 0o644;
    fs.chmodSync(target, mode);
    fs.utimesSync(target, FIXED_MTIME, FIXED_MTIME);
    out.push({ path: entry.name, type: 'file', mode, layer: layers.get(entry.name) });
  }
  return out;
}

function writeInside(root: string, relative: string, content: string): void {
  const target = insidePath(root, relative);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content);
}

function insidePath(root: string, relative: string): string {
  const target = path.resolve(root, ...relative.split('/'));
  if (!target.startsWith(root + path.sep)) throw new Error(`${relative} would be written outside the bundle`);
  return target;
}

/** Swaps the finished staging folder in; an earlier bundle is moved aside first and removed only after. */
function replaceFolder(staging: string, target: string): void {
  const previous = statOrNull(target) ? `${staging}.old` : null;
  if (previous) fs.renameSync(target, previous);
  try {
    fs.renameSync(staging, target);
  } catch (error) {
    if (previous) fs.renameSync(previous, target);
    throw error;
  }
  if (previous) fs.rmSync(previous, { recursive: true, force: true });
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

function asWriteError(error: unknown, where: string): unknown {
  if (error instanceof ModelDockError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (!code) return error;
  return new ModelDockError({
    code: 'bundle-write-failed',
    title: 'Cannot write the bundle',
    message: `Writing ${where} failed (${code}).`,
    fix: code === 'EACCES' || code === 'EPERM' ? 'Choose a folder you may write to.' : code === 'ENOSPC' ? 'Free some disk space (the bundle holds the model and ONNX Runtime) and try again.' : 'Check the folder and try again.',
    detail: error instanceof Error ? error.message : String(error),
  });
}

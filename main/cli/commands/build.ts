import { PLATFORMS, type Platform } from '../../../shared/schemas/spec';
import type { BuildRecord, ImagePlan } from '../../../shared/schemas/docker';
import { oneValue, UsageError } from '../args';
import { EXIT, JSON_OPTION, SPEC_OPTION, type CommandDef } from '../command';
import { formatBytes, formatMs } from '../format';
import { CONTEXT_OPTION } from '../docker-context';
import { imageBuildProgress } from '../build-progress';
import { resolveModelTarget } from '../model-arg';
import { buildFromBundleCommand } from './bundle';
import { formatTable } from '../table';
import type { Style } from '../term';

export const buildCommand: CommandDef = {
  name: 'build',
  args: 'MODEL',
  summary: 'Build the serving image for a model with your Docker Engine: the runtime, ONNX Runtime and the model, nothing else',
  details: [
    'The Dockerfile is generated (see it with --dry-run); no RUN step and no npm install, so the build needs no',
    'network beyond the base image. A new model version rebuilds only the model and settings layers.',
    'Offline? Create a base image from this machine\'s Node first: modeldock base-image, then --base modeldock/node-offline:20.',
  ],
  options: [
    SPEC_OPTION,
    { name: 'tag', value: 'NAME:TAG', help: 'Image name and tag (default: the spec\'s image settings, else <model name>:<model version>)' },
    { name: 'base', value: 'IMAGE', help: 'Base image with Node 20+ (default: the spec\'s image.base, else node:20 slim)' },
    { name: 'platform', value: 'OS/ARCH', help: `Target platform: ${PLATFORMS.join(' or ')} (default: the spec's, else linux/amd64)` },
    { name: 'no-cache', help: 'Rebuild every layer instead of reusing cached ones' },
    { name: 'dry-run', help: 'Print the Dockerfile and the build context\'s files without building' },
    { name: 'bundle', value: 'DIR', help: 'Rebuild the identical image from a deploy bundle (modeldock bundle) instead of a model' },
    CONTEXT_OPTION,
    JSON_OPTION,
  ],
  examples: [
    'modeldock build iris.onnx --tag iris:1',
    'modeldock build --spec modeldock.yaml --base modeldock/node-offline:20',
    'modeldock build iris.onnx --dry-run',
  ],
  async run(ctx) {
    const bundleDir = oneValue(ctx.args, 'bundle');
    if (bundleDir) return buildFromBundleCommand(ctx, bundleDir, { renderBuild, renderPlan });
    const { modelPath, specPath } = await resolveModelTarget(ctx, 'build');
    const platform = oneValue(ctx.args, 'platform');
    if (platform !== undefined && !(PLATFORMS as readonly string[]).includes(platform)) {
      throw new UsageError(`--platform must be ${PLATFORMS.join(' or ')}, got "${platform}"`, 'build');
    }
    const request = {
      modelPath,
      specPath,
      tag: oneValue(ctx.args, 'tag'),
      base: oneValue(ctx.args, 'base'),
      platform: platform as Platform | undefined,
      noCache: ctx.args.flags.has('no-cache'),
      context: oneValue(ctx.args, 'context'),
    };
    const engine = ctx.engine();
    if (ctx.args.flags.has('dry-run')) {
      const plan = await engine.invoke('image.plan', request, { signal: ctx.signal });
      ctx.print(ctx.json ? `${JSON.stringify(plan, null, 2)}\n` : renderPlan(plan, ctx.out));
      return EXIT.ok;
    }

    const progress = imageBuildProgress(ctx);
    const record = await engine.invoke('image.build', request, { signal: ctx.signal, onProgress: progress.onProgress });
    progress.clear();
    ctx.print(ctx.json ? `${JSON.stringify(record, null, 2)}\n` : renderBuild(record, ctx.out));
    return EXIT.ok;
  },
};

export function renderBuild(r: BuildRecord, s: Style): string {
  const rows = [
    ['Image', s.bold(r.reference)],
    ['Id', r.imageId],
    ['Size', `${formatBytes(r.sizeBytes)}${r.baseSizeBytes !== null ? s.dim(`  (base ${formatBytes(r.baseSizeBytes)} + ${formatBytes(r.sizeBytes - r.baseSizeBytes)} added, model ${formatBytes(r.modelBytes)})`) : ''}`],
    ['Cached steps', `${r.cachedSteps} of ${r.totalSteps}`],
    ['Took', formatMs(r.buildMs)],
    ['Model', `${r.modelName} ${r.modelVersion}  ${s.dim(`sha256 ${r.modelSha256.slice(0, 12)}`)}`],
  ];
  return `${s.green('Built')} ${r.reference}\n${formatTable(rows, { indent: 2, alignRight: [] })}${s.dim(`Run it: modeldock run ${r.reference}`)}\n`;
}

function renderPlan(plan: ImagePlan, s: Style): string {
  const out = [s.dim(`# Dockerfile for ${plan.reference} (${plan.platform})`), plan.dockerfile];
  out.push(s.bold('Build context:'));
  out.push(formatTable(plan.files.map((f) => [f.path, formatBytes(f.bytes), f.layer]), { indent: 2, alignRight: [1] }).trimEnd());
  out.push(`  ${s.dim(`${formatBytes(plan.contextBytes)} in all; model ${formatBytes(plan.modelBytes)}`)}`);
  for (const w of plan.warnings) out.push(`${s.yellow('warning:')} ${w}`);
  return `${out.join('\n')}\n`;
}

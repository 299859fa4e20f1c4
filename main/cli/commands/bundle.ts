import * as path from 'node:path';
import type { BundleRequestInput, BundleResult } from '../../../shared/schemas/bundle';
import type { BuildRecord, ImagePlan } from '../../../shared/schemas/docker';
import { PLATFORMS, type Platform } from '../../../shared/schemas/spec';
import { oneValue, UsageError } from '../args';
import { buildFromBundle } from '../../bundle/build-from-bundle';
import { bundleBuildDetail } from '../../bundle/bundle-build-plan';
import { imageBuildProgress } from '../build-progress';
import { EXIT, JSON_OPTION, SPEC_OPTION, type CommandContext, type CommandDef } from '../command';
import { displayPath, formatBytes } from '../format';
import { digestArg } from '../manifests-request';
import { resolveModelTarget } from '../model-arg';
import type { Style } from '../term';

const COMMAND = 'bundle';

export const bundleCommand: CommandDef = {
  name: COMMAND,
  args: 'MODEL',
  summary: 'Write a deploy bundle: the model, Dockerfile and exact build context, Kubernetes manifests, compose file, README, OpenAPI, monitoring',
  details: [
    'The bundle rebuilds the identical image anywhere ("modeldock build --bundle DIR", or "docker build ." in it) and',
    'deploys it without ModelDock. Kubernetes settings come from the spec\'s kubernetes: section; the command exits',
    'with 1 and writes nothing when a required check fails, unless --allow-failed-checks is given.',
  ],
  options: [
    SPEC_OPTION,
    { name: 'image', value: 'NAME:TAG', help: 'The image the bundle builds and the pods run, e.g. registry.example.com/team/iris:3' },
    { name: 'digest', value: 'SHA256', help: 'Pin the manifests to the pushed image (sha256:..., as "modeldock push" printed it)' },
    { name: 'out', value: 'DIR', help: 'Bundle folder to write (new, empty, or an earlier bundle, which is replaced)' },
    { name: 'zip', help: 'Write DIR.zip instead of the folder' },
    { name: 'base', value: 'IMAGE', help: 'Base image with Node 20+ (default: the spec\'s image.base, else node:20 slim)' },
    { name: 'platform', value: 'OS/ARCH', help: `Target platform: ${PLATFORMS.join(' or ')} (default: the spec's, else linux/amd64)` },
    { name: 'allow-failed-checks', help: 'Write the bundle even when a required Kubernetes check fails' },
    JSON_OPTION,
  ],
  examples: [
    'modeldock bundle iris.onnx --image localhost:5000/iris:3 --out iris-bundle',
    'modeldock bundle --spec modeldock.yaml --image ghcr.io/me/iris:3 --digest sha256:3f1c... --out iris-bundle --zip',
    'modeldock build --bundle iris-bundle',
  ],
  async run(ctx) {
    const image = oneValue(ctx.args, 'image');
    const out = oneValue(ctx.args, 'out');
    if (!image) throw new UsageError('missing --image NAME:TAG (the image the bundle builds and deploys)', COMMAND);
    if (!out) throw new UsageError('missing --out DIR (the bundle folder to write)', COMMAND);
    const digest = digestArg(ctx, COMMAND);
    const platform = oneValue(ctx.args, 'platform');
    if (platform !== undefined && !(PLATFORMS as readonly string[]).includes(platform)) {
      throw new UsageError(`--platform must be ${PLATFORMS.join(' or ')}, got "${platform}"`, COMMAND);
    }
    const { modelPath, specPath } = await resolveModelTarget(ctx, COMMAND);
    const request: BundleRequestInput = {
      modelPath,
      ...(specPath ? { specPath } : {}),
      image,
      ...(digest ? { digest } : {}),
      ...(oneValue(ctx.args, 'base') ? { base: oneValue(ctx.args, 'base') } : {}),
      ...(platform ? { platform: platform as Platform } : {}),
      outDir: path.resolve(ctx.io.cwd, out),
      zip: ctx.args.flags.has('zip'),
      allowFailedChecks: ctx.args.flags.has('allow-failed-checks'),
    };
    const bar = ctx.progress();
    const result = await ctx.engine().invoke('deploy.bundle', request, {
      signal: ctx.signal,
      onProgress: (p) => bar.update(p.index / p.total, p.step),
    });
    bar.clear();
    ctx.print(ctx.json ? `${JSON.stringify(result, null, 2)}\n` : renderBundle(result, ctx.io.cwd, ctx.out));
    return EXIT.ok;
  },
};

export function renderBundle(r: BundleResult, cwd: string, s: Style): string {
  const where = displayPath(cwd, r.path);
  const lines = [
    `${s.green('Written:')} ${where}  ${s.dim(`(${r.files.length} files, ${formatBytes(r.totalBytes)}${r.zipBytes !== null ? `, zip ${formatBytes(r.zipBytes)}` : ''})`)}`,
    `  Image: ${s.bold(r.image)}${r.builtImageId ? s.dim(`  (rebuilds ${r.builtImageId.slice(0, 19)}, built here)`) : ''}`,
    `  Kubernetes checks: ${r.checks.passed} passed, ${r.checks.failedRequired} required failed, ${r.checks.failed - r.checks.failedRequired} recommended failed`,
  ];
  for (const c of r.failedChecks) {
    lines.push(`    ${c.severity === 'required' ? s.red('FAIL') : s.yellow('WARN')}  ${c.title}${c.object ? s.dim(`  ${c.object}`) : ''}: ${c.reason}`);
  }
  for (const w of r.warnings) lines.push(`${s.yellow('note:')} ${w}`);
  const folder = r.format === 'zip' ? `${where.replace(/\.zip$/, '')} (after unzipping)` : where;
  lines.push(s.dim(`Next: read ${folder}/README.md; rebuild the image with: modeldock build --bundle ${r.format === 'zip' ? where.replace(/\.zip$/, '') : where}`));
  return `${lines.join('\n')}\n`;
}

interface BuildRenderers {
  renderBuild(record: BuildRecord, s: Style): string;
  renderPlan(plan: ImagePlan, s: Style): string;
}

/**
 * `modeldock build --bundle DIR`: the image exactly as the bundle describes it (its Dockerfile and context, checked
 * against the bundle's sha256 manifest). Only --tag, --no-cache, --context, --dry-run and --json apply: the model,
 * spec, base and platform are the bundle's.
 */
export async function buildFromBundleCommand(ctx: CommandContext, dir: string, render: BuildRenderers): Promise<number> {
  const conflicting = ['spec', 'base', 'platform'].filter((name) => oneValue(ctx.args, name) !== undefined);
  if (ctx.args.positionals.length > 0 || conflicting.length > 0) {
    const given = [...ctx.args.positionals, ...conflicting.map((n) => `--${n}`)].join(', ');
    throw new UsageError(`--bundle builds exactly what the bundle holds; leave out ${given}`, 'build');
  }
  const bundleDir = path.resolve(ctx.io.cwd, dir);
  const tag = oneValue(ctx.args, 'tag');
  if (ctx.args.flags.has('dry-run')) {
    const { plan } = await bundleBuildDetail(bundleDir, { tag });
    ctx.print(ctx.json ? `${JSON.stringify(plan, null, 2)}\n` : render.renderPlan(plan, ctx.out));
    return EXIT.ok;
  }
  const progress = imageBuildProgress(ctx);
  const record = await buildFromBundle(ctx.engine().services, {
    bundleDir, tag, noCache: ctx.args.flags.has('no-cache'), context: oneValue(ctx.args, 'context'),
  }, { signal: ctx.signal, onProgress: progress.onProgress });
  progress.clear();
  ctx.print(ctx.json ? `${JSON.stringify(record, null, 2)}\n` : render.renderBuild(record, ctx.out));
  return EXIT.ok;
}

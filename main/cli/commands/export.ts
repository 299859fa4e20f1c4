import * as path from 'node:path';
import { readJsonFile } from '../../engine/read-json-file';
import { LoadTestResultSchema, type LoadTestResult } from '../../../shared/schemas/docker';
import {
  RolloutStrategySchema, type CheckResult, type RolloutStrategy, type DeployManifests, type DeployManifestsRequestInput,
} from '../../../shared/schemas/kubernetes';
import { oneValue, UsageError } from '../args';
import { EXIT, JSON_OPTION, SPEC_OPTION, type CommandContext, type CommandDef } from '../command';
import { displayPath } from '../format';
import { digestArg, manifestsRequest } from '../manifests-request';
import type { Style } from '../term';

const COMMAND = 'export';

export const exportCommand: CommandDef = {
  name: COMMAND,
  args: 'MODEL',
  summary: 'Write Kubernetes manifests for a built image: plain YAML and a Kustomize base with dev/prod overlays, checked',
  details: [
    'Settings come from the spec\'s kubernetes: section (resources, autoscaling, service, ingress, rollout...).',
    'Every object is validated against the Kubernetes API schemas and a list of best-practice checks; the command',
    'exits with 1 and writes nothing when a required check fails, unless --allow-failed-checks is given.',
  ],
  options: [
    SPEC_OPTION,
    { name: 'image', value: 'NAME:TAG', help: 'The image the pods run (as built and pushed), e.g. registry.example.com/team/iris:3' },
    { name: 'digest', value: 'SHA256', help: 'Pin the image by digest (sha256:..., as "modeldock push" printed it)' },
    { name: 'out', value: 'DIR', help: 'Folder to write into; the manifests go to DIR/k8s/ (replaced)' },
    { name: 'strategy', value: 'NAME', help: 'rolling (default), blue-green or canary; overrides the spec' },
    { name: 'load-test', value: 'FILE', help: 'A load test result (JSON) of the image: memory limits are checked against its peak' },
    { name: 'allow-failed-checks', help: 'Write the manifests even when a required check fails' },
    JSON_OPTION,
  ],
  examples: [
    'modeldock export iris.onnx --image localhost:5000/iris:3 --out deploy',
    'modeldock export --spec modeldock.yaml --image ghcr.io/me/iris:3 --digest sha256:3f1c... --out deploy --strategy canary',
    'kubectl apply -k deploy/k8s/kustomize/overlays/dev',
  ],
  async run(ctx) {
    const image = oneValue(ctx.args, 'image');
    const out = oneValue(ctx.args, 'out');
    if (!image) throw new UsageError('missing --image NAME:TAG (the image the pods run)', COMMAND);
    if (!out) throw new UsageError('missing --out DIR (where to write k8s/)', COMMAND);
    const strategyArg = oneValue(ctx.args, 'strategy');
    const strategy = strategyArg === undefined ? undefined : RolloutStrategySchema.safeParse(strategyArg);
    if (strategy && !strategy.success) throw new UsageError(`--strategy must be rolling, blue-green or canary, got "${strategyArg}"`, COMMAND);
    const digest = digestArg(ctx, COMMAND);

    const request = await buildRequest(ctx, image, digest, strategy?.data);
    const engine = ctx.engine();
    const manifests = await engine.invoke('deploy.manifests', request, { signal: ctx.signal });
    const allowed = ctx.args.flags.has('allow-failed-checks');
    const blocked = manifests.summary.failedRequired > 0 && !allowed;
    const outDir = path.resolve(ctx.io.cwd, out);

    if (blocked) {
      if (ctx.json) ctx.print(`${JSON.stringify({ ...manifests, outDir, written: [] }, null, 2)}\n`);
      else ctx.print(renderChecks(manifests, ctx.out));
      ctx.io.stderr.write(`${ctx.err.red('Not written:')} ${manifests.summary.failedRequired} required check(s) failed. Fix the settings, or pass --allow-failed-checks.\n`);
      return EXIT.failure;
    }
    const result = await engine.invoke('deploy.export', { ...request, outDir, allowFailedChecks: true }, { signal: ctx.signal });
    if (ctx.json) {
      ctx.print(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      ctx.print(renderChecks(result, ctx.out));
      ctx.print(`\n${ctx.out.green('Written:')} ${result.written.length} files under ${displayPath(ctx.io.cwd, path.join(outDir, 'k8s'))}\n`);
      ctx.print(`${ctx.out.bold('Deploy')} (from ${displayPath(ctx.io.cwd, outDir)}):\n${result.rollout.deploy.map((l) => `  ${l}`).join('\n')}\n`);
      ctx.print(ctx.out.dim(`Promote and roll back: see ${displayPath(ctx.io.cwd, path.join(outDir, 'k8s', 'ROLLOUT.md'))}\n`));
    }
    return EXIT.ok;
  },
};

async function buildRequest(
  ctx: CommandContext, image: string, digest: string | undefined, strategy: RolloutStrategy | undefined,
): Promise<DeployManifestsRequestInput> {
  const request = await manifestsRequest(ctx, COMMAND, image, digest);
  const settings = request.settings ?? {};
  const loadTestFile = oneValue(ctx.args, 'load-test');
  return {
    ...request,
    ...(strategy ? { settings: { ...settings, rollout: { ...settings.rollout, strategy } } } : {}),
    ...(loadTestFile ? { loadTest: readLoadTest(path.resolve(ctx.io.cwd, loadTestFile)) } : {}),
  };
}

function readLoadTest(file: string): LoadTestResult {
  return readJsonFile(file, LoadTestResultSchema, {
    unreadable: (code, detail) => ({
      code: 'load-test-unreadable',
      title: 'Cannot read the load test',
      message: code === 'ENOENT' ? `${file} does not exist.` : `${file} is not JSON (${detail}).`,
      fix: 'Give the JSON file of a load test result (the Package screen saves one), or leave --load-test out.',
    }),
    invalid: (problem) => ({
      code: 'load-test-invalid',
      title: 'Not a load test result',
      message: `${file}: ${problem}.`,
      fix: 'Give the JSON of a load test result (requestsPerSecond, p99Ms, peakMemoryBytes...), or leave --load-test out.',
    }),
  });
}

export function renderChecks(manifests: DeployManifests, s: Style): string {
  const lines: string[] = [s.bold(`Checks (${manifests.image}, ${manifests.rollout.strategy})`)];
  const failed = manifests.checks.filter((c) => !c.passed);
  const passedIds = new Set(manifests.checks.filter((c) => c.passed).map((c) => c.id));
  for (const c of failed) lines.push(...failedLines(c, s));
  const cleanIds = [...passedIds].filter((id) => !failed.some((f) => f.id === id));
  if (cleanIds.length > 0) lines.push(`  ${s.green('PASS')}  ${cleanIds.join(', ')}`);
  const { passed, failedRequired } = manifests.summary;
  const recommended = manifests.summary.failed - failedRequired;
  lines.push('', `${failedRequired > 0 ? s.red('Required checks failed') : s.green('All required checks passed')}: ${passed} passed, ${failedRequired} required failed, ${recommended} recommended failed`);
  for (const w of manifests.warnings) lines.push(`${s.yellow('note:')} ${w}`);
  return `${lines.join('\n')}\n`;
}

function failedLines(c: CheckResult, s: Style): string[] {
  const tag = c.severity === 'required' ? s.red('FAIL') : s.yellow('WARN');
  return [
    `  ${tag}  ${s.bold(c.title)}${c.object ? s.dim(`  ${c.object}`) : ''}`,
    `        ${c.reason}`,
    ...(c.fix ? [`        ${s.dim('Fix:')} ${c.fix}`] : []),
  ];
}

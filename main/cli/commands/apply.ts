import * as readline from 'node:readline';
import type { ApplyProgress, DeployApplyResult, DeployDiff, DeployDiffRequestInput, ObjectDiff } from '../../../shared/schemas/kubernetes-apply';
import { intValue, oneValue, UsageError } from '../args';
import { EXIT, JSON_OPTION, SPEC_OPTION, type CommandContext, type CommandDef } from '../command';
import { digestArg, manifestsRequest } from '../manifests-request';
import type { Style } from '../term';

const COMMAND = 'apply';

export const applyCommand: CommandDef = {
  name: COMMAND,
  args: 'MODEL',
  summary: 'Apply the Kubernetes manifests to a live cluster (your kube context): shows the diff first, asks, then follows the rollout',
  details: [
    'This talks to a real cluster: the one of your kubeconfig\'s current context unless --context is given.',
    'The manifests are the ones "modeldock export" writes (from the spec\'s kubernetes: section). The cluster compares',
    'them with what it holds (server-side apply, dry run) and the diff is printed; on a terminal you are asked before',
    'anything changes. Without a terminal, --yes is required. Exits 1 when a required check fails (unless',
    '--allow-failed-checks), when the cluster refuses an object, or when the rollout does not complete.',
  ],
  options: [
    SPEC_OPTION,
    { name: 'image', value: 'NAME:TAG', help: 'The image the pods run (as pushed to a registry the cluster can pull from)' },
    { name: 'digest', value: 'SHA256', help: 'Pin the image by digest (sha256:..., as "modeldock push" printed it)' },
    { name: 'context', value: 'NAME', help: 'The kube context to use (default: the current one; "kubectl config get-contexts" lists them)' },
    { name: 'namespace', value: 'NAME', help: 'Namespace to deploy into (default: the spec\'s kubernetes.namespace)' },
    { name: 'create-namespace', help: 'Create the namespace when the cluster does not have it' },
    { name: 'diff-only', help: 'Show what would change and stop (nothing is applied)' },
    { name: 'yes', short: 'y', help: 'Apply without asking' },
    { name: 'force-conflicts', help: 'Take over fields another tool (kubectl, Helm) manages' },
    { name: 'allow-failed-checks', help: 'Apply even when a required check fails (for a test cluster)' },
    { name: 'timeout', value: 'S', help: 'Seconds to wait for the rollout (default 300; the objects stay applied after it)' },
    JSON_OPTION,
  ],
  examples: [
    'modeldock apply iris.onnx --image ghcr.io/me/iris:3 --diff-only',
    'modeldock apply --spec modeldock.yaml --image ghcr.io/me/iris:3 --context staging --namespace ml',
    'modeldock apply --spec modeldock.yaml --image ghcr.io/me/iris:3 --yes --timeout 600',
  ],
  async run(ctx) {
    const image = oneValue(ctx.args, 'image');
    if (!image) throw new UsageError('missing --image NAME:TAG (the image the pods run)', COMMAND);
    const digest = digestArg(ctx, COMMAND);
    const namespace = oneValue(ctx.args, 'namespace');
    if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
      throw new UsageError(`--namespace must be a DNS label (lowercase letters, digits and "-"), got "${namespace}"`, COMMAND);
    }
    const timeoutSeconds = intValue(ctx.args, 'timeout', 5, 3600, COMMAND);
    const diffOnly = ctx.args.flags.has('diff-only');
    const yes = ctx.args.flags.has('yes');
    // Decided before any cluster call: a script that forgot --yes should learn it at once, not after a diff.
    if (!diffOnly && !yes && !process.stdin.isTTY) {
      throw new UsageError('this changes a live cluster and stdin is not a terminal to confirm on: pass --yes to apply (or --diff-only to look)', COMMAND);
    }

    const request: DeployDiffRequestInput = {
      ...await manifestsRequest(ctx, COMMAND, image, digest),
      ...(oneValue(ctx.args, 'context') ? { context: oneValue(ctx.args, 'context') } : {}),
      ...(namespace ? { namespace } : {}),
      createNamespace: ctx.args.flags.has('create-namespace'),
      forceConflicts: ctx.args.flags.has('force-conflicts'),
    };
    const engine = ctx.engine();
    const diff = await engine.invoke('deploy.diff', request, { signal: ctx.signal });
    const allowFailed = ctx.args.flags.has('allow-failed-checks');
    const blocked = diff.checks.failedRequired > 0 && !allowFailed;
    if (diffOnly || (ctx.json && blocked)) {
      if (ctx.json) ctx.print(`${JSON.stringify(diff, null, 2)}\n`);
      else ctx.print(renderDiff(diff, ctx.out));
      if (blocked) return refuseChecks(ctx, diff);
      return EXIT.ok;
    }
    if (!ctx.json) ctx.print(renderDiff(diff, ctx.out));
    if (blocked) return refuseChecks(ctx, diff);
    if (diff.counts.new + diff.counts.changed === 0 && !ctx.json) {
      ctx.print(`${ctx.out.green('Nothing to change:')} the cluster already holds these objects. Following the rollout anyway.\n`);
    }
    if (!yes) {
      const ok = await confirm(`Apply ${diff.objects.length} objects to context "${diff.context}" (${diff.server}), namespace ${diff.namespace}? [y/N] `, ctx);
      if (!ok) {
        ctx.io.stderr.write('Not applied.\n');
        return EXIT.failure;
      }
    }

    const bar = ctx.progress();
    const plain = !ctx.io.stderr.isTTY;
    let lastLine = '';
    const result = await engine.invoke('deploy.apply', { ...request, allowFailedChecks: allowFailed, ...(timeoutSeconds ? { timeoutSeconds } : {}) }, {
      signal: ctx.signal,
      onProgress: (event) => {
        const line = progressLine(event, ctx.out);
        if (event.kind === 'applied') {
          bar.clear();
          if (!ctx.json) ctx.print(`${line}\n`);
          return;
        }
        const d = event.deployments;
        const fraction = d.reduce((s, x) => s + Math.min(x.available, x.desired), 0) / Math.max(1, d.reduce((s, x) => s + x.desired, 0));
        if (plain) {
          if (line !== lastLine && !ctx.json) ctx.io.stderr.write(`${line}\n`);
          lastLine = line;
        } else {
          bar.update(fraction, line);
        }
      },
    });
    bar.clear();
    if (ctx.json) ctx.print(`${JSON.stringify(result, null, 2)}\n`);
    else ctx.print(renderResult(result, ctx.out));
    return result.rollout.state === 'complete' ? EXIT.ok : EXIT.failure;
  },
};

function refuseChecks(ctx: CommandContext, diff: DeployDiff): number {
  ctx.io.stderr.write(`${ctx.err.red('Not applied:')} ${diff.checks.failedRequired} required check(s) failed; "modeldock export" lists them. Fix the settings, or pass --allow-failed-checks.\n`);
  return EXIT.failure;
}

function confirm(question: string, ctx: CommandContext): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    const onAbort = () => { rl.close(); resolve(false); };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    rl.question(question, (answer) => {
      ctx.signal.removeEventListener('abort', onAbort);
      rl.close();
      resolve(/^y(es)?$/i.test(answer.trim()));
    });
  });
}

export function renderDiff(diff: DeployDiff, s: Style): string {
  const lines = [
    s.bold(`Live cluster: context "${diff.context}" (${diff.server}), namespace ${diff.namespace}${diff.namespaceExists ? '' : ' (to be created)'}`),
    `Image ${diff.image}: ${diff.counts.new} new, ${diff.counts.changed} changed, ${diff.counts.unchanged} unchanged`,
    '',
  ];
  for (const o of diff.objects) lines.push(...objectLines(o, s));
  return `${lines.join('\n')}\n`;
}

function objectLines(o: ObjectDiff, s: Style): string[] {
  if (o.change === 'unchanged') return [`  ${s.dim('unchanged')}  ${o.ref}`];
  if (o.change === 'new') return [`  ${s.green('new      ')}  ${o.ref} ${s.dim(`(${o.added} lines)`)}`];
  return [
    `  ${s.yellow('changed  ')}  ${o.ref} ${s.dim(`(+${o.added} -${o.removed})`)}`,
    ...o.lines.map((l) => (l.op === 'add' ? s.green(`      + ${l.text}`) : l.op === 'remove' ? s.red(`      - ${l.text}`) : l.op === 'hunk' ? s.cyan(`      ${l.text}`) : s.dim(`        ${l.text}`))),
  ];
}

function progressLine(event: ApplyProgress, s: Style): string {
  if (event.kind === 'applied') {
    const tag = event.object.result === 'created' ? s.green('created   ') : event.object.result === 'configured' ? s.yellow('configured') : s.dim('unchanged ');
    return `  ${tag} ${event.object.ref}  ${s.dim(`(${event.index}/${event.total})`)}`;
  }
  return `Rollout (${Math.round(event.elapsedSeconds)} s): ${event.deployments.map((d) => `${d.name}: ${d.message}`).join('; ')}`;
}

function renderResult(result: DeployApplyResult, s: Style): string {
  const { rollout } = result;
  const lines = rollout.deployments.map((d) => `  ${d.done ? s.green('ready') : s.red('not ready')}  Deployment/${d.name}: ${d.message} (${d.available}/${d.desired} available)`);
  if (rollout.state === 'complete') {
    lines.push(`${s.green('Rolled out')} in ${rollout.seconds} s to context "${result.context}", namespace ${result.namespace}.`);
  } else if (rollout.problem) {
    lines.push(`${s.red(rollout.problem.title)}: ${rollout.problem.message}`);
    if (rollout.problem.fix) lines.push(`${s.dim('Next:')} ${rollout.problem.fix}`);
  }
  return `${lines.join('\n')}\n`;
}

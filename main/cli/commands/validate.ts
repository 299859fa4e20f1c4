import { contract } from '../../../shared/contract';
import type { Finding, ValidationReport } from '../../../shared/schemas/validation';
import { EXIT, JSON_OPTION, SPEC_OPTION, type CommandDef } from '../command';
import { displayPath, formatMs, formatShape } from '../format';
import { resolveModelTarget } from '../model-arg';
import type { Style } from '../term';

export const validateCommand: CommandDef = {
  name: 'validate',
  args: 'MODEL',
  summary: contract['model.validate'].summary,
  details: ['Exits with 1 when the report has an error, so it can gate a CI pipeline.'],
  options: [JSON_OPTION, SPEC_OPTION, { name: 'no-smoke-run', help: 'Create the ONNX Runtime session but skip the test run on synthetic inputs' }],
  examples: ['modeldock validate model.onnx', 'modeldock validate model.onnx --json > report.json'],
  async run(ctx) {
    const { modelPath } = await resolveModelTarget(ctx, 'validate');
    const bar = ctx.progress();
    const report = await ctx.engine().invoke('model.validate', { path: modelPath, smokeRun: !ctx.args.flags.has('no-smoke-run') }, {
      signal: ctx.signal,
      onProgress: (p) => bar.update(p.total ? p.index / p.total : 0, p.step),
    });
    bar.clear();
    if (ctx.json) ctx.print(`${JSON.stringify(report, null, 2)}\n`);
    else ctx.print(renderValidation(report, ctx.out, ctx.io.cwd));
    return report.ok ? EXIT.ok : EXIT.failure;
  },
};

const ORDER = { error: 0, warning: 1, info: 2 } as const;

export function renderValidation(report: ValidationReport, s: Style, cwd: string): string {
  const out: string[] = [];
  const shownPath = displayPath(cwd, report.path);
  out.push(s.bold(`Validation of ${shownPath}`));
  const findings = [...report.findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
  if (findings.length === 0) out.push(`  ${s.green('No problems found.')}`);
  for (const f of findings) out.push(...renderFinding(f, s, shownPath));

  if (report.smokeRun) {
    const r = report.smokeRun;
    out.push('', `${s.bold('Smoke run')}  session ${formatMs(r.sessionCreateMs)} · run ${formatMs(r.runMs)}`);
    for (const o of r.outputs) {
      const bad = o.nanCount + o.infCount > 0 ? s.red(` (${o.nanCount} NaN, ${o.infCount} Inf)`) : '';
      out.push(`  ${o.name}  ${o.elementType} ${formatShape(o.dims)}${bad}`);
    }
  }
  const count = (sev: Finding['severity']) => report.findings.filter((f) => f.severity === sev).length;
  const errors = count('error');
  const warnings = count('warning');
  const verdict = report.ok ? s.green('ready to run') : s.red('will not run as it is');
  out.push('', `${verdict}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${count('info')} info`);
  return `${out.join('\n')}\n`;
}

function renderFinding(f: Finding, s: Style, modelArg: string): string[] {
  const tag = f.severity === 'error' ? s.red('ERROR  ') : f.severity === 'warning' ? s.yellow('WARNING') : s.cyan('INFO   ');
  const lines = [`  ${tag}  ${s.bold(f.title)}`];
  const pad = '           ';
  for (const l of f.detail.split('\n')) lines.push(pad + l);
  if (f.hint) lines.push(`${pad}${s.dim('Hint:')} ${f.hint}`);
  if (f.fix) lines.push(`${pad}${s.dim('Fix:')}  modeldock fix ${quoteArg(modelArg)} --${f.fix.kind}`);
  return lines;
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

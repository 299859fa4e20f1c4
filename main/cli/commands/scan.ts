import { contract } from '../../../shared/contract';
import type { ScanReport } from '../../../shared/schemas/scan';
import { UsageError } from '../args';
import { EXIT, JSON_OPTION, type CommandDef } from '../command';
import { formatTable } from '../table';
import type { Style } from '../term';
import * as path from 'node:path';

/** Exit code for "nothing dangerous found, but not verified safe" (2 is taken by usage errors). */
export const EXIT_UNVERIFIED = 3;

export const scanCommand: CommandDef = {
  name: 'scan',
  args: 'FILE',
  summary: contract['model.scan'].summary,
  details: [
    'Reads pickle, joblib (compressed too), PyTorch (zip and legacy), TorchScript, .npy/.npz, Keras .h5/.keras and',
    'SavedModel files opcode by opcode and lists every import and call; nothing is unpickled or executed.',
    `Exit status: 0 safe, 1 dangerous (or the scan could not run), ${EXIT_UNVERIFIED} unverified (not known to be safe).`,
  ],
  options: [JSON_OPTION],
  examples: ['modeldock scan model.pkl', 'modeldock scan checkpoint.pt --json | jq .imports'],
  async run(ctx) {
    const given = ctx.args.positionals;
    if (given.length !== 1) throw new UsageError(given.length ? `expected one FILE, got ${given.length}` : 'missing FILE (the model file to scan)', 'scan');
    const report = await ctx.engine().invoke('model.scan', { path: path.resolve(ctx.io.cwd, given[0]) }, { signal: ctx.signal });
    ctx.print(ctx.json ? `${JSON.stringify(report, null, 2)}\n` : renderScan(report, ctx.out));
    return report.verdict === 'safe' ? EXIT.ok : report.verdict === 'dangerous' ? EXIT.failure : EXIT_UNVERIFIED;
  },
};

export function renderScan(r: ScanReport, s: Style): string {
  const paint = { safe: s.green, unverified: s.yellow, dangerous: s.red }[r.verdict];
  const out: string[] = [];
  out.push(`${s.bold(path.basename(r.path))}  ${r.container} · ${paint(s.bold(r.verdict.toUpperCase()))}`);
  out.push('', r.summary, `${s.bold('What to do:')} ${r.advice}`);
  const at = (w: { member: string | null; offset: number }[]) => w[0] ? `${w[0].member ? `${w[0].member} ` : ''}@${w[0].offset}` : '';
  if (r.imports.length > 0) {
    out.push('', s.bold('Imports'), formatTable(
      r.imports.map((i) => [
        { safe: s.green, unverified: s.yellow, dangerous: s.red }[i.verdict](i.verdict), `${i.module}.${i.name}`, String(i.count), at(i.where),
      ]),
      { header: ['verdict', 'import', 'count', 'first at'], indent: 2, alignRight: [2] },
    ).trimEnd());
    for (const i of r.imports.filter((x) => x.verdict !== 'safe').slice(0, 10)) out.push(s.dim(`  ${i.module}.${i.name}: ${i.reason}`));
  }
  const calls = r.calls.filter((c) => !c.resolved);
  if (calls.length > 0) {
    out.push('', s.bold('Calls the scan cannot resolve'));
    for (const c of calls.slice(0, 10)) out.push(`  ${c.kind} ${c.target} ×${c.count} ${s.dim(at(c.where))}`);
  }
  const findings = r.findings.filter((f) => f.verdict !== 'safe');
  if (findings.length > 0) {
    out.push('', s.bold('Findings'));
    for (const f of findings.slice(0, 20)) out.push(`  ${{ safe: s.green, unverified: s.yellow, dangerous: s.red }[f.verdict](f.verdict)}  ${f.title}`, s.dim(`    ${f.detail}`));
  }
  out.push('', s.dim(`${r.calls.reduce((n, c) => n + c.count, 0)} calls, ${r.scanned.length} stream(s) scanned in ${r.scanMs} ms. Nothing was loaded or executed.`));
  return `${out.join('\n')}\n`;
}

import * as path from 'node:path';
import { recordProfileInSpec } from '../../monitoring/profile-in-spec';
import { specPathForModel } from '../../spec/spec-file';
import { intValue, oneValue, UsageError } from '../args';
import { EXIT, JSON_OPTION, SPEC_OPTION, type CommandDef } from '../command';
import { displayPath, formatBytes } from '../format';
import { resolveModelTarget } from '../model-arg';

const PROFILE = 'monitor profile';
const RULES = 'monitor rules';

export const monitorProfileCommand: CommandDef = {
  name: PROFILE,
  args: 'MODEL',
  summary: 'Capture the reference profile drift is measured against (from a CSV, .npy or JSON sample)',
  details: [
    'Writes <model>.profile.json beside the model (or --out FILE) and points the spec\'s monitoring.profile at it;',
    'the next image build bakes it in, and the served model then exports a drift score per input feature.',
  ],
  options: [
    SPEC_OPTION,
    { name: 'data', value: 'FILE', help: 'Sample of the data the model will see: CSV, .npy, JSON, or a folder of inputs' },
    { name: 'out', value: 'FILE', help: 'Where to write the profile (default: <model>.profile.json beside the model)' },
    { name: 'bins', value: 'N', help: 'Bins per numeric feature (2-50, default 10)' },
    JSON_OPTION,
  ],
  examples: ['modeldock monitor profile iris.onnx --data train_sample.csv'],
  async run(ctx) {
    const data = oneValue(ctx.args, 'data');
    if (!data) throw new UsageError('missing --data FILE (a sample of the inputs: CSV, .npy or JSON)', PROFILE);
    const { modelPath, specPath } = await resolveModelTarget(ctx, PROFILE);
    const out = oneValue(ctx.args, 'out');
    const bins = intValue(ctx.args, 'bins', 2, 50, PROFILE);
    const result = await ctx.engine().invoke('monitor.profile', {
      modelPath,
      dataPath: path.resolve(ctx.io.cwd, data),
      ...(specPath ? { specPath } : {}),
      ...(out ? { outPath: path.resolve(ctx.io.cwd, out) } : {}),
      ...(bins !== undefined ? { bins } : {}),
    }, { signal: ctx.signal });
    const spec = recordProfileInSpec(specPath ?? specPathForModel(modelPath), result.profilePath);
    if (ctx.json) {
      ctx.print(`${JSON.stringify({ ...result, spec: { path: spec.specPath, updated: spec.updated, profile: spec.relative } }, null, 2)}\n`);
      return EXIT.ok;
    }
    const s = ctx.out;
    const width = Math.max(7, ...result.features.map((f) => f.name.length));
    const lines = [
      `${s.green('Written:')} ${displayPath(ctx.io.cwd, result.profilePath)}  ${s.dim(`(${result.sampleCount} rows, ${result.features.length} features)`)}`,
      `  ${'feature'.padEnd(width)}  type         mean      min .. max`,
      ...result.features.map((f) => `  ${f.name.padEnd(width)}  ${f.type.padEnd(11)}  ${fmt(f.mean).padStart(8)}  ${fmt(f.min)} .. ${fmt(f.max)}`),
      result.output ? `  Predictions: ${result.output.name} (${result.output.kind})` : '  Predictions: not profiled',
      spec.updated
        ? `  Spec: monitoring.profile = ${spec.relative} in ${displayPath(ctx.io.cwd, spec.specPath)}`
        : `  Spec: ${spec.specExists ? `monitoring.profile already points at ${spec.relative}` : 'none beside the model (the profile there is used by default)'}`,
      ...result.notes.map((n) => `  ${s.yellow('Note:')} ${n}`),
      s.dim('  The next image build carries the profile; the server then exports modeldock_feature_drift_psi per feature.'),
    ];
    ctx.print(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
};

export const monitorRulesCommand: CommandDef = {
  name: RULES,
  args: 'MODEL',
  summary: 'Write a Grafana dashboard, a Prometheus scrape config and Prometheus alert rules for a model',
  details: [
    'Thresholds come from the spec: monitoring.driftThreshold and monitoring.alerts (error rate, p99 latency, how long',
    'drift must last, pod restarts, queue saturation, minimum accuracy). Check the rules with: promtool check rules.',
  ],
  options: [SPEC_OPTION, { name: 'out', value: 'DIR', help: 'Folder to write the three files into (created when missing)' }, JSON_OPTION],
  examples: ['modeldock monitor rules iris.onnx --out monitoring'],
  async run(ctx) {
    const out = oneValue(ctx.args, 'out');
    if (!out) throw new UsageError('missing --out DIR (the folder to write the files into)', RULES);
    const { modelPath, specPath } = await resolveModelTarget(ctx, RULES);
    const result = await ctx.engine().invoke('monitor.exportRules', {
      modelPath, ...(specPath ? { specPath } : {}), outDir: path.resolve(ctx.io.cwd, out),
    }, { signal: ctx.signal });
    if (ctx.json) {
      ctx.print(`${JSON.stringify({ ...result, files: result.files.map(({ content: _c, ...f }) => f) }, null, 2)}\n`);
      return EXIT.ok;
    }
    const t = result.thresholds;
    ctx.print([
      `${ctx.out.green('Written:')} ${displayPath(ctx.io.cwd, result.outDir)}`,
      ...result.files.map((f) => `  ${path.basename(f.path).padEnd(24)} ${ctx.out.dim(formatBytes(f.bytes))}`),
      `  Thresholds: drift PSI > ${t.driftThreshold}, 5xx share > ${t.errorRate}, p99 > ${t.latencyP99Ms} ms${t.minAccuracy !== null ? `, accuracy < ${t.minAccuracy}` : ''}`,
      ctx.out.dim('  Check: promtool check rules alert-rules.yml; import grafana-dashboard.json in Grafana (Dashboards > New > Import).'),
      '',
    ].join('\n'));
    return EXIT.ok;
  },
};

function fmt(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

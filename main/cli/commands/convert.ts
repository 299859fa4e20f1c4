import * as path from 'node:path';
import { contract } from '../../../shared/contract';
import type { ConvertPlan, ConvertResult } from '../../../shared/schemas/convert';
import { intValue, oneValue, UsageError } from '../args';
import { EXIT, JSON_OPTION, type CommandDef } from '../command';
import type { Style } from '../term';

/** Exit code when the conversion worked but the ONNX outputs differ from the original's. */
export const EXIT_MISMATCH = 4;

export const convertCommand: CommandDef = {
  name: 'convert',
  args: 'MODEL',
  summary: contract['convert.run'].summary,
  details: [
    'Writes MODEL\'s ONNX version beside it (never overwriting a file), then compares its outputs with the original\'s.',
    'A file whose safety scan is not "safe" is only loaded with --accept-risk: loading it runs its code with your rights.',
    `Exit status: 0 converted (and outputs match), 1 failed, ${EXIT_MISMATCH} converted but outputs differ.`,
  ],
  options: [
    { name: 'python', value: 'PATH', help: 'Python interpreter to run the recipe with (default: the best one found)' },
    { name: 'out', value: 'FILE', help: 'Where to write the .onnx (default: beside MODEL, a new name if one exists)' },
    { name: 'accept-risk', help: 'Load a file whose scan is not safe (its code runs with your rights)' },
    { name: 'print-recipe', help: 'Print the recipe (a runnable Python script) and what is needed, without converting' },
    { name: 'input-shape', value: 'DIMS', help: 'Example input shape, batch first, e.g. 1,3,224,224 (repeat for several inputs)', variadic: true },
    { name: 'model-class', value: 'CLASS', help: 'Class of a weights-only file: my_project.models:Net or path/to/model.py:Net' },
    { name: 'opset', value: 'N', help: 'ONNX opset (default 17)' },
    JSON_OPTION,
  ],
  examples: [
    'modeldock convert model.pt',
    'modeldock convert model.pt --print-recipe > convert_model.py',
    'modeldock convert weights.pth --model-class train.py:Net --input-shape 1,3,224,224',
    'modeldock convert model.joblib --python ~/venvs/ml/bin/python',
  ],
  async run(ctx) {
    const given = ctx.args.positionals;
    if (given.length !== 1) throw new UsageError(given.length ? `expected one MODEL, got ${given.length}` : 'missing MODEL (the model file to convert)', 'convert');
    const modelPath = path.resolve(ctx.io.cwd, given[0]);
    const python = oneValue(ctx.args, 'python');
    const out = oneValue(ctx.args, 'out');
    const shapes = (ctx.args.values.get('input-shape') ?? []).map(parseShape);
    const options = {
      path: modelPath,
      ...(python ? { pythonPath: path.resolve(ctx.io.cwd, python) } : {}),
      ...(out ? { outPath: path.resolve(ctx.io.cwd, out) } : {}),
      ...(shapes.length ? { inputShapes: shapes } : {}),
      ...(oneValue(ctx.args, 'model-class') ? { modelClass: oneValue(ctx.args, 'model-class') } : {}),
      ...(intValue(ctx.args, 'opset', 7, 26, 'convert') ? { opset: intValue(ctx.args, 'opset', 7, 26, 'convert') } : {}),
      acceptRisk: ctx.args.flags.has('accept-risk'),
    };
    const engine = ctx.engine();
    const printOnly = ctx.args.flags.has('print-recipe');
    const plan = await engine.invoke('convert.plan', { ...options, discover: true }, { signal: ctx.signal });
    if (printOnly) {
      if (ctx.json) ctx.print(`${JSON.stringify(plan, null, 2)}\n`);
      else {
        if (plan.recipe) ctx.print(`${plan.recipe}\n`);
        ctx.io.stderr.write(renderPlan(plan, ctx.err));
      }
      return plan.recipe ? EXIT.ok : EXIT.failure;
    }
    if (!plan.python) {
      ctx.io.stderr.write(renderPlan(plan, ctx.err));
      return EXIT.failure;
    }
    if (!ctx.json) ctx.io.stderr.write(ctx.err.dim(`Converting ${path.basename(modelPath)} with ${plan.python.label} (Python ${plan.python.version})\n`));
    const result = await engine.invoke('convert.run', { ...options, pythonPath: plan.python.path }, {
      signal: ctx.signal,
      onProgress: (event) => { if (!ctx.json && event.stream !== 'engine' && !event.line.startsWith('[modeldock]')) ctx.io.stderr.write(`${ctx.err.dim(event.line)}\n`); else if (!ctx.json && event.stream === 'engine') ctx.io.stderr.write(`${event.line}\n`); },
    });
    ctx.print(ctx.json ? `${JSON.stringify(result, null, 2)}\n` : renderResult(result, ctx.out));
    return result.comparison && !result.comparison.passed ? EXIT_MISMATCH : EXIT.ok;
  },
};

function parseShape(text: string): number[] {
  const dims = text.split(/[,x\s]+/).filter(Boolean).map(Number);
  if (!dims.length || dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new UsageError(`--input-shape "${text}" is not a shape; write positive sizes separated by commas, batch first, e.g. 1,3,224,224`, 'convert');
  }
  return dims;
}

export function renderPlan(plan: ConvertPlan, s: Style): string {
  const out: string[] = [];
  out.push(`${s.bold(path.basename(plan.path))}: ${plan.formatLabel}${plan.converter ? ` -> ONNX with ${plan.converter}` : ''}`);
  if (plan.scan) out.push(`Safety scan: ${plan.scan.verdict}${plan.riskWarning ? ` - ${plan.riskWarning}` : ''}`);
  out.push(`Python: ${plan.python ? `${plan.python.label} (${plan.python.path}, Python ${plan.python.version})` : 'none usable found'}`);
  for (const p of plan.needs.packages) out.push(`  ${p.present ? s.green('ok') : p.present === false ? s.red('missing') : '?'}  ${p.name}${p.version ? ` ${p.version}` : ''}  ${s.dim(p.purpose)}`);
  if (plan.needs.pipCommand) out.push(`Install: ${plan.needs.pipCommand}`);
  out.push(`Output: ${plan.outPath} (opset ${plan.opset.opset})`);
  for (const n of plan.notes) out.push(`Note: ${n}`);
  for (const b of plan.blockers) out.push(s.yellow(`Before converting: ${b}`));
  const others = plan.interpreters.filter((i) => i.path !== plan.python?.path);
  if (others.length) out.push(s.dim(`Other interpreters: ${others.map((i) => `${i.label}${i.version ? ` (${i.version})` : ''}`).join('; ')}`));
  return `${out.join('\n')}\n`;
}

function renderResult(r: ConvertResult, s: Style): string {
  const out = [`${s.green('Converted:')} ${r.onnxPath}`];
  const io = r.report.onnx;
  if (io) {
    for (const i of io.inputs) out.push(`  input  ${i.name} ${i.elementType ?? ''} [${(i.shape ?? []).map((d) => d ?? '?').join(', ')}]`);
    for (const o of io.outputs) out.push(`  output ${o.name} ${o.elementType ?? ''} [${(o.shape ?? []).map((d) => d ?? '?').join(', ')}]`);
  }
  if (r.comparison) {
    const c = r.comparison;
    out.push(`${c.passed ? s.green('Outputs match the original') : s.red('Outputs differ from the original')}: max abs diff ${c.maxAbsDiff ?? 'n/a'} on batches ${c.samples.map((x) => x.batch).join(' and ')} (tolerance ${c.tolerance} + ${c.relativeTolerance} x |value|)`);
    for (const sample of c.samples) for (const o of sample.outputs) if (o.problem || o.mismatches) out.push(`  batch ${sample.batch} ${o.name}: ${o.problem ?? `${o.mismatches} values out of tolerance`}`);
  } else if (r.comparisonNote) out.push(s.dim(r.comparisonNote));
  const problems = r.findings.filter((f) => f.severity !== 'info');
  for (const f of problems) out.push(`  ${f.severity}: ${f.title}`);
  out.push(s.dim(`Next: modeldock validate ${r.onnxPath}`));
  return `${out.join('\n')}\n`;
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { contract } from '../../../shared/contract';
import type { InputSource, PredictResponse } from '../../../shared/schemas/inference';
import type { WireTensor } from '../../../shared/schemas/tensor';
import { intValue, UsageError } from '../args';
import { EXIT, JSON_OPTION, SPEC_OPTION, type CommandDef } from '../command';
import { formatMs, formatShape, formatValue } from '../format';
import { resolveModelTarget } from '../model-arg';
import { formatTable } from '../table';
import type { Style } from '../term';

export const predictCommand: CommandDef = {
  name: 'predict',
  args: 'MODEL --input [NAME=]FILE...',
  summary: contract['inference.predict'].summary,
  details: [
    'Inputs come from JSON (nested arrays, {"instances": [...]}, or one object per input), CSV (the header row',
    'names the features), .npy, .pb (TensorProto) or image files (.png, .jpg; preprocessing from the spec).',
    'NAME= binds a file to one model input; without it files feed the inputs in order.',
  ],
  options: [
    { name: 'input', short: 'i', value: '[NAME=]FILE', variadic: true, help: 'An input file; repeat or list several' },
    { name: 'json-input', value: 'TEXT', variadic: true, help: 'Inline JSON input, optionally NAME=JSON' },
    { name: 'repeat', value: 'N', help: 'Run N times and report latency percentiles (default 1)' },
    { name: 'top', value: 'K', help: 'How many classes to list for classifiers (default 5)' },
    JSON_OPTION,
    SPEC_OPTION,
  ],
  examples: [
    'modeldock predict iris.onnx --input flowers.csv',
    'modeldock predict cnn.onnx --input image=cat.png --top 3',
    'modeldock predict iris.onnx --json-input \'[[5.1, 3.5, 1.4, 0.2]]\' --json',
  ],
  async run(ctx) {
    const target = await resolveModelTarget(ctx, 'predict');
    const inputs: InputSource[] = [
      ...(ctx.args.values.get('input') ?? []).map((arg) => fileInput(arg, ctx.io.cwd)),
      ...(ctx.args.values.get('json-input') ?? []).map(jsonInput),
    ];
    if (inputs.length === 0) throw new UsageError('give the model some input: --input FILE or --json-input TEXT', 'predict');
    const repeat = intValue(ctx.args, 'repeat', 1, 10000, 'predict') ?? 1;
    const topK = intValue(ctx.args, 'top', 1, 100, 'predict') ?? 5;

    const bar = ctx.progress();
    const response = await ctx.engine().invoke('inference.predict', {
      modelPath: target.modelPath,
      inputs,
      specPath: target.specPath,
      repeat,
      topK,
    }, {
      signal: ctx.signal,
      onProgress: (p) => bar.update(p.total ? p.index / p.total : 0, p.step),
    });
    bar.clear();
    if (ctx.json) ctx.print(`${JSON.stringify(response, null, 2)}\n`);
    else ctx.print(renderPrediction(response, ctx.out));
    return EXIT.ok;
  },
};

/** "[NAME=]FILE": a NAME= prefix binds the file to one input, unless the whole argument is an existing file. */
export function fileInput(arg: string, cwd: string): InputSource {
  const eq = arg.indexOf('=');
  if (eq > 0 && !fs.existsSync(path.resolve(cwd, arg))) {
    const file = arg.slice(eq + 1);
    if (!file) throw new UsageError(`--input ${arg}: the file after "=" is missing`, 'predict');
    return { kind: 'file', name: arg.slice(0, eq), path: path.resolve(cwd, file) };
  }
  return { kind: 'file', path: path.resolve(cwd, arg) };
}

/** "NAME=JSON" or plain JSON (which never starts with a bare word followed by "="). */
export function jsonInput(arg: string): InputSource {
  const named = /^([^\s=[{"\d-][^\s=]*)=([\s\S]*)$/.exec(arg);
  return named ? { kind: 'json', name: named[1], text: named[2] } : { kind: 'json', text: arg };
}

const MAX_ROWS = 10;
const MAX_COLS = 10;

export function renderPrediction(r: PredictResponse, s: Style): string {
  const out: string[] = [];
  out.push(`${s.bold('Inputs')}  ${r.inputs.map((i) => `${i.name} ${i.elementType} ${formatShape(i.dims)}`).join(' · ')}`);
  // What the model was given of each photo: the value range per channel, to compare with the training tensors.
  for (const p of r.previews) {
    const ranges = p.channels.map((c, ch) => `${p.channelNames[ch] ?? ch} ${formatValue(c.min)}..${formatValue(c.max)} (mean ${formatValue(c.mean)})`);
    out.push(`  ${p.source} -> ${p.input} ${p.width}x${p.height} ${p.layout}: ${ranges.join(', ')}`);
  }
  for (const note of r.notes) out.push(`${s.yellow('note:')} ${note}`);
  for (const t of r.outputs) out.push('', ...renderTensor(t, s));

  if (r.classification) {
    const c = r.classification;
    c.rows.slice(0, MAX_ROWS).forEach((row, i) => {
      const title = c.rows.length > 1 ? `Top ${row.top.length} for row ${i + 1}` : `Top ${row.top.length}`;
      out.push('', `${s.bold(title)}  ${s.dim(`(${c.output}, ${c.scoreKind})`)}`);
      out.push(formatTable(
        row.top.map((t, rank) => [String(rank + 1), t.label ?? s.dim('(no label)'), String(t.index), formatValue(t.score)]),
        { header: ['#', 'label', 'index', 'score'], indent: 2, alignRight: [0, 2, 3] },
      ).trimEnd());
    });
    if (c.rows.length > MAX_ROWS) out.push(s.dim(`  … ${c.rows.length - MAX_ROWS} more rows (see --json)`));
  }

  const l = r.latency;
  out.push('');
  if (l.runs > 1) {
    out.push(`${s.bold('Latency')}  ${l.runs} runs · first ${formatMs(l.firstMs)} · p50 ${formatMs(l.p50)} · p90 ${formatMs(l.p90)} · p99 ${formatMs(l.p99)} · max ${formatMs(l.max)}`);
  } else {
    out.push(`${s.bold('Latency')}  ${formatMs(l.firstMs)}`);
  }
  return `${out.join('\n')}\n`;
}

/** A small tensor as a table (rows x columns for 2-D), a large one as its first values. */
function renderTensor(t: WireTensor, s: Style): string[] {
  const head = `${s.bold(t.name)}  ${t.elementType} ${formatShape(t.dims)}`;
  const rows = t.dims.length === 2 ? t.dims[0] : t.dims.length === 1 ? 1 : 0;
  const cols = t.dims.length === 2 ? t.dims[1] : t.dims.length === 1 ? t.dims[0] : 0;
  if (rows > 0 && cols > 0 && cols <= MAX_COLS && t.data.length === rows * cols) {
    const shown = Math.min(rows, MAX_ROWS);
    const body = Array.from({ length: shown }, (_, r) => [String(r), ...t.data.slice(r * cols, r * cols + cols).map(formatValue)]);
    const lines = [head, formatTable(body, { header: ['row', ...Array.from({ length: cols }, (_, c) => String(c))], indent: 2 }).trimEnd()];
    if (rows > shown) lines.push(s.dim(`  … ${rows - shown} more rows (see --json)`));
    return lines;
  }
  const first = t.data.slice(0, 12).map(formatValue).join(', ');
  const more = t.data.length > 12 ? `, … (${t.data.length} values; see --json)` : '';
  return [head, `  [${first}${more}]`];
}

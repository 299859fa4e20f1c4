import { contract } from '../../../shared/contract';
import type { ModelReport, OnnxSummary } from '../../../shared/schemas/model';
import type { Provenance } from '../../../shared/schemas/provenance';
import { EXIT, JSON_OPTION, SPEC_OPTION, type CommandDef } from '../command';
import { formatBytes, formatCount, formatShape } from '../format';
import { resolveModelTarget } from '../model-arg';
import { formatTable } from '../table';
import type { Style } from '../term';

export const inspectCommand: CommandDef = {
  name: 'inspect',
  args: 'MODEL',
  summary: contract['model.open'].summary,
  details: [
    'Recognises ONNX, pickle, joblib, PyTorch, TorchScript, Keras, TensorFlow SavedModel, safetensors and TFLite',
    'by content. Non-ONNX models get the steps to convert them to ONNX.',
  ],
  options: [JSON_OPTION, SPEC_OPTION],
  examples: ['modeldock inspect model.onnx', 'modeldock inspect model.onnx --json | jq .onnx.inputs'],
  async run(ctx) {
    const { modelPath } = await resolveModelTarget(ctx, 'inspect');
    const bar = ctx.progress();
    const report = await ctx.engine().invoke('model.open', { path: modelPath }, {
      signal: ctx.signal,
      onProgress: (p) => bar.update(p.total ? p.index / p.total : 0, p.step),
    });
    bar.clear();
    if (ctx.json) {
      ctx.print(`${JSON.stringify(report, null, 2)}\n`);
      return EXIT.ok;
    }
    ctx.print(renderReport(report, ctx.out));
    return EXIT.ok;
  },
};

export function renderReport(report: ModelReport, s: Style): string {
  const out: string[] = [];
  out.push(`${s.bold(report.fileName)}  ${report.formatLabel} · ${formatBytes(report.bytes)}`);
  if (report.provenance) out.push(...renderProvenance(report.provenance, s));
  if (report.onnx) out.push(...renderOnnx(report.onnx, s));
  if (report.conversion) {
    const c = report.conversion;
    out.push('', c.summary, '', s.bold('To convert it to ONNX:'));
    c.steps.forEach((step, i) => out.push(`  ${i + 1}. ${step}`));
    out.push('', ...c.snippet.split('\n').map((l) => `    ${s.cyan(l)}`));
  }
  return `${out.join('\n')}\n`;
}

/** One line for a model ModelDock converted: from what, what its scan said, and whether the outputs matched. */
function renderProvenance(p: Provenance, s: Style): string[] {
  const verdict = p.scan?.verdict ?? 'not scanned';
  const scan = verdict === 'safe' ? s.green('scan safe') : verdict === 'dangerous' ? s.red('scan dangerous') : s.yellow(`scan ${verdict}`);
  const compared = p.comparison
    ? (p.comparison.passed ? s.green('outputs match') : s.red('outputs differ')) + ` (max abs diff ${p.comparison.maxAbsDiff ?? 'n/a'})`
    : 'outputs not compared';
  const out = [`Converted from ${p.source.fileName} (${p.source.formatLabel}) · ${scan} · ${compared} · ${p.converter.name}${p.converter.opset ? ` opset ${p.converter.opset}` : ''}`];
  out.push(s.dim(`  ${p.source.path} · sha256 ${p.source.sha256 ?? 'unknown'} · ${p.createdAt}`));
  if (p.riskAccepted) out.push(s.yellow(`  The scan was not clean ("${verdict}"): the risk was accepted before Python loaded the file.`));
  return out;
}

function renderOnnx(m: OnnxSummary, s: Style): string[] {
  const out: string[] = [];
  const opsets = m.opsetImports.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
  const producer = [m.producerName, m.producerVersion].filter(Boolean).join(' ') || 'unknown';
  out.push(s.dim(`  IR version ${m.irVersion} · opsets ${opsets || 'none'} · producer ${producer}`));
  out.push(s.dim(`  ${formatCount(m.parameterCount)} parameters (${formatBytes(m.parameterBytes)}) in ${m.initializerCount} initializers · ${m.nodeCount} nodes`));
  if (m.docString.trim()) out.push(`  ${m.docString.trim().split('\n')[0].slice(0, 200)}`);

  const io = (items: OnnxSummary['inputs']) => formatTable(
    items.map((v) => [v.name, v.kind === 'tensor' ? (v.elementType ?? '?') : v.typeText, v.kind === 'tensor' ? formatShape(v.shape) : '']),
    { header: ['name', 'type', 'shape'], indent: 2, alignRight: [] },
  ).trimEnd();
  out.push('', s.bold('Inputs'), io(m.inputs), '', s.bold('Outputs'), io(m.outputs));

  if (m.opHistogram.length > 0) {
    const ops = [...m.opHistogram].sort((a, b) => b.count - a.count);
    const shown = ops.slice(0, 15);
    out.push('', s.bold('Operators'), formatTable(
      shown.map((o) => [o.opType, o.domain || 'ai.onnx', String(o.count)]),
      { header: ['op', 'domain', 'count'], indent: 2 },
    ).trimEnd());
    if (ops.length > shown.length) out.push(s.dim(`  … and ${ops.length - shown.length} more (see --json)`));
  }
  if (m.customDomains.length > 0) out.push('', `${s.yellow('Custom operator domains:')} ${m.customDomains.join(', ')}`);
  if (m.labels) out.push('', `${s.bold('Labels')} (${m.labels.length})  ${truncate(m.labels.join(', '), 200)}`);
  if (m.metadata.length > 0) {
    out.push('', s.bold('Metadata'), formatTable(
      m.metadata.map((kv) => [kv.key, truncate(kv.value.replace(/\s+/g, ' '), 80)]),
      { header: ['key', 'value'], indent: 2, alignRight: [] },
    ).trimEnd());
  }
  if (m.externalData.length > 0) {
    out.push('', s.bold('External data'), formatTable(
      m.externalData.map((e) => [e.location, e.bytes === null ? '?' : formatBytes(e.bytes), String(e.tensors), e.problem ? s.red(e.problem) : s.green('ok')]),
      { header: ['file', 'size', 'tensors', 'status'], indent: 2, alignRight: [1, 2] },
    ).trimEnd());
  }
  return out;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

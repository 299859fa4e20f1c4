import { contract } from '../../../shared/contract';
import type { BenchResult } from '../../../shared/schemas/bench';
import { intList, intValue } from '../args';
import { EXIT, JSON_OPTION, SPEC_OPTION, type CommandDef } from '../command';
import { formatMs } from '../format';
import { resolveModelTarget } from '../model-arg';
import { formatTable } from '../table';
import type { Style } from '../term';

export const benchCommand: CommandDef = {
  name: 'bench',
  args: 'MODEL',
  summary: contract['bench.run'].summary,
  details: [
    'Warm-up runs first, then timed runs for every batch size x thread count. Results are saved beside the spec',
    '(modeldock.bench.json) for capacity planning unless --no-save. Ctrl-C stops early.',
  ],
  options: [
    { name: 'batch', value: 'N,N', help: 'Batch sizes to measure (default 1)' },
    { name: 'threads', value: 'N,N', help: 'ONNX Runtime intra-op threads to try; 0 lets it choose (default 1)' },
    { name: 'runs', value: 'N', help: 'Timed runs per configuration (default 50)' },
    { name: 'warmup', value: 'N', help: 'Untimed runs before measuring (default 5)' },
    { name: 'no-save', help: 'Do not write modeldock.bench.json' },
    JSON_OPTION,
    SPEC_OPTION,
  ],
  examples: ['modeldock bench model.onnx --batch 1,8,32 --threads 1,2 --runs 100'],
  async run(ctx) {
    const { modelPath, specPath } = await resolveModelTarget(ctx, 'bench');
    const request = {
      modelPath,
      batchSizes: intList(ctx.args, 'batch', 1, 4096, 'bench'),
      threads: intList(ctx.args, 'threads', 0, 256, 'bench'),
      runs: intValue(ctx.args, 'runs', 1, 100000, 'bench'),
      warmupRuns: intValue(ctx.args, 'warmup', 0, 1000, 'bench'),
      save: !ctx.args.flags.has('no-save'),
      specPath,
    };
    const bar = ctx.progress();
    const result = await ctx.engine().invoke('bench.run', request, {
      signal: ctx.signal,
      onProgress: (p) => bar.update(p.total ? p.done / p.total : 0, `${p.phase} · batch ${p.batchSize} · threads ${p.threads === 0 ? 'auto' : p.threads}`),
    });
    bar.clear();
    if (ctx.json) ctx.print(`${JSON.stringify(result, null, 2)}\n`);
    else ctx.print(renderBench(result, ctx.out));
    return result.cancelled ? EXIT.cancelled : EXIT.ok;
  },
};

export function renderBench(r: BenchResult, s: Style): string {
  const out: string[] = [];
  out.push(s.dim(`${r.host.cpuModel} · ${r.host.cpus} CPUs · ${r.host.platform} · ONNX Runtime ${r.host.ortVersion}`));
  if (r.results.length === 0) {
    out.push('No configuration finished.');
  } else {
    out.push(formatTable(
      r.results.map((c) => [
        String(c.batchSize), c.threads === 0 ? 'auto' : String(c.threads), String(c.runs),
        formatMs(c.p50), formatMs(c.p90), formatMs(c.p99), formatMs(c.max), formatMs(c.mean), `${c.throughput.toFixed(1)}/s`,
      ]),
      { header: ['batch', 'threads', 'runs', 'p50', 'p90', 'p99', 'max', 'mean', 'throughput'], alignRight: [0, 1, 2, 3, 4, 5, 6, 7, 8] },
    ).trimEnd());
  }
  if (r.cancelled) out.push(s.yellow('Cancelled: results above are partial.'));
  if (r.savedTo) out.push(s.dim(`Saved to ${r.savedTo}`));
  return `${out.join('\n')}\n`;
}

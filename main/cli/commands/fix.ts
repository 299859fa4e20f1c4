import * as path from 'node:path';
import { contract } from '../../../shared/contract';
import { oneValue, UsageError } from '../args';
import { EXIT, JSON_OPTION, SPEC_OPTION, type CommandDef } from '../command';
import { displayPath, formatShape } from '../format';
import { resolveModelTarget } from '../model-arg';

export const fixCommand: CommandDef = {
  name: 'fix',
  args: 'MODEL --remove-zipmap',
  summary: contract['model.fix'].summary,
  details: ['--remove-zipmap: drop the ZipMap that skl2onnx appends to classifiers and return its probabilities tensor.'],
  options: [
    { name: 'remove-zipmap', help: 'Remove the ZipMap operator (onnxruntime-node cannot return its output)' },
    { name: 'out', value: 'FILE', help: 'Where to write the fixed copy (default: beside the model)' },
    JSON_OPTION,
    SPEC_OPTION,
  ],
  examples: ['modeldock fix classifier.onnx --remove-zipmap'],
  async run(ctx) {
    if (!ctx.args.flags.has('remove-zipmap')) throw new UsageError('say which fix to apply: --remove-zipmap', 'fix');
    const { modelPath } = await resolveModelTarget(ctx, 'fix');
    const out = oneValue(ctx.args, 'out');
    const result = await ctx.engine().invoke('model.fix', {
      path: modelPath,
      fix: 'remove-zipmap',
      outPath: out ? path.resolve(ctx.io.cwd, out) : undefined,
    }, { signal: ctx.signal });
    if (ctx.json) {
      ctx.print(`${JSON.stringify(result, null, 2)}\n`);
      return EXIT.ok;
    }
    ctx.print(`Wrote ${displayPath(ctx.io.cwd, result.path)} (the original is unchanged)\n`);
    for (const o of result.report.onnx?.outputs ?? []) {
      ctx.print(`  output ${o.name}  ${o.kind === 'tensor' ? `${o.elementType ?? '?'} ${formatShape(o.shape)}` : o.typeText}\n`);
    }
    return EXIT.ok;
  },
};

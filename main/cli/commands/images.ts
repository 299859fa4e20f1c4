import * as path from 'node:path';
import { EXIT, JSON_OPTION, type CommandDef } from '../command';
import { formatBytes, formatMs } from '../format';
import { formatTable } from '../table';
import { oneValue } from '../args';
import { CONTEXT_OPTION } from '../docker-context';

export const imagesCommand: CommandDef = {
  name: 'images',
  args: '[MODEL]',
  summary: 'List the images built here (a model\'s versions), newest first, with size, load tests and pushes',
  options: [CONTEXT_OPTION, JSON_OPTION],
  examples: ['modeldock images', 'modeldock images iris.onnx'],
  async run(ctx) {
    const given = ctx.args.positionals[0];
    const modelPath = given ? path.resolve(ctx.io.cwd, given) : undefined;
    const { builds } = await ctx.engine().invoke('image.history', { modelPath, context: oneValue(ctx.args, 'context') }, { signal: ctx.signal });
    if (ctx.json) {
      ctx.print(`${JSON.stringify({ builds }, null, 2)}\n`);
      return EXIT.ok;
    }
    if (builds.length === 0) {
      ctx.print(`No images built${modelPath ? ` for ${path.basename(modelPath)}` : ''} yet. Build one: modeldock build MODEL\n`);
      return EXIT.ok;
    }
    const s = ctx.out;
    const rows = builds.map((b) => {
      const lt = b.loadTests.at(-1);
      return [
        b.present ? b.reference : s.dim(`${b.reference} (removed)`),
        b.imageId.replace(/^sha256:/, '').slice(0, 12),
        `${b.modelName} ${b.modelVersion}`,
        b.modelSha256.slice(0, 12),
        formatBytes(b.sizeBytes),
        b.builtAt.replace('T', ' ').slice(0, 16),
        formatMs(b.buildMs),
        lt ? `${lt.requestsPerSecond.toFixed(0)}/s p99 ${formatMs(lt.p99Ms)}` : '-',
        b.pushes.at(-1)?.reference ?? '-',
      ];
    });
    ctx.print(formatTable(rows, {
      header: ['image', 'id', 'model', 'model sha256', 'size', 'built', 'took', 'load test', 'pushed'], alignRight: [4, 6],
    }));
    return EXIT.ok;
  },
};

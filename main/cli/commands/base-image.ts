import { OFFLINE_BASE_IMAGE } from '../../../shared/schemas/spec';
import { oneValue } from '../args';
import { EXIT, JSON_OPTION, type CommandDef } from '../command';
import { formatBytes } from '../format';
import { CONTEXT_OPTION } from '../docker-context';

export const baseImageCommand: CommandDef = {
  name: 'base-image',
  args: '',
  summary: 'Create an offline base image from this machine\'s own Node: build serving images with no registry at all',
  details: [
    `The image (${OFFLINE_BASE_IMAGE} by default) holds only this machine's node binary and the libraries it loads,`,
    'imported with "docker import": no shell, no package manager. Use it with: modeldock build MODEL --base ' + OFFLINE_BASE_IMAGE,
  ],
  options: [
    { name: 'tag', value: 'NAME:TAG', help: `Name of the image to create (default ${OFFLINE_BASE_IMAGE})` },
    { name: 'force', help: 'Recreate it even when it exists' },
    CONTEXT_OPTION,
    JSON_OPTION,
  ],
  examples: ['modeldock base-image', 'modeldock base-image --force'],
  async run(ctx) {
    const bar = ctx.progress();
    const result = await ctx.engine().invoke('docker.makeBase', {
      tag: oneValue(ctx.args, 'tag'), force: ctx.args.flags.has('force'), context: oneValue(ctx.args, 'context'),
    }, { signal: ctx.signal, onProgress: (p) => bar.update(p.total ? p.index / p.total : 0, p.step) });
    bar.clear();
    if (ctx.json) {
      ctx.print(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      const verb = result.created ? ctx.out.green('Created') : 'Already there:';
      ctx.print(`${verb} ${result.reference}  ${ctx.out.dim(`(${formatBytes(result.sizeBytes)}, Node ${result.nodeVersion}, ${result.imageId.slice(0, 19)})`)}\n`);
      if (!result.created) ctx.print(ctx.out.dim('Use --force to recreate it.\n'));
    }
    return EXIT.ok;
  },
};

import type { ImageBuildProgress } from '../../shared/schemas/docker';
import type { CommandContext } from './command';

/**
 * Progress of an image build on the terminal: a bar with the current step on a TTY; without one (CI logs) there
 * is no bar to redraw, so each Dockerfile step is written once as a line instead.
 */
export function imageBuildProgress(ctx: CommandContext): { onProgress: (p: ImageBuildProgress) => void; clear: () => void } {
  const bar = ctx.progress();
  const plain = !ctx.io.stderr.isTTY;
  let lastStep: number | null = null;
  return {
    onProgress: (p) => {
      bar.update(p.fraction, `${p.stepText ?? p.phase}${p.cached ? ' (cached)' : ''}`);
      if (plain && p.stepIndex !== null && p.stepIndex !== lastStep && p.stepText) {
        lastStep = p.stepIndex;
        ctx.io.stderr.write(`${p.stepText}\n`);
      }
    },
    clear: () => bar.clear(),
  };
}

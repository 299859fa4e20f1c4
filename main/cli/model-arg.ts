import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import { oneValue, UsageError } from './args';
import type { CommandContext } from './command';

export interface ModelTarget {
  modelPath: string;
  /** The spec given with --spec, resolved; undefined means "the modeldock.yaml beside the model, if any". */
  specPath?: string;
}

/**
 * MODEL from the command line, or from --spec FILE: the spec's model.path, relative to the spec. An invalid spec
 * is a failure with its issues listed, not a silent fallback.
 */
export async function resolveModelTarget(ctx: CommandContext, command: string): Promise<ModelTarget> {
  const given = ctx.args.positionals[0];
  const specArg = oneValue(ctx.args, 'spec');
  if (ctx.args.positionals.length > 1) {
    throw new UsageError(`expected one MODEL, got ${ctx.args.positionals.length}: ${ctx.args.positionals.join(' ')}`, command);
  }
  if (!specArg) {
    if (!given) throw new UsageError('missing MODEL (a model file path, or --spec FILE)', command);
    return { modelPath: path.resolve(ctx.io.cwd, given) };
  }

  const specPath = path.resolve(ctx.io.cwd, specArg);
  const doc = await ctx.engine().invoke('spec.read', { path: specPath }, { signal: ctx.signal });
  if (!doc.exists) {
    throw new ModelDockError({
      code: 'spec-missing',
      title: 'Spec file not found',
      message: `${specPath} does not exist.`,
      fix: `Create one with: modeldock spec init ${given ?? 'MODEL'}`,
    });
  }
  if (!doc.spec) {
    const first = doc.issues.slice(0, 5).map((i) => `${path.basename(specPath)}${i.line ? `:${i.line}` : ''}: ${i.path ? `${i.path}: ` : ''}${i.message}`);
    throw new ModelDockError({
      code: 'spec-invalid',
      title: 'The spec has problems',
      message: `${doc.issues.length} problem${doc.issues.length === 1 ? '' : 's'} in ${specPath}:\n  ${first.join('\n  ')}`,
      fix: `Fix them, then check with: modeldock spec check ${specArg}`,
    });
  }
  const modelPath = given ? path.resolve(ctx.io.cwd, given) : path.resolve(path.dirname(specPath), doc.spec.model.path);
  return { modelPath, specPath };
}

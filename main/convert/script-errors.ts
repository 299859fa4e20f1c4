import * as path from 'node:path';
import { cancelledError, ModelDockError } from '../../shared/errors';
import { findMarker, type RecipeRun } from './run-recipe';

/** Turns a recipe run that did not succeed into a ModelDockError: the script's own error if it reported one. */
const TITLES: Record<string, string> = {
  'python-package-missing': 'A Python package is missing',
  'convert-needs-model-class': 'The model class is needed',
  'convert-class-not-importable': 'The model\'s class cannot be imported',
  'convert-class-not-found': 'The model class cannot be imported',
  'convert-needs-input-shape': 'The input shape is needed',
  'convert-output-unsupported': 'The model\'s outputs cannot be exported',
  'convert-unsupported-model': 'This model type has no converter here',
};

export function recipeFailure(run: RecipeRun, pythonPath: string, timeoutMs: number): ModelDockError {
  const detail = run.log.slice(-60).join('\n');
  if (run.cancelled) return cancelledError();
  if (run.spawnError) {
    return new ModelDockError({
      code: 'python-not-runnable',
      title: 'Python could not be started',
      message: `${pythonPath} could not be started (${run.spawnError}).`,
      fix: 'Choose another interpreter (modeldock convert MODEL --python PATH).',
    });
  }
  if (run.timedOut) {
    return new ModelDockError({
      code: 'convert-timeout',
      title: 'The conversion took too long',
      message: `The recipe was still running after ${Math.round(timeoutMs / 1000)} s and was stopped.`,
      fix: 'Run it again with a longer time limit, or run the recipe by hand to see where it waits.',
      detail,
    });
  }
  const reported = findMarker<{ code?: string; message?: string; fix?: string }>(run.markers, 'error');
  if (reported?.message) {
    const code = reported.code ?? 'convert-failed';
    return new ModelDockError({ code, title: TITLES[code] ?? 'The conversion failed', message: reported.message, fix: reported.fix, detail });
  }
  const last = lastErrorLine(run.log);
  return new ModelDockError({
    code: 'convert-failed',
    title: 'The conversion failed',
    message: `The recipe stopped with ${run.signal ? `signal ${run.signal}` : `exit code ${run.exitCode}`}${last ? `: ${last}` : ''}.`,
    fix: `Read the log for the cause; edit the recipe (input shapes, opset) and convert again. The interpreter was ${path.basename(pythonPath)} (${pythonPath}).`,
    detail,
  });
}

/** A Python traceback ends with "SomeError: message". */
function lastErrorLine(log: string[]): string | null {
  for (let i = log.length - 1; i >= 0; i--) {
    const line = log[i].trim();
    if (/^[A-Za-z_.]*(Error|Exception|Exit)\b.*:/.test(line)) return line.slice(0, 500);
  }
  const last = log.filter((l) => l.trim() && !l.startsWith('[modeldock]')).pop();
  return last ? last.trim().slice(0, 500) : null;
}

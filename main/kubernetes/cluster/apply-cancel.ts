import { ModelDockError } from '../../../shared/errors';
import type { AppliedObject } from '../../../shared/schemas/kubernetes-apply';

/** Cancel between objects: says which ones already reached the cluster, because they stay there. */
export function cancelledDuringApply(applied: AppliedObject[]): ModelDockError {
  return new ModelDockError({
    code: 'cancelled',
    title: 'Cancelled',
    message: applied.length === 0
      ? 'The apply was cancelled before any object reached the cluster.'
      : `The apply was cancelled. Already applied (they stay in the cluster): ${applied.map((a) => a.ref).join(', ')}.`,
  });
}

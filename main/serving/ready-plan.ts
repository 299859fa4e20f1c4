import type { ServingPlan } from '../../shared/schemas/serve';

/**
 * The runtime's plan for the model, read from its "ready" log line (resources/serving/src/main.ts writes it). Every
 * field is checked: a line that lacks one (another runtime version) gives null, and the app shows no plan.
 */
export function readyPlan(fields: Record<string, unknown> | null): ServingPlan | null {
  if (!fields) return null;
  const { inference, workers, intraOpThreads, cpus, batching } = fields;
  if (typeof inference !== 'string' || !isCount(workers) || !isCount(intraOpThreads) || !isCount(cpus)) return null;
  let plan: ServingPlan['batching'] = null;
  if (batching !== false) {
    if (!batching || typeof batching !== 'object') return null;
    const b = batching as Record<string, unknown>;
    if (!isCount(b.configured) || !isCount(b.effective) || typeof b.maxBatchDelayMs !== 'number' || typeof b.reason !== 'string') return null;
    plan = { configured: b.configured, effective: b.effective, maxBatchDelayMs: b.maxBatchDelayMs, reason: b.reason };
  }
  return { inference, onServerThread: inference.startsWith('server thread'), workers, intraOpThreads, cpus, batching: plan, sideBySide: sideBySideOf(fields.sideBySide) };
}

/** Absent in older runtimes' lines and when not considered; a malformed one is treated as absent. */
function sideBySideOf(value: unknown): ServingPlan['sideBySide'] {
  if (!value || typeof value !== 'object') return null;
  const { adopted, workers, reason } = value as Record<string, unknown>;
  return typeof adopted === 'boolean' && isCount(workers) && typeof reason === 'string' ? { adopted, workers, reason } : null;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

import type { DeployContext } from './deploy-context';

/** How often the startup probe asks; short, so a pod is marked started soon after the model is ready. */
export const STARTUP_PERIOD_SECONDS = 2;
/** Seconds between SIGTERM's drain deadline and the kubelet's SIGKILL: room for the last log line and exit. */
export const SHUTDOWN_SLACK_SECONDS = 5;

/**
 * The startup probe allows three times the measured cold start plus 10 s (a cluster node may be slower than the
 * machine that measured it, and share its disk), at least 30 s and at most 10 minutes.
 */
export function startupBudgetSeconds(coldStartSeconds: number): number {
  return Math.min(600, Math.max(30, Math.ceil(coldStartSeconds * 3 + 10)));
}

export function startupFailureThreshold(coldStartSeconds: number): number {
  return Math.ceil(startupBudgetSeconds(coldStartSeconds) / STARTUP_PERIOD_SECONDS);
}

/**
 * The stop sequence: preStop pause (endpoints removed, no new requests arrive), then SIGTERM and the runtime's
 * drain (serving.gracePeriodSeconds), then slack. The kubelet's grace period must cover all three, or it kills a
 * pod with requests still in flight.
 */
export function terminationGraceSeconds(ctx: Pick<DeployContext, 'settings' | 'serving'>): number {
  return ctx.settings.probes.preStopSeconds + Math.ceil(ctx.serving.gracePeriodSeconds) + SHUTDOWN_SLACK_SECONDS;
}

import { ModelDockError } from '../../../shared/errors';
import type { AppliedObject, ApplyProgress, DeployApplyRequest, DeployApplyResult } from '../../../shared/schemas/kubernetes-apply';
import { objectRef } from '../k8s-object';
import { cancelledDuringApply } from './apply-cancel';
import { clusterTarget, planForCluster } from './cluster-diff';
import { readLive, serverSideApply } from './cluster-requests';
import { desiredObjects } from './desired-objects';
import type { KubeconfigSource } from './kubeconfig';
import { sameContent } from './object-diff';
import { watchRollout } from './rollout-watch';

export interface ApplyContext {
  signal: AbortSignal;
  onProgress: (event: ApplyProgress) => void;
  source?: KubeconfigSource;
  /** Tests shorten the pauses between rollout polls. */
  firstPollMs?: number;
}

/**
 * Applies the manifests object by object (server-side apply, field manager "modeldock"), then follows the
 * Deployments' rollout. Refused up front, with nothing sent, while a required check fails (unless allowed).
 * A rollout that fails or times out is part of the result, not an error: the objects are in the cluster by then.
 */
export async function applyToCluster(request: DeployApplyRequest, ctx: ApplyContext): Promise<DeployApplyResult> {
  const desired = desiredObjects(request);
  const failed = desired.manifests.checks.filter((c) => !c.passed && c.severity === 'required');
  if (failed.length > 0 && !request.allowFailedChecks) {
    throw new ModelDockError({
      code: 'checks-failed',
      title: 'The manifests fail required checks',
      message: `Nothing was applied: ${failed.length} required check${failed.length === 1 ? '' : 's'} failed: ${failed.slice(0, 5).map((c) => `${c.title} (${c.object ?? 'all'}): ${c.reason}`).join(' ')}`,
      fix: 'Change the kubernetes settings as each check says, or apply anyway (--allow-failed-checks) to a test cluster.',
    });
  }
  const plan = await planForCluster(request, desired.objects, desired.namespace, ctx.signal, ctx.source);
  const applied: AppliedObject[] = [];
  for (const [index, object] of plan.objects.entries()) {
    if (ctx.signal.aborted) throw cancelledDuringApply(applied);
    const live = await readLive(plan.conn, object, plan.scene).catch((e) => { throw ctx.signal.aborted ? cancelledDuringApply(applied) : e; });
    const result = await serverSideApply(plan.conn, object, plan.scene, { dryRun: false, force: request.forceConflicts })
      .catch((e) => { throw ctx.signal.aborted ? cancelledDuringApply(applied) : e; });
    const entry: AppliedObject = {
      ref: objectRef(object),
      kind: object.kind,
      name: object.metadata?.name ?? '',
      result: live === null ? 'created' : sameContent(live, result) ? 'unchanged' : 'configured',
    };
    applied.push(entry);
    ctx.onProgress({ kind: 'applied', object: entry, index: index + 1, total: plan.objects.length });
  }
  const deployments = plan.objects.filter((o) => o.kind === 'Deployment');
  const rollout = await watchRollout(plan.conn, deployments, plan.scene, {
    timeoutMs: request.timeoutSeconds * 1000, signal: ctx.signal, onProgress: ctx.onProgress, firstPollMs: ctx.firstPollMs,
  });
  return {
    ...clusterTarget(plan, desired),
    applied,
    rollout,
  };
}

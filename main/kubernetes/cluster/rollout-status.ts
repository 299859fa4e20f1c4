import type { DeploymentRollout } from '../../../shared/schemas/kubernetes-apply';

/** The fields of a Deployment the rollout is judged from. */
export interface DeploymentState {
  metadata?: { name?: string; generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
  };
}

export interface RolloutVerdict extends DeploymentRollout {
  /** The cluster gave up: the progress deadline passed without progress. */
  failed: boolean;
}

/**
 * kubectl's `rollout status` rules for one Deployment: done when the controller has seen the newest spec, every
 * desired pod runs the new template, no old pod is left and all are available; failed when its Progressing
 * condition says ProgressDeadlineExceeded.
 */
export function judgeRollout(d: DeploymentState): RolloutVerdict {
  const name = d.metadata?.name ?? '(unnamed)';
  const desired = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const updated = s.updatedReplicas ?? 0;
  const ready = s.readyReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const total = s.replicas ?? 0;
  const base = { name, desired, updated, ready, available };
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return { ...base, done: false, failed: true, message: `stopped: ${progressing.message ?? 'the progress deadline passed'}` };
  }
  if ((d.metadata?.generation ?? 0) > (s.observedGeneration ?? -1)) {
    return { ...base, done: false, failed: false, message: 'waiting for the cluster to pick up the new version' };
  }
  if (updated < desired) return { ...base, done: false, failed: false, message: `${updated} of ${desired} new pod${desired === 1 ? '' : 's'} updated` };
  if (total > updated) return { ...base, done: false, failed: false, message: `${total - updated} old pod${total - updated === 1 ? '' : 's'} still shutting down` };
  if (available < updated) return { ...base, done: false, failed: false, message: `${available} of ${updated} updated pod${updated === 1 ? '' : 's'} available` };
  return { ...base, done: true, failed: false, message: `rollout complete: ${available} of ${desired} pod${desired === 1 ? '' : 's'} available` };
}

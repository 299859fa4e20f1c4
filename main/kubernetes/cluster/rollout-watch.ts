import { ModelDockError, type ErrorInfo } from '../../../shared/errors';
import type { ApplyProgress, RolloutOutcome } from '../../../shared/schemas/kubernetes-apply';
import type { K8sObject } from '../k8s-object';
import type { ClusterConnection } from './cluster-client';
import { readLive, type Scene } from './cluster-requests';
import { judgeRollout, type DeploymentState, type RolloutVerdict } from './rollout-status';

export interface RolloutWatchOptions {
  timeoutMs: number;
  signal: AbortSignal;
  onProgress: (event: ApplyProgress) => void;
  /** First pause between polls; it doubles up to maxPollMs (quick feedback first, little load on a long rollout). */
  firstPollMs?: number;
  maxPollMs?: number;
}

/**
 * Follows the Deployments until each is rolled out, the cluster reports the progress deadline exceeded, or our own
 * timeout passes. Polls rather than watches: a watch stream through proxies and short-lived credentials breaks in
 * more ways than a GET every second or two, and nothing here needs sub-second news.
 */
export async function watchRollout(conn: ClusterConnection, deployments: K8sObject[], scene: Scene, options: RolloutWatchOptions): Promise<RolloutOutcome> {
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  let pause = options.firstPollMs ?? 250;
  const maxPause = options.maxPollMs ?? 2000;
  if (deployments.length === 0) return { state: 'complete', deployments: [], seconds: 0, problem: null };
  for (;;) {
    const verdicts: RolloutVerdict[] = [];
    for (const d of deployments) {
      const live = await readLive(conn, d, scene).catch((e) => { throw options.signal.aborted ? stoppedWatching() : e; });
      verdicts.push(judgeRollout((live ?? { metadata: d.metadata, spec: { replicas: (d.spec as { replicas?: number } | undefined)?.replicas } }) as DeploymentState));
    }
    const shown = verdicts.map(({ failed: _failed, ...v }) => v);
    options.onProgress({ kind: 'rollout', deployments: shown, elapsedSeconds: seconds() });
    const failed = verdicts.find((v) => v.failed);
    if (failed) return { state: 'failed', deployments: shown, seconds: seconds(), problem: rolloutProblem('failed', failed, scene) };
    if (verdicts.every((v) => v.done)) return { state: 'complete', deployments: shown, seconds: seconds(), problem: null };
    if (Date.now() - started >= options.timeoutMs) {
      const waiting = verdicts.find((v) => !v.done) ?? verdicts[0];
      return { state: 'timeout', deployments: shown, seconds: seconds(), problem: rolloutProblem('timeout', waiting, scene, options.timeoutMs / 1000) };
    }
    await sleep(Math.min(pause, Math.max(0, options.timeoutMs - (Date.now() - started))), options.signal);
    pause = Math.min(maxPause, pause * 2);
  }
}

function rolloutProblem(kind: 'failed' | 'timeout', v: RolloutVerdict, scene: Scene, timeoutSeconds = 0): ErrorInfo {
  const ns = `kubectl --context ${scene.context} -n ${scene.namespace}`;
  return {
    code: kind === 'failed' ? 'rollout-failed' : 'rollout-timeout',
    title: kind === 'failed' ? 'The new pods did not become ready' : 'The rollout is taking longer than expected',
    message: kind === 'failed'
      ? `Deployment/${v.name} ${v.message} (${v.available} of ${v.desired} pods available).`
      : `After ${timeoutSeconds} s Deployment/${v.name} is at: ${v.message}. The objects are applied; the cluster keeps trying.`,
    fix: `See why: ${ns} describe deployment/${v.name} and ${ns} get pods (an image the cluster cannot pull, a crashing container, or too little CPU/memory are the usual causes). Go back with: ${ns} rollout undo deployment/${v.name}`,
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(stoppedWatching());
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(stoppedWatching());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function stoppedWatching(): ModelDockError {
  return new ModelDockError({
    code: 'cancelled',
    title: 'Cancelled',
    message: 'Stopped following the rollout. What was already applied stays in the cluster, and the cluster carries on rolling it out.',
  });
}

import { ModelDockError } from '../../shared/errors';
import type { DeployManifestsRequest, KubernetesSettings } from '../../shared/schemas/kubernetes';
import type { ServingSettings } from '../../shared/schemas/spec';
import { parseImageRef, type ImageRef } from './image-ref';
import type { LabelSource } from './labels';

/** Used when no cold start was measured: a small model is ready in well under this. */
export const DEFAULT_COLD_START_SECONDS = 10;

/** Everything the object builders need, resolved once from a request. */
export interface DeployContext extends LabelSource {
  namespace: string;
  image: ImageRef;
  settings: KubernetesSettings;
  serving: ServingSettings;
  /** Start to ready of one container, seconds, and whether it was measured. */
  coldStartSeconds: number;
  coldStartMeasured: boolean;
  /** The peak memory of the load test, when one was given. */
  measuredPeakMemoryBytes: number | null;
  /** The model takes images (memory-fits-images). */
  takesImages: boolean;
}

export function resolveDeployContext(request: DeployManifestsRequest): DeployContext {
  const { settings } = request;
  assertConsistent(settings, settings.name ?? request.model.name);
  const measured = settings.probes.coldStartSeconds ?? (request.coldStartMs !== undefined ? request.coldStartMs / 1000 : undefined);
  return {
    modelName: request.model.name,
    modelVersion: request.model.version,
    name: settings.name ?? request.model.name,
    namespace: settings.namespace,
    image: parseImageRef(request.image, request.digest),
    settings,
    serving: request.serving,
    coldStartSeconds: measured ?? DEFAULT_COLD_START_SECONDS,
    coldStartMeasured: measured !== undefined,
    measuredPeakMemoryBytes: request.loadTest?.peakMemoryBytes ?? null,
    takesImages: request.model.takesImages,
  };
}

/** Settings each valid on their own but contradicting each other: refused with the keys to change. */
function assertConsistent(settings: KubernetesSettings, name: string): void {
  const problems: string[] = [];
  const { autoscaling, resources, rollout } = settings;
  if (autoscaling.enabled && autoscaling.minReplicas > autoscaling.maxReplicas) {
    problems.push(`autoscaling.minReplicas (${autoscaling.minReplicas}) is above autoscaling.maxReplicas (${autoscaling.maxReplicas})`);
  }
  if (resources.requests.cpu > resources.limits.cpu) {
    problems.push(`resources.requests.cpu (${resources.requests.cpu}) is above resources.limits.cpu (${resources.limits.cpu})`);
  }
  if (resources.requests.memoryMiB > resources.limits.memoryMiB) {
    problems.push(`resources.requests.memoryMiB (${resources.requests.memoryMiB}) is above resources.limits.memoryMiB (${resources.limits.memoryMiB})`);
  }
  if (rollout.strategy === 'canary' && rollout.canary.method === 'ingress-weight' && !settings.ingress) {
    problems.push('rollout.canary.method is "ingress-weight" but there is no ingress section (the weight is set on an Ingress)');
  }
  const named = settings.name ? 'name' : 'the model name (set kubernetes.name to use another)';
  if (!/^[a-z]/.test(name)) {
    problems.push(`${named} "${name}" must start with a letter (Kubernetes Service names do)`);
  }
  // The longest suffix a Service gets ("-preview", "-canary") must still fit the 63-character limit.
  const suffix = rollout.strategy === 'blue-green' ? '-preview' : rollout.strategy === 'canary' ? '-canary' : '';
  if (name.length + suffix.length > 63) {
    problems.push(`${named} "${name}" is too long for a ${rollout.strategy} rollout: at most ${63 - suffix.length} characters, so "${name}${suffix}" fits`);
  }
  if (problems.length > 0) {
    throw new ModelDockError({
      code: 'kubernetes-settings-conflict',
      title: 'The Kubernetes settings contradict each other',
      message: `${problems.join('; ')}.`,
      fix: 'Change the kubernetes settings named above (in modeldock.yaml or on the Deploy screen).',
    });
  }
}

/** Pods the stable/active copy runs when idle: the HPA's minimum, else the fixed replica count. */
export function baselineReplicas(settings: KubernetesSettings): number {
  return settings.autoscaling.enabled ? settings.autoscaling.minReplicas : settings.replicas;
}

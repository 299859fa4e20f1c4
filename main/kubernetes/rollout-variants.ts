import type { DeployContext } from './deploy-context';
import { baselineReplicas } from './deploy-context';
import { LABEL } from './labels';

/** One Deployment of a rollout: its name, image, the labels that set it apart, and who owns its replica count. */
export interface WorkloadVariant {
  deploymentName: string;
  image: string;
  /** Added to the pod labels and the Deployment's selector, e.g. {color: blue}. */
  podLabels: Record<string, string>;
  /** True: an HPA owns the replica count (the Deployment has none). */
  autoscaled: boolean;
  /** The fixed count when not autoscaled. */
  replicas: number;
}

export interface ServiceVariant {
  serviceName: string;
  /** Added to the selector labels. */
  selectorExtra: Record<string, string>;
}

export interface IngressVariant {
  ingressName: string;
  serviceName: string;
  /** Extra annotations, e.g. the NGINX canary weight. */
  annotations: Record<string, string>;
}

export interface RolloutLayout {
  workloads: WorkloadVariant[];
  services: ServiceVariant[];
  /** Empty when the settings have no ingress. */
  ingresses: IngressVariant[];
  warnings: string[];
}

/**
 * Which Deployments, Services and Ingresses a strategy needs. Rolling: one of each. Blue-green: a Deployment per
 * colour; the main Service selects the active colour, a preview Service the other. Canary: stable and canary
 * Deployments; traffic splits by pod count behind one Service, or by an NGINX Ingress weight between two.
 */
export function rolloutLayout(ctx: DeployContext): RolloutLayout {
  const { settings, name } = ctx;
  const newImage = ctx.image.reference;
  const autoscaled = settings.autoscaling.enabled;
  const ingressName = (serviceName: string, annotations: Record<string, string> = {}): IngressVariant =>
    ({ ingressName: serviceName, serviceName, annotations });

  if (settings.rollout.strategy === 'blue-green') {
    const { activeColor, previousImage } = settings.rollout.blueGreen;
    const idleColor = activeColor === 'blue' ? 'green' : 'blue';
    const warnings = previousImage ? [] : [
      `No previous image given: both colours run ${newImage}. On later releases set kubernetes.rollout.blueGreen.previousImage to the image ${activeColor} runs, so only ${idleColor} gets the new one.`,
    ];
    const workload = (color: string, image: string): WorkloadVariant => ({
      deploymentName: `${name}-${color}`, image, podLabels: { [LABEL.color]: color }, autoscaled, replicas: settings.replicas,
    });
    return {
      workloads: [workload(activeColor, previousImage ?? newImage), workload(idleColor, newImage)],
      services: [
        { serviceName: name, selectorExtra: { [LABEL.color]: activeColor } },
        { serviceName: `${name}-preview`, selectorExtra: { [LABEL.color]: idleColor } },
      ],
      ingresses: settings.ingress ? [ingressName(name)] : [],
      warnings,
    };
  }

  if (settings.rollout.strategy === 'canary') {
    const { percent, method, stableImage } = settings.rollout.canary;
    const warnings: string[] = [];
    if (!stableImage) {
      warnings.push(`No stable image given: stable and canary pods both run ${newImage}. On later releases set kubernetes.rollout.canary.stableImage to the image in production now.`);
    }
    const stable: WorkloadVariant = {
      deploymentName: name, image: stableImage ?? newImage, podLabels: { [LABEL.track]: 'stable' }, autoscaled, replicas: settings.replicas,
    };
    if (method === 'ingress-weight') {
      return {
        workloads: [stable, { deploymentName: `${name}-canary`, image: newImage, podLabels: { [LABEL.track]: 'canary' }, autoscaled: false, replicas: 1 }],
        services: [
          { serviceName: name, selectorExtra: { [LABEL.track]: 'stable' } },
          { serviceName: `${name}-canary`, selectorExtra: { [LABEL.track]: 'canary' } },
        ],
        ingresses: [
          ingressName(name),
          ingressName(`${name}-canary`, {
            'nginx.ingress.kubernetes.io/canary': 'true',
            'nginx.ingress.kubernetes.io/canary-weight': String(percent),
          }),
        ],
        warnings,
      };
    }
    const stablePods = baselineReplicas(settings);
    const canaryPods = canaryReplicas(stablePods, percent);
    const share = Math.round((100 * canaryPods) / (stablePods + canaryPods));
    if (Math.abs(share - percent) > 5) {
      warnings.push(`With ${stablePods} stable pod(s), ${canaryPods} canary pod(s) get about ${share}% of requests, not ${percent}%. For an exact share use rollout.canary.method "ingress-weight" with an NGINX Ingress, or raise the stable replicas.`);
    }
    return {
      workloads: [stable, { deploymentName: `${name}-canary`, image: newImage, podLabels: { [LABEL.track]: 'canary' }, autoscaled: false, replicas: canaryPods }],
      services: [{ serviceName: name, selectorExtra: {} }],
      ingresses: settings.ingress ? [ingressName(name)] : [],
      warnings,
    };
  }

  return {
    workloads: [{ deploymentName: name, image: newImage, podLabels: {}, autoscaled, replicas: settings.replicas }],
    services: [{ serviceName: name, selectorExtra: {} }],
    ingresses: settings.ingress ? [ingressName(name)] : [],
    warnings: [],
  };
}

/** Canary pods so that canary / (stable + canary) is near the percentage: at least one. */
export function canaryReplicas(stablePods: number, percent: number): number {
  return Math.max(1, Math.round((stablePods * percent) / (100 - percent)));
}

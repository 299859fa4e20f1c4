import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { DeployContext } from './deploy-context';
import { commonLabels, selectorLabels } from './labels';
import type { WorkloadVariant } from './rollout-variants';

export function buildAutoscaler(ctx: DeployContext, variant: WorkloadVariant): IHorizontalPodAutoscaler | null {
  if (!variant.autoscaled) return null;
  const a = ctx.settings.autoscaling;
  const metrics: NonNullable<NonNullable<IHorizontalPodAutoscaler['spec']>['metrics']> = [
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.cpuTargetPercent } } },
  ];
  if (a.memoryTargetPercent !== undefined) {
    metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: a.memoryTargetPercent } } });
  }
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: variant.deploymentName, namespace: ctx.namespace, labels: { ...commonLabels(ctx), ...variant.podLabels } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: variant.deploymentName },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics,
      behavior: {
        // Scale up at once (a new pod takes its cold start to help); scale down slowly, half the pods a minute at most.
        scaleUp: {
          stabilizationWindowSeconds: 0,
          selectPolicy: 'Max',
          policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }, { type: 'Pods', value: 4, periodSeconds: 30 }],
        },
        scaleDown: {
          stabilizationWindowSeconds: a.scaleDownStabilizationSeconds,
          policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
        },
      },
    },
  };
}

/** One budget over every pod of the model (all colours and tracks), so a node drain never takes them all. */
export function buildDisruptionBudget(ctx: DeployContext): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: ctx.name, namespace: ctx.namespace, labels: commonLabels(ctx) },
    spec: {
      maxUnavailable: ctx.settings.disruptionBudget.maxUnavailable,
      selector: { matchLabels: selectorLabels(ctx) },
    },
  };
}

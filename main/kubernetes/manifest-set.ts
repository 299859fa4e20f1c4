import type { DeployContext } from './deploy-context';
import type { K8sObject } from './k8s-object';
import { buildServiceMonitor } from './monitoring-objects';
import { buildIngress, buildNetworkPolicy, buildService } from './network-objects';
import { rolloutLayout } from './rollout-variants';
import { buildAutoscaler, buildDisruptionBudget } from './scaling-objects';
import { buildConfigMap, buildDeployment } from './workload-objects';

export interface ManifestSet {
  /** In apply order: config first, then workloads, then what points at them. */
  objects: K8sObject[];
  warnings: string[];
}

export function buildManifestSet(ctx: DeployContext): ManifestSet {
  const layout = rolloutLayout(ctx);
  const present = <T>(items: (T | null)[]): T[] => items.filter((item): item is T => item !== null);
  const objects: K8sObject[] = [
    buildConfigMap(ctx),
    ...layout.workloads.map((w) => buildDeployment(ctx, w)),
    ...layout.services.map((s) => buildService(ctx, s)),
    ...present(layout.workloads.map((w) => buildAutoscaler(ctx, w))),
    buildDisruptionBudget(ctx),
    ...present(layout.ingresses.map((i) => buildIngress(ctx, i))),
    ...present([buildNetworkPolicy(ctx), buildServiceMonitor(ctx)]),
  ] as K8sObject[];

  const warnings = [...layout.warnings];
  if (ctx.settings.networkPolicy && ctx.settings.ingress && ctx.settings.networkPolicy.allowNamespaces.length === 0) {
    warnings.push('The NetworkPolicy admits only pods of the model\'s own namespace, so the ingress controller cannot reach it: add its namespace (e.g. "ingress-nginx") to kubernetes.networkPolicy.allowNamespaces.');
  }
  if (ctx.settings.networkPolicy && ctx.settings.serviceMonitor && ctx.settings.networkPolicy.allowNamespaces.length === 0) {
    warnings.push('The NetworkPolicy admits only the model\'s own namespace, so Prometheus in another namespace cannot scrape it: add its namespace (e.g. "monitoring") to kubernetes.networkPolicy.allowNamespaces.');
  }
  if (!ctx.coldStartMeasured) {
    warnings.push('No cold start was measured: the startup probe assumes 10 s. Run the image once (Package screen or "modeldock run") so it is sized from a measurement.');
  }
  return { objects, warnings };
}

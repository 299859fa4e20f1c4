import type { K8sObject } from '../k8s-object';

/**
 * The order objects go to the cluster: what pods need before they start (config, identity), then the workloads,
 * then what points at them (Service, autoscaler, disruption budget, routing, policy, monitoring). Kinds not listed
 * go last, in the order given. Sorting is stable, so blue/green or stable/canary keep their generated order.
 */
const KIND_ORDER = [
  'Namespace', 'ServiceAccount', 'Secret', 'ConfigMap', 'Role', 'RoleBinding',
  'Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'NetworkPolicy', 'ServiceMonitor',
];

function rank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

export function sortForApply<T extends Pick<K8sObject, 'kind'>>(objects: T[]): T[] {
  return objects.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o.kind) - rank(b.o.kind) || a.i - b.i).map(({ o }) => o);
}

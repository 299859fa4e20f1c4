import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { DeployContext } from './deploy-context';
import { commonLabels, selectorLabels } from './labels';
import { PATHS, PORT_NAME } from './workload-objects';

/**
 * For clusters running the Prometheus Operator. It selects every Service of the model (a blue-green preview or a
 * canary Service too, so both copies are scraped), in the ServiceMonitor's own namespace.
 */
export function buildServiceMonitor(ctx: DeployContext): IServiceMonitor | null {
  const monitor = ctx.settings.serviceMonitor;
  if (!monitor) return null;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: ctx.name, namespace: ctx.namespace, labels: { ...commonLabels(ctx), ...monitor.labels } },
    spec: {
      selector: { matchLabels: selectorLabels(ctx) },
      endpoints: [{ port: PORT_NAME, path: PATHS.metrics, interval: monitor.interval, scheme: 'http' }],
    },
  };
}

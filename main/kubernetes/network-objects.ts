import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IService } from 'kubernetes-models/v1/Service';
import type { DeployContext } from './deploy-context';
import { commonLabels, selectorLabels } from './labels';
import type { IngressVariant, ServiceVariant } from './rollout-variants';
import { PORT_NAME } from './workload-objects';

export function buildService(ctx: DeployContext, variant: ServiceVariant): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: variant.serviceName, namespace: ctx.namespace, labels: commonLabels(ctx) },
    spec: {
      type: ctx.settings.service.type,
      selector: { ...selectorLabels(ctx), ...variant.selectorExtra },
      ports: [{ name: PORT_NAME, port: ctx.settings.service.port, targetPort: PORT_NAME, protocol: 'TCP' }],
    },
  };
}

export function buildIngress(ctx: DeployContext, variant: IngressVariant): IIngress | null {
  const ingress = ctx.settings.ingress;
  if (!ingress) return null;
  const annotations = { ...ingress.annotations, ...variant.annotations };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: variant.ingressName,
      namespace: ctx.namespace,
      labels: commonLabels(ctx),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      ...(ingress.className ? { ingressClassName: ingress.className } : {}),
      ...(ingress.tlsSecretName ? { tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }] } : {}),
      rules: [{
        host: ingress.host,
        http: {
          paths: [{
            path: ingress.path,
            pathType: 'Prefix',
            backend: { service: { name: variant.serviceName, port: { name: PORT_NAME } } },
          }],
        },
      }],
    },
  };
}

/**
 * Pods accept traffic on the server port only from their own namespace and the listed ones, and may open no
 * connection at all (a model server calls nothing; an empty egress list denies everything, DNS included).
 */
export function buildNetworkPolicy(ctx: DeployContext): INetworkPolicy | null {
  const policy = ctx.settings.networkPolicy;
  if (!policy) return null;
  const peers: NonNullable<NonNullable<INetworkPolicy['spec']>['ingress']>[number]['from'] = [{ podSelector: {} }];
  if (policy.allowNamespaces.length > 0) {
    peers.push({
      namespaceSelector: {
        matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...policy.allowNamespaces] }],
      },
    });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: ctx.name, namespace: ctx.namespace, labels: commonLabels(ctx) },
    spec: {
      podSelector: { matchLabels: selectorLabels(ctx) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: peers, ports: [{ port: ctx.serving.port, protocol: 'TCP' }] }],
      egress: [],
    },
  };
}

import { generateManifests } from '../../main/kubernetes/generate-manifests';
import type { K8sObject } from '../../main/kubernetes/k8s-object';
import { parseYamlObjects } from '../../main/kubernetes/yaml-emit';
import {
  DeployManifestsRequestSchema, type DeployManifests, type DeployManifestsRequestInput, type KubernetesSettingsInput,
  type RolloutStrategy,
} from '../../shared/schemas/kubernetes';

/** Shared by the kubernetes-*.test.ts files: the variants every test walks through. */
export const IMAGE = 'registry.example.com/team/iris:3';
export const DIGEST = `sha256:${'ab'.repeat(32)}`;

export interface Variant {
  label: string;
  strategy: RolloutStrategy;
  hpa: boolean;
  ingress: boolean;
  serviceMonitor: boolean;
  networkPolicy: boolean;
  settings: KubernetesSettingsInput;
}

/** Every strategy, with and without HPA, with and without Ingress + ServiceMonitor + NetworkPolicy; plus canary by weight. */
export function variants(): Variant[] {
  const out: Variant[] = [];
  for (const strategy of ['rolling', 'blue-green', 'canary'] as const) {
    for (const hpa of [true, false]) {
      for (const extras of [false, true]) {
        const settings: KubernetesSettingsInput = {
          autoscaling: { enabled: hpa },
          rollout: { strategy },
          ...(extras ? {
            ingress: { host: 'iris.example.com', className: 'nginx', tlsSecretName: 'iris-tls' },
            serviceMonitor: { labels: { release: 'prometheus' } },
            networkPolicy: { allowNamespaces: ['ingress-nginx', 'monitoring'] },
          } : {}),
        };
        out.push({ label: `${strategy}, ${hpa ? 'HPA' : 'fixed replicas'}, ${extras ? 'Ingress+ServiceMonitor+NetworkPolicy' : 'bare'}`, strategy, hpa, ingress: extras, serviceMonitor: extras, networkPolicy: extras, settings });
      }
    }
  }
  out.push({
    label: 'canary by ingress weight, HPA',
    strategy: 'canary', hpa: true, ingress: true, serviceMonitor: false, networkPolicy: false,
    settings: { rollout: { strategy: 'canary', canary: { method: 'ingress-weight', percent: 20 } }, ingress: { host: 'iris.example.com', className: 'nginx' } },
  });
  return out;
}

export function requestFor(settings: KubernetesSettingsInput, extra: Partial<DeployManifestsRequestInput> = {}): DeployManifestsRequestInput {
  return { model: { name: 'iris', version: '3' }, image: IMAGE, settings, coldStartMs: 1500, ...extra };
}

export function generate(settings: KubernetesSettingsInput, extra: Partial<DeployManifestsRequestInput> = {}): DeployManifests {
  return generateManifests(DeployManifestsRequestSchema.parse(requestFor(settings, extra)));
}

export function plainObjects(result: DeployManifests): K8sObject[] {
  const plain = result.files.find((f) => f.path.startsWith('k8s/plain/'));
  if (!plain) throw new Error('no plain YAML file');
  return parseYamlObjects(plain.content, plain.path);
}

export function kinds(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

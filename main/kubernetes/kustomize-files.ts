import type { GeneratedFile } from '../../shared/schemas/kubernetes';
import { baselineReplicas, type DeployContext } from './deploy-context';
import type { K8sObject } from './k8s-object';
import { LABEL } from './labels';
import { KUSTOMIZE_DIR } from './rollout-steps';
import { toYamlDocuments } from './yaml-emit';

export const OVERLAYS = ['dev', 'prod'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export function devNamespace(namespace: string): string {
  return `${namespace.slice(0, 59).replace(/-+$/, '')}-dev`;
}

function baseFileName(object: K8sObject): string {
  return `${object.kind.toLowerCase()}-${object.metadata?.name ?? 'unnamed'}.yaml`;
}

/**
 * A Kustomize base holding the same objects as the plain YAML, one file each, and two overlays: dev (its own
 * namespace, one pod, a small autoscaling range) and prod (the settings as given). Labels the overlays add never
 * touch selectors, so a Deployment created by one overlay can be updated by the same overlay later.
 */
export function kustomizeFiles(ctx: DeployContext, objects: K8sObject[], header: string): GeneratedFile[] {
  const base = `${KUSTOMIZE_DIR}/base`;
  const files: GeneratedFile[] = objects.map((o) => ({ path: `${base}/${baseFileName(o)}`, content: toYamlDocuments([o], header) }));
  files.push({
    path: `${base}/kustomization.yaml`,
    content: toYamlDocuments([{
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: objects.map(baseFileName),
    }], header),
  });

  const environmentLabel = (env: Overlay) => [{ pairs: { [LABEL.environment]: env }, includeSelectors: false, includeTemplates: true }];
  const replace = (path: string, value: number) => `- op: replace\n  path: ${path}\n  value: ${value}\n`;
  const devPatches = objects.flatMap((o) => {
    const name = o.metadata?.name ?? '';
    if (o.kind === 'HorizontalPodAutoscaler') {
      const max = Math.max(1, Math.min(2, ctx.settings.autoscaling.maxReplicas));
      return [{ target: { kind: o.kind, name }, patch: replace('/spec/minReplicas', 1) + replace('/spec/maxReplicas', max) }];
    }
    if (o.kind === 'Deployment' && typeof (o.spec as { replicas?: unknown } | undefined)?.replicas === 'number') {
      return [{ target: { kind: o.kind, name }, patch: replace('/spec/replicas', 1) }];
    }
    return [];
  });
  files.push({
    path: `${KUSTOMIZE_DIR}/overlays/dev/kustomization.yaml`,
    content: toYamlDocuments([{
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: devNamespace(ctx.namespace),
      resources: ['../../base'],
      labels: environmentLabel('dev'),
      ...(devPatches.length > 0 ? { patches: devPatches } : {}),
    }], `${header}\nDevelopment: namespace ${devNamespace(ctx.namespace)}, one pod (instead of ${baselineReplicas(ctx.settings)}).`),
  });
  files.push({
    path: `${KUSTOMIZE_DIR}/overlays/prod/kustomization.yaml`,
    content: toYamlDocuments([{
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: ctx.namespace,
      resources: ['../../base'],
      labels: environmentLabel('prod'),
    }], `${header}\nProduction: namespace ${ctx.namespace}, the settings as given.`),
  });
  return files;
}

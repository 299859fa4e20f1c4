/** Any Kubernetes object, as generated or as read back from YAML (kubectl kustomize output). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

/** "Deployment/iris": how checks and messages name an object. */
export function objectRef(object: K8sObject): string {
  return `${object.kind}/${object.metadata?.name ?? '(unnamed)'}`;
}

export function isK8sObject(value: unknown): value is K8sObject {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.apiVersion === 'string' && typeof v.kind === 'string';
}

import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import type { K8sObject } from './k8s-object';

/**
 * Validation against the Kubernetes API's OpenAPI schemas, offline: kubernetes-models ships them compiled (and
 * @kubernetes-models/prometheus-operator the ServiceMonitor CRD's). The API schemas do not check name formats,
 * so the rules the API server applies to names and labels are checked here too.
 */
interface Validatable { validate(): void }
type ModelClass = new (data: never) => Validatable;

const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as ModelClass,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as ModelClass,
  'networking.k8s.io/v1/Ingress': Ingress as unknown as ModelClass,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as ModelClass,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor as unknown as ModelClass,
};

export const SUPPORTED_KINDS = Object.keys(MODELS);

export interface SchemaProblem {
  /** "/spec/template/spec/containers/0/ports/0/containerPort" */
  path: string;
  message: string;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function validateAgainstApiSchema(object: K8sObject): SchemaProblem[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const Model = MODELS[key];
  if (!Model) return [{ path: '', message: `no API schema known for ${key} (supported: ${SUPPORTED_KINDS.join(', ')})` }];
  const problems: SchemaProblem[] = [];
  try {
    new Model(structuredClone(object) as never).validate();
  } catch (error) {
    const errors = (error as { errors?: { instancePath?: string; message?: string; params?: Record<string, unknown> }[] }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      for (const e of errors) {
        const extra = e.params && 'missingProperty' in e.params ? ` (${String(e.params.missingProperty)})` : '';
        problems.push({ path: e.instancePath || '/', message: `${e.message ?? 'invalid'}${extra}` });
      }
    } else {
      problems.push({ path: '/', message: error instanceof Error ? error.message : String(error) });
    }
  }
  return [...problems, ...namingProblems(object)];
}

function namingProblems(object: K8sObject): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const name = object.metadata?.name;
  if (!name) {
    problems.push({ path: '/metadata/name', message: 'missing' });
  } else if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    problems.push({ path: '/metadata/name', message: `"${name}" is not a valid object name (lower-case letters, digits, dashes and dots)` });
  } else if (object.kind === 'Service' && (name.length > 63 || !DNS_1035_LABEL.test(name))) {
    problems.push({ path: '/metadata/name', message: `Service name "${name}" must start with a letter and have at most 63 characters` });
  }
  const labelSets: [string, Record<string, string> | undefined][] = [['/metadata/labels', object.metadata?.labels]];
  const template = (object.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template;
  if (template) labelSets.push(['/spec/template/metadata/labels', template.metadata?.labels]);
  for (const [path, labels] of labelSets) {
    for (const [k, v] of Object.entries(labels ?? {})) {
      const nameOnly = k.includes('/') ? k.slice(k.indexOf('/') + 1) : k;
      if (nameOnly.length > 63 || !LABEL_NAME.test(nameOnly)) problems.push({ path, message: `label key "${k}" is not valid` });
      if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) problems.push({ path, message: `label ${k}: value "${String(v)}" is not valid (at most 63 letters, digits, "-", "_", ".")` });
    }
  }
  return problems;
}

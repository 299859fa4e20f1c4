/**
 * Labels every generated object carries (the app.kubernetes.io recommended set), and the smaller set that
 * selects pods. Selectors never include the version: a Deployment's selector cannot change after creation.
 */
export const LABEL = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  version: 'app.kubernetes.io/version',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  /** Blue-green: which copy a pod belongs to. */
  color: 'modeldock.dev/color',
  /** Canary: stable or canary pods. */
  track: 'modeldock.dev/track',
  environment: 'modeldock.dev/environment',
} as const;

export const MANAGED_BY = 'modeldock';
export const COMPONENT = 'model-server';

export interface LabelSource {
  modelName: string;
  modelVersion: string;
  /** The objects' name (the settings' name, else the model name). */
  name: string;
}

export function selectorLabels(source: LabelSource): Record<string, string> {
  return { [LABEL.name]: source.modelName, [LABEL.instance]: source.name };
}

export function commonLabels(source: LabelSource): Record<string, string> {
  return {
    ...selectorLabels(source),
    [LABEL.version]: labelValue(source.modelVersion),
    [LABEL.component]: COMPONENT,
    [LABEL.partOf]: 'modeldock',
    [LABEL.managedBy]: MANAGED_BY,
  };
}

/** A label value: at most 63 of [A-Za-z0-9._-], starting and ending alphanumeric ("1.2+build" -> "1.2-build"). */
export function labelValue(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return cleaned || 'unknown';
}

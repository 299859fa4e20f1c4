import { parseAllDocuments, stringify } from 'yaml';
import { ModelDockError } from '../../shared/errors';
import { isK8sObject, type K8sObject } from './k8s-object';

/** One YAML document per object, no line folding (a folded command or annotation would be hard to copy). */
export function toYamlDocuments(objects: unknown[], header?: string): string {
  const docs = objects.map((o) => stringify(o, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false }).trimEnd());
  const comment = header ? `${header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')}\n` : '';
  return `${comment}${docs.join('\n---\n')}\n`;
}

/** Reads a multi-document YAML stream (e.g. `kubectl kustomize` output) back into objects. */
export function parseYamlObjects(text: string, source: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new ModelDockError({
        code: 'yaml-invalid',
        title: 'The YAML cannot be read',
        message: `${source}: ${doc.errors[0].message}`,
        fix: 'This is a bug in the generator; please report it with the settings used.',
      });
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isK8sObject(value)) {
      throw new ModelDockError({
        code: 'yaml-not-object',
        title: 'Not a Kubernetes object',
        message: `${source}: a document has no apiVersion and kind.`,
        fix: 'Every document must be a Kubernetes object.',
      });
    }
    objects.push(value);
  }
  return objects;
}

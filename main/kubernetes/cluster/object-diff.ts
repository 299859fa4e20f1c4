import { stringify } from 'yaml';
import type { ObjectChange, ObjectDiff } from '../../../shared/schemas/kubernetes-apply';
import { objectRef, type K8sObject } from '../k8s-object';
import { lineDiff } from './line-diff';
import { normalizeForDiff } from './object-normalize';

function yamlLines(object: unknown): string[] {
  return stringify(normalizeForDiff(object), { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false }).trimEnd().split('\n');
}

/** Same content once the server's bookkeeping is set aside. */
export function sameContent(a: unknown, b: unknown): boolean {
  return yamlLines(a).join('\n') === yamlLines(b).join('\n');
}

/**
 * One object's change: new when the cluster has none; otherwise the live object against the dry run's result, both
 * as the server defaults them, so fields the API server fills in on its own do not show up as changes.
 */
export function objectDiff(desired: K8sObject, live: unknown | null, planned: unknown): ObjectDiff {
  const after = yamlLines(planned);
  const before = live === null ? [] : yamlLines(live);
  const lines = live === null ? after.map((text) => ({ op: 'add' as const, text })) : lineDiff(before, after);
  const change: ObjectChange = live === null ? 'new' : lines.length === 0 ? 'unchanged' : 'changed';
  return {
    ref: objectRef(desired),
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    name: desired.metadata?.name ?? '',
    namespace: desired.metadata?.namespace ?? null,
    change,
    lines,
    added: lines.filter((l) => l.op === 'add').length,
    removed: lines.filter((l) => l.op === 'remove').length,
  };
}

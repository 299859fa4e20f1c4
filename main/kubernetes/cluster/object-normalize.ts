/**
 * An object as the cluster holds it, reduced to what a person deciding "apply or not" cares about: no status, no
 * bookkeeping the server writes on every object (uid, resourceVersion, managedFields, timestamps, generation), no
 * annotations controllers add (the Deployment's revision, kubectl's last-applied copy). Keys are sorted so two
 * equal objects print as equal YAML.
 */
const DROPPED_METADATA = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds'];
const DROPPED_ANNOTATIONS = ['deployment.kubernetes.io/revision', 'kubectl.kubernetes.io/last-applied-configuration', 'autoscaling.alpha.kubernetes.io/conditions'];

export function normalizeForDiff(object: unknown): Record<string, unknown> {
  // JSON first: client-node hands back class instances with Date fields and undefined members.
  const plain = JSON.parse(JSON.stringify(object ?? {})) as Record<string, unknown>;
  delete plain.status;
  const metadata = plain.metadata as Record<string, unknown> | undefined;
  if (metadata) {
    for (const key of DROPPED_METADATA) delete metadata[key];
    const annotations = metadata.annotations as Record<string, string> | undefined;
    if (annotations) {
      for (const key of DROPPED_ANNOTATIONS) delete annotations[key];
      if (Object.keys(annotations).length === 0) delete metadata.annotations;
    }
  }
  return sortKeys(plain) as Record<string, unknown>;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && v !== null)
    .sort(([a], [b]) => keyRank(a) - keyRank(b) || a.localeCompare(b));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}

/** apiVersion, kind, metadata, spec first, as people are used to reading them; then alphabetical. */
function keyRank(key: string): number {
  const i = ['apiVersion', 'kind', 'metadata', 'name', 'namespace', 'spec'].indexOf(key);
  return i < 0 ? 99 : i;
}

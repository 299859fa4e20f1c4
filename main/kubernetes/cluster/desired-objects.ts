import type { DeployManifests } from '../../../shared/schemas/kubernetes';
import type { DeployDiffRequest } from '../../../shared/schemas/kubernetes-apply';
import { generateManifests } from '../generate-manifests';
import type { K8sObject } from '../k8s-object';
import { parseYamlObjects } from '../yaml-emit';
import { sortForApply } from './apply-order';

export interface DesiredObjects {
  manifests: DeployManifests;
  namespace: string;
  /** The plain YAML's objects (exactly what `kubectl apply -f` of the export gets), in apply order. */
  objects: K8sObject[];
}

/**
 * What goes to the cluster: the same manifests the Deploy screen shows and exports, generated for the chosen
 * namespace (so labels, selectors and NetworkPolicy rules agree with it) rather than rewritten afterwards.
 */
export function desiredObjects(request: DeployDiffRequest): DesiredObjects {
  const { context: _context, namespace: chosen, createNamespace: _create, forceConflicts: _force, ...manifestRequest } = request;
  const namespace = chosen ?? manifestRequest.settings.namespace;
  const manifests = generateManifests({ ...manifestRequest, settings: { ...manifestRequest.settings, namespace } });
  const plain = manifests.files.find((f) => f.path.startsWith('k8s/plain/'));
  const objects = plain ? parseYamlObjects(plain.content, plain.path) : [];
  return { manifests, namespace, objects: sortForApply(objects) };
}

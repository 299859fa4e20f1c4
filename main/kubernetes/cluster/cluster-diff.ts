import type { DeployDiff, DeployDiffRequest, ObjectDiff } from '../../../shared/schemas/kubernetes-apply';
import type { K8sObject } from '../k8s-object';
import { namespaceMissing } from './api-errors';
import { connectCluster, type ClusterConnection } from './cluster-client';
import { assertKindsKnown, namespaceExists, namespaceObject, readLive, serverSideApply, type Scene } from './cluster-requests';
import { desiredObjects, type DesiredObjects } from './desired-objects';
import type { KubeconfigSource } from './kubeconfig';
import { objectDiff } from './object-diff';

export interface ClusterPlan {
  conn: ClusterConnection;
  scene: Scene;
  /** False only when the cluster said so (a user who may not read namespaces gets true and finds out on apply). */
  namespaceExists: boolean;
  /** In apply order, with the Namespace first when it is to be created. */
  objects: K8sObject[];
}

/** Connects, checks the namespace and the kinds: what diff and apply both start with. */
export async function planForCluster(
  request: DeployDiffRequest, objects: K8sObject[], namespace: string, signal: AbortSignal, source: KubeconfigSource = {},
): Promise<ClusterPlan> {
  const conn = connectCluster(request.context, signal, source);
  const scene: Scene = { context: conn.context, server: conn.server, namespace, signal };
  const exists = await namespaceExists(conn, scene);
  if (exists === false && !request.createNamespace) throw namespaceMissing(scene);
  await assertKindsKnown(conn, objects, scene);
  return { conn, scene, namespaceExists: exists !== false, objects: exists === false ? [namespaceObject(namespace), ...objects] : objects };
}

/** Where a diff or an apply went: the fields both results start with. */
export function clusterTarget(plan: ClusterPlan, desired: DesiredObjects): { context: string; server: string; namespace: string; namespaceExists: boolean; image: string } {
  return { context: plan.conn.context, server: plan.conn.server, namespace: desired.namespace, namespaceExists: plan.namespaceExists, image: desired.manifests.image };
}

/**
 * What applying would change: each object read live and dry-run applied (server-side, field manager "modeldock"),
 * then compared. In a namespace that does not exist yet nothing can be dry-run inside it, so those objects are
 * shown as generated, all new.
 */
export async function diffAgainstCluster(request: DeployDiffRequest, signal: AbortSignal, source: KubeconfigSource = {}): Promise<DeployDiff> {
  const desired = desiredObjects(request);
  const plan = await planForCluster(request, desired.objects, desired.namespace, signal, source);
  const diffs: ObjectDiff[] = [];
  for (const object of plan.objects) {
    if (!plan.namespaceExists && object.kind !== 'Namespace') {
      diffs.push(objectDiff(object, null, object));
      continue;
    }
    const live = await readLive(plan.conn, object, plan.scene);
    const planned = await serverSideApply(plan.conn, object, plan.scene, { dryRun: true, force: request.forceConflicts });
    diffs.push(objectDiff(object, live, planned));
  }
  const count = (c: ObjectDiff['change']) => diffs.filter((d) => d.change === c).length;
  return {
    ...clusterTarget(plan, desired),
    objects: diffs,
    counts: { new: count('new'), changed: count('changed'), unchanged: count('unchanged') },
    checks: desired.manifests.summary,
  };
}

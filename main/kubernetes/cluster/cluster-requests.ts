import { ApiException, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import type { K8sObject } from '../k8s-object';
import { objectRef } from '../k8s-object';
import { clusterError, isNotFound, unknownKind, type RequestScene } from './api-errors';
import type { ClusterConnection } from './cluster-client';

/** Server-side apply owns fields under this name, so the next apply from ModelDock changes only what it set. */
export const FIELD_MANAGER = 'modeldock';

export type Scene = Omit<RequestScene, 'action' | 'object'>;

/** The object as the cluster holds it, or null when it does not exist. */
export async function readLive(conn: ClusterConnection, object: K8sObject, scene: Scene): Promise<KubernetesObject | null> {
  try {
    return await conn.api.read({ apiVersion: object.apiVersion, kind: object.kind, metadata: { name: object.metadata?.name ?? '', namespace: object.metadata?.namespace } });
  } catch (error) {
    if (isNotFound(error, object.kind)) return null;
    throw clusterError(error, { ...scene, action: 'read', object: objectRef(object) });
  }
}

/** Server-side apply; with dryRun the cluster validates, defaults and merges, and returns the result without storing it. */
export async function serverSideApply(
  conn: ClusterConnection, object: K8sObject, scene: Scene, options: { dryRun: boolean; force: boolean },
): Promise<KubernetesObject> {
  try {
    // The serializer may fill in members it knows; a copy keeps the caller's object as generated.
    const body = structuredClone(object) as KubernetesObject;
    return await conn.api.patch(body, undefined, options.dryRun ? 'All' : undefined, FIELD_MANAGER, options.force ? true : undefined, PatchStrategy.ServerSideApply);
  } catch (error) {
    throw clusterError(error, { ...scene, action: options.dryRun ? 'dry-run apply' : 'apply', object: objectRef(object) });
  }
}

/** True/false when the cluster says; null when we may not read namespaces (common with namespace-scoped access). */
export async function namespaceExists(conn: ClusterConnection, scene: Scene): Promise<boolean | null> {
  try {
    await conn.api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: scene.namespace } });
    return true;
  } catch (error) {
    if (error instanceof ApiException && Number(error.code) === 404) return false;
    if (error instanceof ApiException && Number(error.code) === 403) return null;
    throw clusterError(error, { ...scene, action: 'read', object: `Namespace/${scene.namespace}` });
  }
}

export function namespaceObject(name: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'modeldock' } } };
}

/** Every kind must be served by the cluster (a ServiceMonitor needs the Prometheus Operator): said once, up front. */
export async function assertKindsKnown(conn: ClusterConnection, objects: K8sObject[], scene: Scene): Promise<void> {
  const seen = new Set<string>();
  for (const o of objects) {
    const key = `${o.apiVersion} ${o.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let known: unknown;
    try {
      known = await conn.api.kindInfo(o.apiVersion, o.kind);
    } catch (error) {
      if (error instanceof ApiException && Number(error.code) === 404) throw unknownKind(o.apiVersion, o.kind, scene);
      throw clusterError(error, { ...scene, action: 'look up', object: o.kind });
    }
    if (!known) throw unknownKind(o.apiVersion, o.kind, scene);
  }
}

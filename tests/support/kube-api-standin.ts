// A STAND-IN for a Kubernetes API server, for tests only. There is no real apiserver on this machine and none can
// be installed offline (no kind, no minikube, no k3s images), so the apply tests talk to this small node:http server
// instead. It implements just what ModelDock's apply path asks of @kubernetes/client-node: discovery (/api, /apis,
// /api/v1, /apis/<group>/<version>), GET of one object, and PATCH with server-side apply
// (application/apply-patch+yaml, fieldManager, force, dryRun=All), with objects kept in memory. It mimics a few
// server defaults (so a diff of live vs dry run has defaulted fields on both sides), bumps metadata.generation on
// spec changes, and moves each Deployment's status towards ready by one pod per read. Failures can be switched on:
// 401, 403, 409, 422 and a rollout that hits its progress deadline; "unreachable" is a kubeconfig pointing at a port
// nothing listens on. It is NOT a faithful apiserver: no real merge semantics (the applied object replaces the
// stored one), no admission, no watch, no RBAC beyond the switch. What it proves is that ModelDock speaks the API
// correctly through client-node and handles its answers; a real cluster remains the final check.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml, stringify } from 'yaml';

type Obj = Record<string, any>;

interface ResourceInfo { name: string; kind: string; namespaced: boolean }

const GROUPS: Record<string, ResourceInfo[]> = {
  v1: [
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'services', kind: 'Service', namespaced: true },
    { name: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
    { name: 'secrets', kind: 'Secret', namespaced: true },
  ],
  'apps/v1': [{ name: 'deployments', kind: 'Deployment', namespaced: true }],
  'autoscaling/v2': [{ name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true }],
  'policy/v1': [{ name: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true }],
  'networking.k8s.io/v1': [
    { name: 'ingresses', kind: 'Ingress', namespaced: true },
    { name: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
  ],
  'monitoring.coreos.com/v1': [{ name: 'servicemonitors', kind: 'ServiceMonitor', namespaced: true }],
};

export type StandinFailure =
  | { kind: 'unauthorized' }
  | { kind: 'forbidden'; resource?: string }
  | { kind: 'invalid'; resource: string; field: string; message: string }
  | { kind: 'conflict'; resource: string; manager: string }
  | { kind: 'deadline' };

export interface StandinOptions {
  /** Namespaces that exist at the start (default: "default"). */
  namespaces?: string[];
  /** Serve monitoring.coreos.com/v1 (the Prometheus Operator's CRDs). Default false, as on a bare cluster. */
  prometheusOperator?: boolean;
  /** The bearer token the kubeconfig carries and the server expects. */
  token?: string;
}

export interface RecordedRequest { method: string; path: string; query: Record<string, string>; contentType: string | null }

export class KubeApiStandin {
  readonly token: string;
  readonly requests: RecordedRequest[] = [];
  private server: http.Server | null = null;
  private readonly store = new Map<string, Obj>();
  private readonly reads = new Map<string, number>();
  private failure: StandinFailure | null = null;
  private nextVersion = 1;
  private readonly groups: Record<string, ResourceInfo[]>;

  constructor(options: StandinOptions = {}) {
    this.token = options.token ?? 'standin-token';
    this.groups = Object.fromEntries(Object.entries(GROUPS).filter(([g]) => options.prometheusOperator || g !== 'monitoring.coreos.com/v1'));
    for (const ns of options.namespaces ?? ['default']) this.putNamespace(ns);
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('the stand-in is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => { void this.handle(req, res); });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Switch a failure on (or off with null). */
  fail(failure: StandinFailure | null): void {
    this.failure = failure;
  }

  /** A stored object, e.g. get('apps/v1', 'deployments', 'ml', 'iris'). */
  get(apiVersion: string, plural: string, namespace: string | null, name: string): Obj | undefined {
    return this.store.get(key(apiVersion, plural, namespace, name));
  }

  list(): Obj[] {
    return [...this.store.values()];
  }

  /** Changes a stored object as another tool would (e.g. kubectl scale), leaving its spec with another manager. */
  edit(apiVersion: string, plural: string, namespace: string, name: string, change: (o: Obj) => void): void {
    const o = this.store.get(key(apiVersion, plural, namespace, name));
    if (!o) throw new Error(`no ${plural}/${name}`);
    const before = JSON.stringify(o.spec);
    change(o);
    if (JSON.stringify(o.spec) !== before) o.metadata.generation += 1;
    o.metadata.resourceVersion = String(this.nextVersion++);
  }

  /** Writes a kubeconfig for this server: one context (plus any extra, pointing elsewhere), current = the first. */
  writeKubeconfig(file: string, opts: { context?: string; namespace?: string; extra?: { name: string; server: string }[] } = {}): string {
    const context = opts.context ?? 'standin';
    const clusters = [{ name: context, cluster: { server: this.url, 'insecure-skip-tls-verify': true } }];
    const contexts = [{ name: context, context: { cluster: context, user: 'standin-user', ...(opts.namespace ? { namespace: opts.namespace } : {}) } }];
    for (const e of opts.extra ?? []) {
      clusters.push({ name: e.name, cluster: { server: e.server, 'insecure-skip-tls-verify': true } });
      contexts.push({ name: e.name, context: { cluster: e.name, user: 'standin-user' } });
    }
    fs.writeFileSync(file, stringify({
      apiVersion: 'v1', kind: 'Config', clusters, contexts, 'current-context': context,
      users: [{ name: 'standin-user', user: { token: this.token } }],
    }));
    return file;
  }

  private putNamespace(name: string): void {
    this.store.set(key('v1', 'namespaces', null, name), this.withServerFields({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, undefined, 'kube'));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const query = Object.fromEntries(url.searchParams.entries());
    this.requests.push({ method: req.method ?? '', path: url.pathname, query, contentType: req.headers['content-type'] ?? null });
    const body = await readBody(req);
    const send = (code: number, value: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (this.failure?.kind === 'unauthorized' || req.headers.authorization !== `Bearer ${this.token}`) {
      send(401, status(401, 'Unauthorized', 'Unauthorized'));
      return;
    }
    const path = url.pathname.replace(/\/+$/, '');
    if (path === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'] });
    if (path === '/apis') {
      return send(200, {
        kind: 'APIGroupList', apiVersion: 'v1',
        groups: Object.keys(this.groups).filter((g) => g.includes('/')).map((gv) => {
          const [name, version] = gv.split('/');
          return { name, versions: [{ groupVersion: gv, version }], preferredVersion: { groupVersion: gv, version } };
        }),
      });
    }
    const route = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(?:\/namespaces\/([^/]+))?(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(path);
    if (!route) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const apiVersion = route[1] ?? route[2];
    const resources = this.groups[apiVersion];
    if (!resources) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    let [namespace, plural, name]: [string | null, string | undefined, string | undefined] = [route[3] ?? null, route[4], route[5]];
    // /api/v1/namespaces/NAME is the namespace itself, not "everything in NAME".
    if (apiVersion === 'v1' && namespace && !plural) [plural, name, namespace] = ['namespaces', namespace, null];
    if (!plural) return send(200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersion, resources: resources.map((r) => ({ ...r, singularName: '', verbs: ['get', 'list', 'patch', 'create', 'delete'] })) });
    const resource = resources.find((r) => r.name === plural);
    if (!resource || !name) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const k = key(apiVersion, plural, namespace, name);
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    const qualified = group ? `${plural}.${group}` : plural;

    if (req.method === 'GET') {
      const stored = this.store.get(k);
      if (!stored) return send(404, status(404, 'NotFound', `${qualified} "${name}" not found`, { name, group, kind: plural }));
      if (resource.kind === 'Deployment') this.advanceRollout(k, stored);
      return send(200, stored);
    }
    if (req.method !== 'PATCH') return send(405, status(405, 'MethodNotAllowed', `${req.method} is not supported by the stand-in`));

    const f = this.failure;
    if (f?.kind === 'forbidden' && (!f.resource || f.resource === plural)) {
      return send(403, status(403, 'Forbidden', `${qualified} "${name}" is forbidden: User "standin-user" cannot patch resource "${plural}" in API group "${group}" in the namespace "${namespace}"`, { name, group, kind: plural }));
    }
    if (req.headers['content-type'] !== 'application/apply-patch+yaml') return send(415, status(415, 'UnsupportedMediaType', `the stand-in only does server-side apply, got ${req.headers['content-type']}`));
    if (!query.fieldManager) return send(400, status(400, 'BadRequest', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'));
    if (query.dryRun !== undefined && query.dryRun !== 'All') return send(400, status(400, 'BadRequest', `Invalid dryRun value: ${query.dryRun}`));
    if (namespace && !this.store.has(key('v1', 'namespaces', null, namespace))) {
      return send(404, status(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' }));
    }
    const patch = parseYaml(body) as Obj;
    if (!patch || patch.kind !== resource.kind || patch.metadata?.name !== name) {
      return send(400, status(400, 'BadRequest', `the object's kind/name do not match the URL (${resource.kind}/${name})`));
    }
    if (f?.kind === 'invalid' && f.resource === plural) {
      return send(422, status(422, 'Invalid', `${patch.kind}.${group || 'core'} "${name}" is invalid: ${f.field}: ${f.message}`, {
        name, group, kind: patch.kind, causes: [{ reason: 'FieldValueInvalid', message: f.message, field: f.field }],
      }));
    }
    const existing = this.store.get(k);
    if (f?.kind === 'conflict' && f.resource === plural && existing && query.force !== 'true') {
      return send(409, status(409, 'Conflict', `Apply failed with 1 conflict: conflict with "${f.manager}" using ${apiVersion}: .spec.replicas`, { name, group, kind: plural, causes: [{ reason: 'FieldManagerConflict', message: `conflict with "${f.manager}"`, field: '.spec.replicas' }] }));
    }
    const next = this.withServerFields(withDefaults(patch, existing), existing, query.fieldManager);
    if (query.dryRun === 'All') return send(200, next);
    this.store.set(k, next);
    if (resource.kind === 'Deployment' && next.metadata.generation !== existing?.metadata.generation) this.reads.set(k, 0);
    return send(existing ? 200 : 201, next);
  }

  /** uid, resourceVersion, timestamps, generation and managedFields, as the API server adds them. */
  private withServerFields(object: Obj, existing: Obj | undefined, manager: string): Obj {
    const specChanged = !existing || JSON.stringify(existing.spec) !== JSON.stringify(object.spec);
    return {
      ...object,
      metadata: {
        ...object.metadata,
        uid: existing?.metadata.uid ?? `00000000-0000-4000-8000-${String(this.nextVersion).padStart(12, '0')}`,
        resourceVersion: String(this.nextVersion++),
        creationTimestamp: existing?.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        generation: (existing?.metadata.generation ?? 0) + (specChanged ? 1 : 0),
        managedFields: [{ manager, operation: 'Apply', apiVersion: object.apiVersion, time: new Date().toISOString(), fieldsType: 'FieldsV1', fieldsV1: {} }],
      },
      ...(existing?.status ? { status: existing.status } : {}),
    };
  }

  /** Each read moves the rollout on by one pod; with the "deadline" failure it stalls and then gives up. */
  private advanceRollout(k: string, d: Obj): void {
    const reads = (this.reads.get(k) ?? 0) + 1;
    this.reads.set(k, reads);
    const desired = d.spec.replicas ?? 1;
    const generation = d.metadata.generation;
    if (this.failure?.kind === 'deadline') {
      const stalled = reads >= 3;
      d.status = {
        observedGeneration: generation, replicas: 1, updatedReplicas: 1, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 1,
        conditions: [stalled
          ? { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${d.metadata.name}-5d9c7b" has timed out progressing.` }
          : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'ReplicaSet is progressing.' }],
      };
      return;
    }
    // The first read after an apply still shows the old generation, as a controller that has not caught up.
    const updated = Math.min(desired, Math.max(0, reads - 1));
    d.status = {
      observedGeneration: reads === 1 ? generation - 1 : generation,
      replicas: desired, updatedReplicas: updated, readyReplicas: updated, availableReplicas: updated,
      conditions: [{ type: 'Progressing', status: 'True', reason: updated === desired ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', message: 'progressing' }],
    };
  }
}

function key(apiVersion: string, plural: string, namespace: string | null, name: string): string {
  return `${apiVersion}|${plural}|${namespace ?? ''}|${name}`;
}

function status(code: number, reason: string, message: string, details?: Obj): Obj {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** A few of the defaults a real API server fills in, so both sides of a diff carry them. */
function withDefaults(object: Obj, existing: Obj | undefined): Obj {
  const o = structuredClone(object);
  if (o.kind === 'Deployment') {
    o.spec.replicas ??= existing?.spec.replicas ?? 1;
    o.spec.revisionHistoryLimit ??= 10;
    o.spec.progressDeadlineSeconds ??= 600;
    const pod = o.spec.template?.spec;
    if (pod) {
      pod.restartPolicy ??= 'Always';
      pod.dnsPolicy ??= 'ClusterFirst';
      pod.schedulerName ??= 'default-scheduler';
      for (const c of pod.containers ?? []) {
        c.terminationMessagePath ??= '/dev/termination-log';
        c.terminationMessagePolicy ??= 'File';
        c.imagePullPolicy ??= 'IfNotPresent';
      }
    }
  }
  if (o.kind === 'Service') {
    o.spec.type ??= 'ClusterIP';
    o.spec.sessionAffinity ??= 'None';
    o.spec.clusterIP ??= existing?.spec.clusterIP ?? '10.96.12.34';
    o.spec.clusterIPs ??= [o.spec.clusterIP];
    for (const p of o.spec.ports ?? []) p.protocol ??= 'TCP';
  }
  return o;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A port nothing listens on: for "the cluster cannot be reached". */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

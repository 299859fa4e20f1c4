import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import type { CheckResult } from '../../shared/schemas/kubernetes';
import { formatMegapixels } from '../inference/image-input';
import { DECODE_BYTES_PER_PIXEL, IMAGE_HEADROOM, imagePixelBudget, imageThreadCount } from '../serving/image-decode-budget';
import { CHECK_CATALOG, type CheckId } from './check-catalog';
import { objectRef, type K8sObject } from './k8s-object';
import { LABEL } from './labels';
import { parseCpu, parseMemoryBytes } from './quantities';
import { validateAgainstApiSchema } from './schema-validate';

/**
 * Runs every check on a set of objects: the generated ones or `kubectl kustomize` output read back. Checks look
 * only at the objects (and the measurements given), never at the settings that produced them, so they verify
 * what will actually be applied.
 */
export interface CheckContext {
  /** Expected start-to-ready time of one container, seconds. */
  coldStartSeconds: number;
  /** Peak memory of the load test, when one was measured. */
  measuredPeakMemoryBytes: number | null;
  /** The model takes images: decoding them needs memory in proportion to the picture. */
  takesImages?: boolean;
}

/** What the runtime holds with a model loaded, when no load test measured it (a small model; a big one holds more). */
const ASSUMED_SERVER_BYTES = 150 * 1024 * 1024;
const RUNTIME_DEFAULT_MAX_IMAGE_MP = 50;
const RUNTIME_DEFAULT_MAX_BUFFERED_MB = 64;

/** What the runtime does when MODELDOCK_GRACE_SECONDS is not set (resources/serving/README.md). */
const RUNTIME_DEFAULT_GRACE_SECONDS = 20;
const MIN_NON_ROOT_UID = 10000;

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

export function runChecks(objects: K8sObject[], context: CheckContext): CheckResult[] {
  const results: CheckResult[] = [];
  const add = (id: CheckId, object: K8sObject | null, passed: boolean, reason: string, fix: string) => {
    const def = CHECK_CATALOG[id];
    results.push({ id, title: def.title, severity: def.severity, object: object ? objectRef(object) : null, passed, reason, fix: passed ? null : fix });
  };
  const set = new ObjectSet(objects);

  for (const o of objects) {
    const problems = validateAgainstApiSchema(o);
    add('api-schema', o, problems.length === 0,
      problems.length === 0 ? `${o.apiVersion} ${o.kind} matches the API schema.` : `Not accepted by the API: ${problems.slice(0, 3).map((p) => `${p.path} ${p.message}`).join('; ')}.`,
      'Correct the fields named; the API server would reject this object.');
    add('namespaced', o, Boolean(o.metadata?.namespace),
      o.metadata?.namespace ? `In namespace "${o.metadata.namespace}".` : 'No namespace: it lands in whatever namespace kubectl points at.',
      'Set metadata.namespace (or the overlay\'s namespace).');
    const labels = o.metadata?.labels ?? {};
    const missing = [LABEL.name, LABEL.instance, LABEL.managedBy].filter((k) => !labels[k]);
    add('labels-recommended', o, missing.length === 0,
      missing.length === 0 ? 'Has app.kubernetes.io/name, instance and managed-by.' : `Missing labels: ${missing.join(', ')}.`,
      'Add the app.kubernetes.io labels so tools can group the model\'s objects.');
  }

  for (const d of set.deployments) checkDeployment(d, set, context, add);
  for (const s of set.services) checkService(s, set, add);
  for (const h of set.autoscalers) checkAutoscaler(h, set, add);
  for (const p of set.budgets) checkBudget(p, set, add);
  for (const i of set.ingresses) checkIngress(i, set, add);
  for (const m of set.of('ServiceMonitor')) checkServiceMonitor(m, set, add);
  return results;
}

type Add = (id: CheckId, object: K8sObject | null, passed: boolean, reason: string, fix: string) => void;

class ObjectSet {
  constructor(readonly objects: K8sObject[]) {}
  of(kind: string): K8sObject[] {
    return this.objects.filter((o) => o.kind === kind);
  }
  get deployments() { return this.of('Deployment') as unknown as (IDeployment & K8sObject)[]; }
  get services() { return this.of('Service') as unknown as (IService & K8sObject)[]; }
  get autoscalers() { return this.of('HorizontalPodAutoscaler') as unknown as (IHorizontalPodAutoscaler & K8sObject)[]; }
  get budgets() { return this.of('PodDisruptionBudget') as unknown as (IPodDisruptionBudget & K8sObject)[]; }
  get ingresses() { return this.of('Ingress') as unknown as (IIngress & K8sObject)[]; }
  get policies() { return this.of('NetworkPolicy') as unknown as (INetworkPolicy & K8sObject)[]; }
  get configMaps() { return this.of('ConfigMap') as unknown as (IConfigMap & K8sObject)[]; }
  sameNamespace<T extends K8sObject>(items: T[], of: K8sObject): T[] {
    return items.filter((i) => i.metadata?.namespace === of.metadata?.namespace);
  }
  autoscalerFor(d: K8sObject) {
    return this.sameNamespace(this.autoscalers, d).find((h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === d.metadata?.name);
  }
}

export function selectorMatches(selector: Selector | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => have[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    if (e.operator === 'In') return e.values?.includes(have[e.key]) ?? false;
    if (e.operator === 'NotIn') return !(e.values?.includes(have[e.key]) ?? false);
    if (e.operator === 'Exists') return e.key in have;
    if (e.operator === 'DoesNotExist') return !(e.key in have);
    return false;
  });
  const empty = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  return byLabels && byExpressions && !empty;
}

function podLabels(d: IDeployment): Record<string, string> {
  return d.spec?.template.metadata?.labels ?? {};
}

function probeHandler(p: IProbe | undefined): string {
  if (!p) return '';
  return JSON.stringify({ httpGet: p.httpGet, tcpSocket: p.tcpSocket, exec: p.exec, grpc: p.grpc });
}

function probeWindowSeconds(p: IProbe): number {
  return (p.initialDelaySeconds ?? 0) + (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3);
}

function checkDeployment(d: IDeployment & K8sObject, set: ObjectSet, context: CheckContext, add: Add): void {
  const pod = d.spec?.template.spec;
  const containers: IContainer[] = pod?.containers ?? [];
  const podSc = pod?.securityContext ?? {};
  const each = (test: (c: IContainer) => boolean) => containers.length > 0 && containers.every(test);

  const nonRoot = each((c) => {
    const asNonRoot = c.securityContext?.runAsNonRoot ?? podSc.runAsNonRoot;
    const uid = c.securityContext?.runAsUser ?? podSc.runAsUser;
    return asNonRoot === true && typeof uid === 'number' && uid >= MIN_NON_ROOT_UID;
  });
  add('run-as-non-root', d, nonRoot,
    nonRoot ? `runAsNonRoot with uid ${containers[0]?.securityContext?.runAsUser ?? podSc.runAsUser}.` : 'A container may run as root, or without a fixed high uid.',
    `Set securityContext.runAsNonRoot: true and runAsUser/runAsGroup: 10001 (the image's user).`);

  const volumes = pod?.volumes ?? [];
  const readOnly = each((c) => c.securityContext?.readOnlyRootFilesystem === true
    && (c.volumeMounts ?? []).some((m) => m.mountPath === '/tmp' && volumes.some((v) => v.name === m.name && v.emptyDir !== undefined)));
  add('read-only-root-filesystem', d, readOnly,
    readOnly ? 'The root filesystem is read-only; /tmp is an emptyDir.' : 'The container can write to its image\'s files, or has no writable /tmp.',
    'Set readOnlyRootFilesystem: true and mount an emptyDir volume at /tmp.');

  const noEscalation = each((c) => c.securityContext?.allowPrivilegeEscalation === false && c.securityContext.privileged !== true);
  add('no-privilege-escalation', d, noEscalation,
    noEscalation ? 'allowPrivilegeEscalation: false, not privileged.' : 'A process could gain more privileges than it started with.',
    'Set allowPrivilegeEscalation: false (and never privileged: true).');

  const dropAll = each((c) => (c.securityContext?.capabilities?.drop ?? []).some((x) => x.toUpperCase() === 'ALL')
    && (c.securityContext?.capabilities?.add ?? []).length === 0);
  add('capabilities-drop-all', d, dropAll,
    dropAll ? 'Drops ALL capabilities and adds none.' : 'The container keeps Linux capabilities it does not need.',
    'Set securityContext.capabilities.drop: [ALL].');

  const seccomp = each((c) => {
    const type = c.securityContext?.seccompProfile?.type ?? podSc.seccompProfile?.type;
    return type === 'RuntimeDefault' || type === 'Localhost';
  });
  add('seccomp-runtime-default', d, seccomp,
    seccomp ? 'System calls are filtered by the runtime\'s default seccomp profile.' : 'No seccomp profile: every system call is allowed.',
    'Set securityContext.seccompProfile.type: RuntimeDefault.');

  const noToken = pod?.automountServiceAccountToken === false;
  add('no-service-account-token', d, noToken,
    noToken ? 'No API token is mounted; the model server never calls the Kubernetes API.' : 'Pods get a Kubernetes API token they never use.',
    'Set automountServiceAccountToken: false in the pod spec.');

  const resourceProblems: string[] = [];
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const [what, parse] of [['cpu', parseCpu], ['memory', parseMemoryBytes]] as const) {
      const r = parse(req[what]);
      const l = parse(lim[what]);
      if (r === null) resourceProblems.push(`${c.name}: no ${what} request`);
      if (l === null) resourceProblems.push(`${c.name}: no ${what} limit`);
      if (r !== null && l !== null && l < r) resourceProblems.push(`${c.name}: ${what} limit below its request`);
    }
  }
  add('resources-set', d, containers.length > 0 && resourceProblems.length === 0,
    resourceProblems.length === 0 ? 'Requests and limits for CPU and memory are set, limits at or above requests.' : `${resourceProblems.join('; ')}.`,
    'Set resources.requests and resources.limits for cpu and memory (the capacity planner proposes values).');

  if (context.measuredPeakMemoryBytes !== null) {
    const peak = context.measuredPeakMemoryBytes;
    const limits = containers.map((c) => parseMemoryBytes(c.resources?.limits?.memory));
    const fits = limits.length > 0 && limits.every((l) => l !== null && l >= peak * 1.1);
    const mib = (b: number) => `${Math.round(b / 1024 / 1024)} MiB`;
    add('memory-fits-measurement', d, fits,
      fits ? `The memory limit leaves room above the ${mib(peak)} peak measured in the load test.`
        : `The load test peaked at ${mib(peak)}; a limit under ${mib(peak * 1.1)} gets pods killed (OOMKilled) under load.`,
      `Raise resources.limits.memoryMiB to at least ${Math.ceil((peak * 1.1) / 1024 / 1024)}.`);
  }

  if (context.takesImages) checkImageMemory(d, containers, set, context, add);

  const probesMissing = containers.flatMap((c) => [
    c.startupProbe ? null : `${c.name}: startupProbe`,
    c.readinessProbe ? null : `${c.name}: readinessProbe`,
    c.livenessProbe ? null : `${c.name}: livenessProbe`,
  ].filter((x): x is string => x !== null));
  add('probes-present', d, containers.length > 0 && probesMissing.length === 0,
    probesMissing.length === 0 ? 'Startup, readiness and liveness probes are set.' : `Missing: ${probesMissing.join(', ')}.`,
    'Add a startupProbe and readinessProbe on /readyz and a livenessProbe on /healthz.');

  const distinct = each((c) => !c.readinessProbe || !c.livenessProbe || probeHandler(c.readinessProbe) !== probeHandler(c.livenessProbe));
  add('probes-distinct', d, distinct,
    distinct ? 'Readiness and liveness ask different questions (ready for traffic vs. alive).' : 'Readiness and liveness are the same probe: a busy pod would be restarted instead of only taken out of rotation.',
    'Point readiness at /readyz and liveness at /healthz.');

  const covered = each((c) => {
    const probe = c.startupProbe ?? c.livenessProbe;
    return probe !== undefined && probeWindowSeconds(probe) >= context.coldStartSeconds * 2;
  });
  const window = containers[0]?.startupProbe ? probeWindowSeconds(containers[0].startupProbe) : null;
  add('startup-probe-covers-cold-start', d, covered,
    covered ? `The startup probe waits up to ${window} s; a cold start takes about ${round1(context.coldStartSeconds)} s.`
      : `A cold start takes about ${round1(context.coldStartSeconds)} s but the probes give up after ${window ?? 'a few'} s: pods would be restarted before the model loads.`,
    `Give the startupProbe periodSeconds x failureThreshold of at least ${Math.ceil(context.coldStartSeconds * 2)} s.`);

  for (const c of containers) {
    const image = c.image ?? '';
    const named = image.split('@')[0];
    const last = named.slice(named.lastIndexOf('/') + 1);
    const tag = last.includes(':') ? last.slice(last.lastIndexOf(':') + 1) : null;
    const digest = image.includes('@sha256:');
    const pinned = digest || (tag !== null && tag !== 'latest');
    add('image-tag-pinned', d, pinned,
      pinned ? `${image} names a fixed version.` : `${image || '(no image)'} has ${tag ? 'the tag "latest"' : 'no tag'}: what runs changes whenever someone pushes.`,
      'Use the versioned tag the image was built with (e.g. iris:3), or a digest.');
    add('image-digest', d, digest,
      digest ? 'Pinned by digest: exactly the image that was tested runs.' : `${image} is pinned by tag only; a tag can be moved to another image.`,
      'Push the image and export with its digest (--digest sha256:...).');
  }

  const configMap = pod ? referencedConfigMaps(containers) : [];
  const graceEnv = envValue(containers, set, d, 'MODELDOCK_GRACE_SECONDS');
  const runtimeGrace = graceEnv !== null && Number.isFinite(Number(graceEnv)) ? Number(graceEnv) : RUNTIME_DEFAULT_GRACE_SECONDS;
  const preStop = containers[0]?.lifecycle?.preStop;
  const pause = preStop?.sleep?.seconds ?? (preStop ? 0 : null);
  const grace = pod?.terminationGracePeriodSeconds ?? 30;
  const graceful = pause !== null && grace >= pause + runtimeGrace;
  add('graceful-shutdown', d, graceful,
    graceful ? `preStop pause ${pause} s + the server's ${runtimeGrace} s drain fit in the ${grace} s grace period.`
      : pause === null ? 'No preStop pause: requests can still arrive after the server started draining.'
        : `preStop ${pause} s + the server's ${runtimeGrace} s drain exceed the ${grace} s grace period: requests in flight would be cut off.`,
    `Add a preStop sleep of a few seconds and set terminationGracePeriodSeconds to at least the pause + ${runtimeGrace} s + 5 s.`);

  const spread = (pod?.topologySpreadConstraints ?? []).some((t) => t.topologyKey === 'kubernetes.io/hostname')
    || (pod?.affinity?.podAntiAffinity !== undefined);
  add('spread-across-nodes', d, spread,
    spread ? 'Pods are spread across nodes, so one node failing does not take them all.' : 'All pods may land on one node.',
    'Add a topologySpreadConstraint on kubernetes.io/hostname (or pod anti-affinity).');

  const annotations = d.spec?.template.metadata?.annotations ?? {};
  const scrapePort = Number(annotations['prometheus.io/port']);
  const portOpen = containers.some((c) => (c.ports ?? []).some((p) => p.containerPort === scrapePort));
  const scraped = annotations['prometheus.io/scrape'] === 'true' && portOpen && Boolean(annotations['prometheus.io/path']);
  add('prometheus-annotations', d, scraped,
    scraped ? `Prometheus scrapes ${annotations['prometheus.io/path']} on port ${scrapePort}.` : 'Prometheus will not find the metrics (annotations missing or pointing at a closed port).',
    'Annotate the pod template with prometheus.io/scrape, prometheus.io/port (the server port) and prometheus.io/path: /metrics.');

  const existing = set.sameNamespace(set.configMaps, d).map((c) => c.metadata?.name);
  const configOk = configMap.length > 0 && configMap.every((name) => existing.includes(name));
  add('config-from-configmap', d, configOk,
    configOk ? `Runtime settings come from ConfigMap ${configMap.join(', ')}.` : configMap.length === 0 ? 'The pods take no settings from a ConfigMap.' : `ConfigMap ${configMap.filter((n) => !existing.includes(n)).join(', ')} is referenced but not in the set: pods would not start.`,
    'Reference the runtime ConfigMap with envFrom and ship it in the same set.');

  const pdb = set.sameNamespace(set.budgets, d).find((p) => selectorMatches(p.spec?.selector as Selector, podLabels(d)));
  add('pdb-present', d, pdb !== undefined,
    pdb ? `PodDisruptionBudget ${pdb.metadata?.name} limits how many pods a drain takes at once.` : 'No PodDisruptionBudget selects these pods: a node drain may stop them all together.',
    'Add a PodDisruptionBudget (maxUnavailable: 1) selecting the pods.');

  const hpa = set.autoscalerFor(d);
  const staticReplicas = d.spec?.replicas !== undefined;
  if (hpa) {
    add('no-static-replicas-under-hpa', d, !staticReplicas,
      !staticReplicas ? `HorizontalPodAutoscaler ${hpa.metadata?.name} owns the replica count.` : `spec.replicas (${d.spec?.replicas}) fights the autoscaler: every apply resets the pod count.`,
      'Remove spec.replicas from a Deployment an HPA scales.');
  }
  const isCanary = podLabels(d)[LABEL.track] === 'canary';
  if (!isCanary) {
    const pods = hpa ? hpa.spec?.minReplicas ?? 1 : d.spec?.replicas ?? 1;
    add('high-availability', d, pods >= 2,
      pods >= 2 ? `At least ${pods} pods, so the model stays up while one restarts.` : `Only ${pods} pod: the model is down while it restarts or moves.`,
      'Run at least 2 replicas (autoscaling.minReplicas or replicas).');
  }
  const policy = set.sameNamespace(set.policies, d).find((p) => selectorMatches(p.spec?.podSelector as Selector, podLabels(d)));
  add('network-policy', d, policy !== undefined,
    policy ? `NetworkPolicy ${policy.metadata?.name} limits who may reach the pods.` : 'Any pod in the cluster can reach these pods, and they can connect anywhere.',
    'Add a networkPolicy section (kubernetes.networkPolicy) listing the namespaces that may call the model.');
}

function referencedConfigMaps(containers: IContainer[]): string[] {
  return containers.flatMap((c) => [
    ...(c.envFrom ?? []).map((e) => e.configMapRef?.name).filter((n): n is string => Boolean(n)),
    ...(c.env ?? []).map((e) => e.valueFrom?.configMapKeyRef?.name).filter((n): n is string => Boolean(n)),
  ]);
}

/**
 * The runtime lowers its image limit to what its memory limit leaves room for (image-decode-budget.ts), so a pod
 * sized from a load test with small images would refuse real photos in production. Said here, before shipping.
 */
function checkImageMemory(d: K8sObject, containers: IContainer[], set: ObjectSet, context: CheckContext, add: Add): void {
  const limit = parseMemoryBytes(containers[0]?.resources?.limits?.memory);
  if (limit === null) return; // resources-set already reports it
  const setting = (key: string, fallback: number) => {
    const value = Number(envValue(containers, set, d, key));
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  const configuredMp = setting('MODELDOCK_MAX_IMAGE_MP', RUNTIME_DEFAULT_MAX_IMAGE_MP);
  const bufferedBytes = setting('MODELDOCK_MAX_BUFFERED_MB', RUNTIME_DEFAULT_MAX_BUFFERED_MB) * 1024 * 1024;
  const cpus = Math.max(1, Math.ceil(parseCpu(containers[0]?.resources?.limits?.cpu) ?? 1));
  const threads = imageThreadCount(cpus);
  const serverBytes = context.measuredPeakMemoryBytes ?? ASSUMED_SERVER_BYTES;
  const budget = imagePixelBudget({ configuredPixels: configuredMp * 1e6, limitBytes: limit, rssBytes: serverBytes, bufferedBytes, imageThreads: threads });
  const mib = (b: number) => Math.ceil(b / 1024 / 1024);
  const needed = minimumLimitBytes(configuredMp * 1e6, serverBytes, bufferedBytes, threads);
  const measured = context.measuredPeakMemoryBytes !== null ? 'the load test\'s peak' : `about ${mib(ASSUMED_SERVER_BYTES)} MiB for the server (no load test given)`;
  add('memory-fits-images', d, budget.lowered === null,
    budget.lowered === null
      ? `A ${mib(limit)} MiB limit leaves room to decode images up to the ${formatMegapixels(configuredMp * 1e6)} megapixel limit (${DECODE_BYTES_PER_PIXEL} bytes per pixel on ${threads} image thread(s), beside ${measured}).`
      : `With a ${mib(limit)} MiB limit the server will accept images only up to ${formatMegapixels(budget.maxPixels)} megapixels, not ${formatMegapixels(configuredMp * 1e6)}: decoding takes about ${DECODE_BYTES_PER_PIXEL} bytes per pixel (a 12 MP phone photo: ~${mib(12e6 * DECODE_BYTES_PER_PIXEL)} MiB) beside ${measured}. Larger photos get 413.`,
    `Raise resources.limits.memoryMiB to at least ${mib(needed)} to accept ${formatMegapixels(configuredMp * 1e6)} MP images, or lower serving.maxImageMegapixels to the largest image your clients send.`);
}

/** The smallest memory limit with room for `pixels` on every image thread (the inverse of imagePixelBudget). */
function minimumLimitBytes(pixels: number, serverBytes: number, bufferedBytes: number, threads: number): number {
  return (pixels * DECODE_BYTES_PER_PIXEL * threads + serverBytes + bufferedBytes) / (1 - IMAGE_HEADROOM);
}

function envValue(containers: IContainer[], set: ObjectSet, d: K8sObject, key: string): string | null {
  for (const c of containers) {
    const direct = (c.env ?? []).find((e) => e.name === key);
    if (direct?.value !== undefined) return direct.value;
    for (const from of c.envFrom ?? []) {
      const cm = set.sameNamespace(set.configMaps, d).find((m) => m.metadata?.name === from.configMapRef?.name);
      const value = cm?.data?.[key];
      if (value !== undefined) return value;
    }
  }
  return null;
}

function checkService(s: IService & K8sObject, set: ObjectSet, add: Add): void {
  const selector = s.spec?.selector ?? {};
  const selected = set.sameNamespace(set.deployments, s).filter((d) => selectorMatches({ matchLabels: selector }, podLabels(d)));
  add('service-selects-pods', s, selected.length > 0,
    selected.length > 0 ? `Selects the pods of ${selected.map((d) => d.metadata?.name).join(', ')}.` : 'Its selector matches no Deployment\'s pods: requests would find no endpoint.',
    'Make the Service selector a subset of the pod template labels.');

  const ports = s.spec?.ports ?? [];
  const targetOk = selected.length > 0 && ports.length > 0 && ports.every((p) => selected.every((d) =>
    (d.spec?.template.spec?.containers ?? []).some((c) => (c.ports ?? []).some((cp) =>
      typeof p.targetPort === 'string' ? cp.name === p.targetPort : cp.containerPort === (p.targetPort ?? p.port))),
  ));
  add('service-target-port', s, targetOk,
    targetOk ? `Forwards port ${ports.map((p) => `${p.port} -> ${p.targetPort ?? p.port}`).join(', ')}, which the pods open.` : 'A Service port forwards to a port no selected container opens.',
    'Set targetPort to the container port\'s name (http) or number.');

  const type = s.spec?.type ?? 'ClusterIP';
  const routedByIngress = set.sameNamespace(set.ingresses, s).some((i) => (i.spec?.rules ?? []).some((r) =>
    (r.http?.paths ?? []).some((p) => p.backend.service?.name === s.metadata?.name)));
  const typeOk = (type === 'ClusterIP') || (type === 'LoadBalancer' && !routedByIngress);
  add('service-type', s, typeOk,
    type === 'ClusterIP' ? 'ClusterIP: reachable inside the cluster (and through the Ingress, if any).'
      : type === 'LoadBalancer' && typeOk ? 'LoadBalancer, as chosen: the cloud provider gives it a public address.'
        : type === 'LoadBalancer' ? 'LoadBalancer and an Ingress both expose the model: two public ways in, one of them unintended.'
          : `${type} opens a port on every node of the cluster.`,
    type === 'LoadBalancer' ? 'Use ClusterIP when an Ingress exposes the model.' : 'Use ClusterIP (with an Ingress) or LoadBalancer.');
}

function checkAutoscaler(h: IHorizontalPodAutoscaler & K8sObject, set: ObjectSet, add: Add): void {
  const ref = h.spec?.scaleTargetRef;
  const target = set.sameNamespace(set.deployments, h).find((d) => ref?.kind === 'Deployment' && d.metadata?.name === ref.name);
  add('hpa-targets-deployment', h, target !== undefined,
    target ? `Scales Deployment ${target.metadata?.name}.` : `Targets ${ref?.kind ?? '?'}/${ref?.name ?? '?'}, which is not in the set: it would scale nothing.`,
    'Point scaleTargetRef at the Deployment (apiVersion apps/v1, kind Deployment, its name).');

  const min = h.spec?.minReplicas ?? 1;
  const max = h.spec?.maxReplicas ?? 0;
  const rangeOk = min >= 1 && max >= min;
  add('hpa-range', h, rangeOk,
    rangeOk ? `Between ${min} and ${max} pods.` : `minReplicas ${min} and maxReplicas ${max} leave no valid range.`,
    'Set 1 <= minReplicas <= maxReplicas.');

  const resources = (h.spec?.metrics ?? []).filter((m) => m.type === 'Resource').map((m) => m.resource?.name ?? '');
  const containers = target?.spec?.template.spec?.containers ?? [];
  const missing = resources.filter((r) => containers.length === 0 || containers.some((c) => c.resources?.requests?.[r] === undefined));
  add('hpa-metrics-have-requests', h, resources.length > 0 && missing.length === 0,
    resources.length === 0 ? 'No resource metric: the autoscaler has nothing to react to.'
      : missing.length === 0 ? `${resources.join(' and ')} use is measured against the pods' requests.`
        : `Utilization of ${missing.join(', ')} needs a request on every container; without it the autoscaler does nothing.`,
    'Set resources.requests for every metric the autoscaler uses.');
}

function checkBudget(p: IPodDisruptionBudget & K8sObject, set: ObjectSet, add: Add): void {
  const covered = set.sameNamespace(set.deployments, p).filter((d) => selectorMatches(p.spec?.selector as Selector, podLabels(d)));
  const pods = covered.reduce((sum, d) => sum + (set.autoscalerFor(d)?.spec?.minReplicas ?? d.spec?.replicas ?? 1), 0);
  const { maxUnavailable, minAvailable } = p.spec ?? {};
  let ok: boolean;
  let reason: string;
  if (maxUnavailable !== undefined) {
    ok = maxUnavailable !== 0 && maxUnavailable !== '0%';
    reason = ok ? `Up to ${maxUnavailable} pod(s) may be evicted at once, so drains proceed one step at a time.` : 'maxUnavailable 0 blocks every node drain.';
  } else if (typeof minAvailable === 'number') {
    ok = minAvailable < pods;
    reason = ok ? `minAvailable ${minAvailable} of ${pods} pods leaves room to evict.` : `minAvailable ${minAvailable} with ${pods} pod(s) blocks every node drain.`;
  } else {
    ok = minAvailable !== '100%';
    reason = ok ? 'The budget leaves room to evict.' : 'minAvailable 100% blocks every node drain.';
  }
  add('pdb-allows-eviction', p, ok, reason, 'Use maxUnavailable: 1.');
}

function checkIngress(i: IIngress & K8sObject, set: ObjectSet, add: Add): void {
  const services = set.sameNamespace(set.services, i);
  const backends = (i.spec?.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend.service));
  const broken = backends.filter((b) => {
    const svc = services.find((s) => s.metadata?.name === b?.name);
    return !svc || !(svc.spec?.ports ?? []).some((p) => (b?.port?.name !== undefined ? p.name === b.port.name : p.port === b?.port?.number));
  });
  add('ingress-targets-service', i, backends.length > 0 && broken.length === 0,
    broken.length === 0 && backends.length > 0 ? `Routes to ${backends.map((b) => `${b?.name}:${b?.port?.name ?? b?.port?.number}`).join(', ')}.` : 'A path routes to a Service or port that is not in the set.',
    'Point each path\'s backend at the model\'s Service and its "http" port.');
  const tls = (i.spec?.tls ?? []).length > 0;
  add('ingress-tls', i, tls,
    tls ? 'Served over HTTPS with the given certificate.' : 'Plain HTTP: requests and predictions cross the network unencrypted.',
    'Set ingress.tlsSecretName to a Secret holding the host\'s certificate.');
}

function checkServiceMonitor(m: K8sObject, set: ObjectSet, add: Add): void {
  const spec = (m.spec ?? {}) as { selector?: Selector; endpoints?: { port?: string }[] };
  const services = set.sameNamespace(set.services, m).filter((s) => selectorMatches(spec.selector, s.metadata?.labels));
  const ports = (spec.endpoints ?? []).map((e) => e.port);
  const ok = services.length > 0 && ports.length > 0 && services.every((s) => ports.every((p) => (s.spec?.ports ?? []).some((sp) => sp.name === p)));
  add('servicemonitor-selects-service', m, ok,
    ok ? `Scrapes port "${ports.join(', ')}" of ${services.map((s) => s.metadata?.name).join(', ')}.` : 'It selects no Service of the model, or names a port the Service does not have.',
    'Select the Service by its app.kubernetes.io labels and name its "http" port.');
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

import { createHash } from 'node:crypto';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { DeployContext } from './deploy-context';
import { commonLabels, selectorLabels } from './labels';
import { STARTUP_PERIOD_SECONDS, startupBudgetSeconds, startupFailureThreshold, terminationGraceSeconds } from './pod-timing';
import { cpuQuantity, memoryQuantity } from './quantities';
import type { WorkloadVariant } from './rollout-variants';

/** The image's USER (main/docker/dockerfile.ts RUNTIME_USER): numeric, so runAsNonRoot can be verified. */
export const RUNTIME_UID = 10001;
export const CONTAINER_NAME = 'server';
export const PORT_NAME = 'http';
/** The runtime's endpoints (resources/serving/README.md). */
export const PATHS = { ready: '/readyz', live: '/healthz', metrics: '/metrics' } as const;
export const CONFIG_HASH_ANNOTATION = 'modeldock.dev/config-hash';

export function configMapName(ctx: DeployContext): string {
  return `${ctx.name}-config`;
}

/**
 * The runtime's settings as the MODELDOCK_* variables it reads (they override the runtime.json baked into the
 * image), so a platform team can change batching or log level without rebuilding the image.
 */
export function runtimeEnvironment(ctx: DeployContext): Record<string, string> {
  const s = ctx.serving;
  return {
    MODELDOCK_HOST: '0.0.0.0',
    MODELDOCK_PORT: String(s.port),
    MODELDOCK_THREADS: String(s.threads),
    MODELDOCK_MAX_BATCH_SIZE: String(s.maxBatchSize),
    MODELDOCK_MAX_BATCH_DELAY_MS: String(s.maxBatchDelayMs),
    MODELDOCK_MAX_QUEUE: String(s.maxQueue),
    MODELDOCK_MAX_BODY_MB: String(s.maxBodyMB),
    MODELDOCK_MAX_BUFFERED_MB: String(s.maxBufferedMB),
    MODELDOCK_MAX_IMAGE_MP: String(s.maxImageMegapixels),
    MODELDOCK_REQUEST_TIMEOUT_MS: String(s.requestTimeoutMs),
    MODELDOCK_GRACE_SECONDS: String(s.gracePeriodSeconds),
    MODELDOCK_LOG_LEVEL: s.logLevel,
  };
}

export function buildConfigMap(ctx: DeployContext): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: configMapName(ctx), namespace: ctx.namespace, labels: commonLabels(ctx) },
    data: runtimeEnvironment(ctx),
  };
}

/** Changes when the runtime settings change, so pods restart with them (a ConfigMap edit alone does not). */
function configHash(ctx: DeployContext): string {
  return createHash('sha256').update(JSON.stringify(runtimeEnvironment(ctx))).digest('hex').slice(0, 16);
}

export function buildDeployment(ctx: DeployContext, variant: WorkloadVariant): IDeployment {
  const { settings, serving } = ctx;
  const podSelector = { ...selectorLabels(ctx), ...variant.podLabels };
  const httpGet = (path: string) => ({ path, port: PORT_NAME, scheme: 'HTTP' as const });
  const rolling = settings.rollout.rolling;

  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: variant.deploymentName, namespace: ctx.namespace, labels: { ...commonLabels(ctx), ...variant.podLabels } },
    spec: {
      // Absent under an HPA: a replicas field would reset the pod count on every apply.
      ...(variant.autoscaled ? {} : { replicas: variant.replicas }),
      revisionHistoryLimit: 5,
      progressDeadlineSeconds: Math.max(600, startupBudgetSeconds(ctx.coldStartSeconds) * 2),
      selector: { matchLabels: podSelector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: rolling.maxSurge, maxUnavailable: rolling.maxUnavailable } },
      template: {
        metadata: {
          labels: { ...commonLabels(ctx), ...variant.podLabels },
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(serving.port),
            'prometheus.io/path': PATHS.metrics,
            [CONFIG_HASH_ANNOTATION]: configHash(ctx),
          },
        },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: terminationGraceSeconds(ctx),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUNTIME_UID,
            runAsGroup: RUNTIME_UID,
            fsGroup: RUNTIME_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: podSelector } },
            { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: podSelector } },
          ],
          containers: [{
            name: CONTAINER_NAME,
            image: variant.image,
            imagePullPolicy: 'IfNotPresent',
            ports: [{ name: PORT_NAME, containerPort: serving.port, protocol: 'TCP' }],
            envFrom: [{ configMapRef: { name: configMapName(ctx) } }],
            resources: {
              requests: { cpu: cpuQuantity(settings.resources.requests.cpu), memory: memoryQuantity(settings.resources.requests.memoryMiB) },
              limits: { cpu: cpuQuantity(settings.resources.limits.cpu), memory: memoryQuantity(settings.resources.limits.memoryMiB) },
            },
            // Passes once the model is loaded and warmed up; until then liveness is not asked, so a slow load is
            // not mistaken for a hung server. Sized from the measured cold start.
            startupProbe: {
              httpGet: httpGet(PATHS.ready),
              periodSeconds: STARTUP_PERIOD_SECONDS,
              timeoutSeconds: 2,
              failureThreshold: startupFailureThreshold(ctx.coldStartSeconds),
            },
            // Ready = may receive requests; false while loading and while draining after SIGTERM.
            readinessProbe: { httpGet: httpGet(PATHS.ready), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2, successThreshold: 1 },
            // Live = the process answers at all; restarting on a busy-but-alive server would only lose requests.
            livenessProbe: { httpGet: httpGet(PATHS.live), periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
            ...(settings.probes.preStopSeconds > 0
              ? { lifecycle: { preStop: { sleep: { seconds: settings.probes.preStopSeconds } } } }
              : {}),
            securityContext: {
              runAsNonRoot: true,
              runAsUser: RUNTIME_UID,
              runAsGroup: RUNTIME_UID,
              allowPrivilegeEscalation: false,
              privileged: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
              seccompProfile: { type: 'RuntimeDefault' },
            },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          }],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

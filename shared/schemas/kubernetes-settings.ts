import { z } from 'zod';

/**
 * The spec's `kubernetes:` section: how a model runs in a cluster, shared by the Deploy screen and
 * `modeldock export`. Every key has a default, so `kubernetes: {}` is a complete, check-passing configuration.
 * Kept apart from kubernetes.ts (which imports the Docker and spec schemas) so spec.ts can import it without a cycle.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const dnsLabel = (what: string) => z.string().min(1).max(63).regex(DNS_LABEL, `${what}: lower-case letters, digits and dashes`);
/** "25%" or a whole number: how Kubernetes writes maxSurge / maxUnavailable. */
const IntOrPercent = z.union([z.number().int().min(0).max(1000), z.string().regex(/^\d{1,3}%$/, 'a whole number or a percentage like "25%"')]);
const LabelMap = z.record(z.string().min(1).max(253), z.string().max(63));

export const ResourceSettingsSchema = z.object({
  requests: z.object({
    cpu: z.number().min(0.01).max(256).default(0.5).describe('CPU cores the scheduler reserves for each pod (0.5 = half a core).'),
    memoryMiB: z.number().int().min(16).max(1024 * 1024).default(512).describe('Memory reserved for each pod, in MiB.'),
  }).strict().default({}),
  limits: z.object({
    cpu: z.number().min(0.01).max(256).default(1).describe('Most CPU a pod may use; beyond it the pod is slowed down (throttled).'),
    memoryMiB: z.number().int().min(16).max(1024 * 1024).default(1024).describe('Most memory a pod may use; beyond it the pod is killed and restarted.'),
  }).strict().default({}),
}).strict();
export type ResourceSettings = z.infer<typeof ResourceSettingsSchema>;

export const AutoscalingSettingsSchema = z.object({
  enabled: z.boolean().default(true).describe('Add and remove pods with the load (a HorizontalPodAutoscaler); off: a fixed number of replicas.'),
  minReplicas: z.number().int().min(1).max(1000).default(2).describe('Fewest pods, even when idle (2 keeps the model up while one restarts).'),
  maxReplicas: z.number().int().min(1).max(1000).default(5).describe('Most pods under load.'),
  cpuTargetPercent: z.number().int().min(10).max(100).default(70)
    .describe('Add pods when average CPU use passes this share of the CPU request.'),
  memoryTargetPercent: z.number().int().min(10).max(100).optional()
    .describe('Also add pods when average memory use passes this share of the memory request.'),
  scaleDownStabilizationSeconds: z.number().int().min(0).max(3600).default(300)
    .describe('Wait this long after load drops before removing pods, so a short lull does not shrink the pool.'),
}).strict();
export type AutoscalingSettings = z.infer<typeof AutoscalingSettingsSchema>;

export const ServiceSettingsSchema = z.object({
  type: z.enum(['ClusterIP', 'LoadBalancer']).default('ClusterIP')
    .describe('ClusterIP: reachable inside the cluster (and through an Ingress); LoadBalancer: a public address from the cloud provider.'),
  port: z.number().int().min(1).max(65535).default(80).describe('Port the Service listens on; it forwards to the server\'s port.'),
}).strict();

export const IngressSettingsSchema = z.object({
  host: z.string().min(1).max(253).regex(/^(\*\.)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'a host name like "iris.example.com"')
    .describe('Host name the model is reached at, e.g. "iris.example.com".'),
  path: z.string().regex(/^\/[^\s]*$/, 'starts with "/"').default('/').describe('URL path prefix routed to the model.'),
  className: z.string().min(1).max(253).optional().describe('IngressClass to use (e.g. "nginx"); absent: the cluster\'s default.'),
  tlsSecretName: dnsLabel('TLS secret').optional().describe('Secret holding the TLS certificate for the host; absent: plain HTTP.'),
  annotations: z.record(z.string(), z.string()).default({}).describe('Extra annotations for the ingress controller.'),
}).strict();

export const NetworkPolicySettingsSchema = z.object({
  allowNamespaces: z.array(dnsLabel('namespace')).max(50).default([])
    .describe('Namespaces (besides the model\'s own) allowed to reach the model, e.g. the ingress controller\'s and Prometheus\'s.'),
}).strict();

export const ServiceMonitorSettingsSchema = z.object({
  interval: z.string().regex(/^\d+(ms|s|m)$/, 'a duration like "15s"').default('15s').describe('How often Prometheus scrapes /metrics.'),
  labels: LabelMap.default({}).describe('Labels your Prometheus Operator selects ServiceMonitors by, e.g. {release: prometheus}.'),
}).strict();

export const DisruptionBudgetSettingsSchema = z.object({
  maxUnavailable: z.number().int().min(1).max(1000).default(1)
    .describe('Pods that voluntary disruptions (node drains, upgrades) may take down at once.'),
}).strict();

export const RolloutStrategySchema = z.enum(['rolling', 'blue-green', 'canary']);
export type RolloutStrategy = z.infer<typeof RolloutStrategySchema>;

export const RolloutSettingsSchema = z.object({
  strategy: RolloutStrategySchema.default('rolling')
    .describe('rolling: pods replaced a few at a time; blue-green: a second full copy, switched at once; canary: a small share first.'),
  rolling: z.object({
    maxSurge: IntOrPercent.default('25%').describe('Extra pods allowed during an update.'),
    maxUnavailable: IntOrPercent.default(0).describe('Pods that may be missing during an update (0: never below the wanted count).'),
  }).strict().default({}),
  blueGreen: z.object({
    activeColor: z.enum(['blue', 'green']).default('blue').describe('The colour serving traffic now; the new version goes to the other one.'),
    previousImage: z.string().min(1).max(512).optional()
      .describe('The image the active colour runs now; absent (first deploy): both colours run the new image.'),
  }).strict().default({}),
  canary: z.object({
    percent: z.number().int().min(1).max(50).default(10).describe('Share of traffic the new version gets at first.'),
    method: z.enum(['replicas', 'ingress-weight']).default('replicas')
      .describe('replicas: traffic splits by pod count; ingress-weight: an exact weight through an NGINX Ingress (needs ingress).'),
    stableImage: z.string().min(1).max(512).optional()
      .describe('The image the stable pods run now; absent (first deploy): the stable pods run the new image too.'),
  }).strict().default({}),
}).strict();
export type RolloutSettings = z.infer<typeof RolloutSettingsSchema>;

export const ProbeSettingsSchema = z.object({
  coldStartSeconds: z.number().min(0).max(3600).optional()
    .describe('Measured start-to-ready time of the container; sizes the startup probe. Absent: the measurement given to the export, else 10 s.'),
  preStopSeconds: z.number().int().min(0).max(120).default(5)
    .describe('Pause before the stop signal, so the load balancer stops sending requests before the server drains.'),
}).strict();

export const KubernetesSettingsSchema = z.object({
  namespace: dnsLabel('namespace').default('modeldock').describe('Namespace every object goes to (the dev overlay adds "-dev").'),
  name: dnsLabel('name').optional().describe('Name of the Deployment, Service and other objects; by default the model name.'),
  resources: ResourceSettingsSchema.default({}),
  replicas: z.number().int().min(1).max(1000).default(2).describe('Pods to run when autoscaling is off.'),
  autoscaling: AutoscalingSettingsSchema.default({}),
  service: ServiceSettingsSchema.default({}),
  ingress: IngressSettingsSchema.optional().describe('Expose the model over HTTP(S) at a host name; absent: no Ingress.'),
  networkPolicy: NetworkPolicySettingsSchema.optional()
    .describe('Only the listed namespaces may reach the pods, and the pods may call nothing; absent: no NetworkPolicy.'),
  serviceMonitor: ServiceMonitorSettingsSchema.optional().describe('A ServiceMonitor for the Prometheus Operator; absent: scrape annotations only.'),
  disruptionBudget: DisruptionBudgetSettingsSchema.default({}),
  rollout: RolloutSettingsSchema.default({}),
  probes: ProbeSettingsSchema.default({}),
}).strict();
export type KubernetesSettings = z.infer<typeof KubernetesSettingsSchema>;
export type KubernetesSettingsInput = z.input<typeof KubernetesSettingsSchema>;

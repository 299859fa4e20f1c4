import { z } from 'zod';
import { LoadTestResultSchema } from './docker';
import {
  AutoscalingSettingsSchema, dnsLabel, KubernetesSettingsSchema, ResourceSettingsSchema, RolloutStrategySchema,
} from './kubernetes-settings';
import { ServingSettingsSchema } from './spec';

export * from './kubernetes-settings';

/**
 * Kubernetes: the manifests generated from the spec's `kubernetes:` section (kubernetes-settings.ts), the checks
 * they pass or fail, and the capacity plan sized from a load test measured against the running container
 * (shared/schemas/docker.ts LoadTestResult).
 */

// ---- Results ----

export const GeneratedFileSchema = z.object({
  /** Relative, with forward slashes: "k8s/plain/iris.yaml", "k8s/kustomize/overlays/dev/kustomization.yaml". */
  path: z.string(),
  content: z.string(),
});
export type GeneratedFile = z.infer<typeof GeneratedFileSchema>;

export const CheckSeveritySchema = z.enum(['required', 'recommended']);

export const CheckResultSchema = z.object({
  /** Stable id, e.g. "container-read-only-root"; one id may appear once per object it applies to. */
  id: z.string(),
  title: z.string(),
  /** required: a failure blocks export (unless allowed); recommended: reported only. */
  severity: CheckSeveritySchema,
  /** "Deployment/iris"; null for checks about the whole set. */
  object: z.string().nullable(),
  passed: z.boolean(),
  /** Plain words: why it passed or failed. */
  reason: z.string(),
  /** What to change when it failed; null when it passed. */
  fix: z.string().nullable(),
});
export type CheckResult = z.infer<typeof CheckResultSchema>;

export const CheckSummarySchema = z.object({
  passed: z.number().int(),
  failed: z.number().int(),
  /** Failed checks of severity "required": export refuses unless allowed. */
  failedRequired: z.number().int(),
});

export const RolloutStepsSchema = z.object({
  strategy: RolloutStrategySchema,
  /** Commands and sentences, in order. */
  deploy: z.array(z.string()),
  promote: z.array(z.string()),
  rollback: z.array(z.string()),
});
export type RolloutSteps = z.infer<typeof RolloutStepsSchema>;

export const DeployManifestsRequestSchema = z.object({
  model: z.object({
    name: dnsLabel('model name'),
    version: z.string().min(1).max(128).default('1'),
    /** The model takes images (an input with type: image): its memory limit must leave room to decode them. */
    takesImages: z.boolean().default(false),
  }).strict(),
  /** The spec's serving section: port and shutdown grace period shape the probes and the stop sequence. */
  serving: ServingSettingsSchema.default({}),
  settings: KubernetesSettingsSchema.default({}),
  /** "registry.example.com/team/iris:3". */
  image: z.string().min(1).max(512),
  /** "sha256:<64 hex>", as the push reported it: pins the exact image. */
  digest: z.string().regex(/^sha256:[a-f0-9]{64}$/, 'sha256: followed by 64 hex digits').optional(),
  /** The container's load test: memory limits are checked against its peak. */
  loadTest: LoadTestResultSchema.optional(),
  /** Container start to ready, as measured (ContainerStatus.readyMs): sizes the startup probe. */
  coldStartMs: z.number().min(0).max(3600_000).optional(),
}).strict();
export type DeployManifestsRequest = z.infer<typeof DeployManifestsRequestSchema>;
export type DeployManifestsRequestInput = z.input<typeof DeployManifestsRequestSchema>;

export const DeployManifestsSchema = z.object({
  /** The image reference the Deployments use ("name:tag@sha256:..." when a digest was given). */
  image: z.string(),
  files: z.array(GeneratedFileSchema),
  checks: z.array(CheckResultSchema),
  summary: CheckSummarySchema,
  rollout: RolloutStepsSchema,
  /** Things to know that are not check failures (e.g. a canary whose stable image was not given). */
  warnings: z.array(z.string()),
});
export type DeployManifests = z.infer<typeof DeployManifestsSchema>;

export const DeployExportRequestSchema = DeployManifestsRequestSchema.extend({
  /** Folder to write into; files go under its k8s/ folder. Created when missing. */
  outDir: z.string().min(1),
  /** Write even when a required check failed. */
  allowFailedChecks: z.boolean().default(false),
}).strict();

export const DeployExportResultSchema = DeployManifestsSchema.extend({
  outDir: z.string(),
  /** Absolute paths written. */
  written: z.array(z.string()),
});
export type DeployExportResult = z.infer<typeof DeployExportResultSchema>;

export const CapacityRequestSchema = z.object({
  /** Requests per second the model must serve at peak. */
  targetRps: z.number().positive().max(10_000_000),
  /** 99th percentile latency goal in milliseconds. */
  p99GoalMs: z.number().positive().max(600_000),
  loadTest: LoadTestResultSchema,
  /** The HPA's CPU target; pods are sized to serve the target rate at this share of their CPU. */
  cpuTargetPercent: z.number().int().min(10).max(100).default(70),
  /** Current settings the proposal is merged into (everything else kept). */
  settings: KubernetesSettingsSchema.default({}),
}).strict();
export type CapacityRequest = z.infer<typeof CapacityRequestSchema>;

export const CapacityPlanSchema = z.object({
  /** False when the p99 goal cannot be met by adding pods (see warnings). */
  meetsGoal: z.boolean(),
  /** Requests per second one pod serves at the HPA's CPU target while keeping the p99 goal. */
  perPodRps: z.number(),
  /** Pods needed for the target rate. */
  podsForTarget: z.number().int(),
  resources: ResourceSettingsSchema,
  autoscaling: AutoscalingSettingsSchema,
  /** The arithmetic, one readable line per step. */
  lines: z.array(z.string()),
  warnings: z.array(z.string()),
  /** The given settings with the proposed resources and autoscaling applied: ready to save in the spec. */
  settings: KubernetesSettingsSchema,
});
export type CapacityPlan = z.infer<typeof CapacityPlanSchema>;

import { z } from 'zod';
import { ErrorInfoSchema } from '../errors';
import { CheckSummarySchema, DeployManifestsRequestSchema } from './kubernetes';
import { dnsLabel } from './kubernetes-settings';

/**
 * Apply to a live cluster: the kube contexts of the user's kubeconfig, the diff of the generated manifests against
 * what the cluster holds (server-side apply, dry run), the apply itself and the rollout that follows.
 */

// ---- Contexts ----

export const KubeContextSchema = z.object({
  name: z.string(),
  /** The cluster entry's name in the kubeconfig. */
  cluster: z.string(),
  /** "https://203.0.113.10:6443"; null when the context names a cluster the kubeconfig lacks. */
  server: z.string().nullable(),
  /** The context's default namespace, if it sets one. */
  namespace: z.string().nullable(),
  user: z.string(),
  current: z.boolean(),
});
export type KubeContext = z.infer<typeof KubeContextSchema>;

export const ClusterListSchema = z.object({
  /** False when no kubeconfig exists (not an error: exporting YAML works without one). */
  found: z.boolean(),
  /** The kubeconfig files read (KUBECONFIG's list, else ~/.kube/config); where it looked when none was found. */
  files: z.array(z.string()),
  contexts: z.array(KubeContextSchema),
  /** The kubeconfig's current-context, when it names a context that exists. */
  current: z.string().nullable(),
});
export type ClusterList = z.infer<typeof ClusterListSchema>;

// ---- Diff ----

/** Which cluster and namespace: the kubeconfig's current context and the spec's namespace unless given. */
export const ClusterTargetSchema = z.object({
  context: z.string().min(1).max(253).optional(),
  namespace: dnsLabel('namespace').optional(),
  /** Create the namespace when the cluster does not have it yet. */
  createNamespace: z.boolean().default(false),
  /** Take over fields another manager (kubectl, Helm, a controller) owns; without it such a conflict stops the apply. */
  forceConflicts: z.boolean().default(false),
});

export const DeployDiffRequestSchema = DeployManifestsRequestSchema.merge(ClusterTargetSchema).strict();
export type DeployDiffRequest = z.infer<typeof DeployDiffRequestSchema>;
export type DeployDiffRequestInput = z.input<typeof DeployDiffRequestSchema>;

export const DiffLineSchema = z.object({
  /** add/remove/context: a line of the object's YAML; hunk: "@@ ... @@" between distant changes. */
  op: z.enum(['add', 'remove', 'context', 'hunk']),
  text: z.string(),
});
export type DiffLine = z.infer<typeof DiffLineSchema>;

export const ObjectChangeSchema = z.enum(['new', 'changed', 'unchanged']);
export type ObjectChange = z.infer<typeof ObjectChangeSchema>;

export const ObjectDiffSchema = z.object({
  /** "Deployment/iris". */
  ref: z.string(),
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().nullable(),
  change: ObjectChangeSchema,
  /** The YAML diff of the fields that matter (status, managedFields, uid... left out); empty when unchanged. */
  lines: z.array(DiffLineSchema),
  added: z.number().int(),
  removed: z.number().int(),
});
export type ObjectDiff = z.infer<typeof ObjectDiffSchema>;

export const ClusterTargetInfoSchema = z.object({
  context: z.string(),
  server: z.string(),
  namespace: z.string(),
  /** False when the namespace does not exist yet (and will be created, as asked). */
  namespaceExists: z.boolean(),
});
export type ClusterTargetInfo = z.infer<typeof ClusterTargetInfoSchema>;

export const DeployDiffSchema = ClusterTargetInfoSchema.extend({
  /** The image reference the Deployments use. */
  image: z.string(),
  /** In apply order. */
  objects: z.array(ObjectDiffSchema),
  counts: z.object({ new: z.number().int(), changed: z.number().int(), unchanged: z.number().int() }),
  /** The manifests' checks: apply refuses while a required one fails, unless allowed. */
  checks: CheckSummarySchema,
});
export type DeployDiff = z.infer<typeof DeployDiffSchema>;

// ---- Apply and rollout ----

export const DeployApplyRequestSchema = DeployDiffRequestSchema.extend({
  /** Apply even when a required check failed. */
  allowFailedChecks: z.boolean().default(false),
  /** How long to wait for the rollout before giving up on it (the objects stay applied). */
  timeoutSeconds: z.number().int().min(5).max(3600).default(300),
}).strict();
export type DeployApplyRequest = z.infer<typeof DeployApplyRequestSchema>;
export type DeployApplyRequestInput = z.input<typeof DeployApplyRequestSchema>;

export const AppliedObjectSchema = z.object({
  ref: z.string(),
  kind: z.string(),
  name: z.string(),
  /** created: did not exist; configured: changed; unchanged: the cluster already held exactly this. */
  result: z.enum(['created', 'configured', 'unchanged']),
});
export type AppliedObject = z.infer<typeof AppliedObjectSchema>;

export const DeploymentRolloutSchema = z.object({
  name: z.string(),
  /** Pods the Deployment should run. */
  desired: z.number().int(),
  /** Pods running the new template. */
  updated: z.number().int(),
  ready: z.number().int(),
  available: z.number().int(),
  done: z.boolean(),
  /** "2 of 3 new pods updated", "rollout complete", or the cluster's reason it stopped. */
  message: z.string(),
});
export type DeploymentRollout = z.infer<typeof DeploymentRolloutSchema>;

export const ApplyProgressSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('applied'), object: AppliedObjectSchema, index: z.number().int(), total: z.number().int() }),
  z.object({ kind: z.literal('rollout'), deployments: z.array(DeploymentRolloutSchema), elapsedSeconds: z.number() }),
]);
export type ApplyProgress = z.infer<typeof ApplyProgressSchema>;

export const RolloutOutcomeSchema = z.object({
  /** complete: every Deployment updated and available; failed: the cluster gave up (progress deadline); timeout: we did. */
  state: z.enum(['complete', 'failed', 'timeout']),
  deployments: z.array(DeploymentRolloutSchema),
  seconds: z.number(),
  /** What went wrong and what to do, when not complete. */
  problem: ErrorInfoSchema.nullable(),
});
export type RolloutOutcome = z.infer<typeof RolloutOutcomeSchema>;

export const DeployApplyResultSchema = ClusterTargetInfoSchema.extend({
  image: z.string(),
  applied: z.array(AppliedObjectSchema),
  rollout: RolloutOutcomeSchema,
});
export type DeployApplyResult = z.infer<typeof DeployApplyResultSchema>;

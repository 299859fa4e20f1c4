import { z } from 'zod';

/**
 * Model monitoring: the reference profile captured from data the user provides (what "normal" inputs look like),
 * the `monitoring:` section of modeldock.yaml, what the serving runtime receives, and the 'monitor.profile' call.
 * The runtime compares a sliding window of live inputs with the profile (PSI per feature) and exports the scores
 * on /metrics; the names are listed in resources/serving/README.md ("Model monitoring").
 */

export const PROFILE_VERSION = 1;

/** Largest number of features one profile (and one runtime) tracks: metric label sets must stay small. */
export const MAX_MONITORED_FEATURES = 64;

/**
 * Where a feature's value comes from in one row of an input tensor:
 * - column: the value at `index` within the row (a tabular column; index 0 for a [batch] or [batch, 1] input);
 * - channel-mean: the mean of channel `index` over the image (layout says where the channel axis sits).
 */
export const FeatureSourceSchema = z.object({
  /** Metric label: the column name from the spec's features, "input[3]", or "image:mean_c0". */
  name: z.string().min(1).max(128),
  input: z.string().min(1),
  kind: z.enum(['column', 'channel-mean']),
  index: z.number().int().min(0),
  layout: z.enum(['NCHW', 'NHWC']).optional(),
}).strict();
export type FeatureSource = z.infer<typeof FeatureSourceSchema>;

export const SummaryStatsSchema = z.object({
  count: z.number().int().min(0),
  mean: z.number(),
  std: z.number().min(0),
  min: z.number(),
  max: z.number(),
}).strict();
export type SummaryStats = z.infer<typeof SummaryStatsSchema>;

/**
 * A numeric feature has ascending interior bin edges (edges.length + 1 bins: (-inf, e0], (e0, e1], ..., (eN, inf));
 * a categorical one (integer-coded, few values) has its categories plus one "other" bin at the end. Either way
 * `proportions` holds the reference share of each bin and sums to 1.
 */
export const FeatureProfileSchema = FeatureSourceSchema.extend({
  type: z.enum(['numeric', 'categorical']),
  edges: z.array(z.number()).max(100).optional(),
  categories: z.array(z.number()).max(100).optional(),
  proportions: z.array(z.number().min(0).max(1)).min(1).max(101),
  stats: SummaryStatsSchema,
}).strict().superRefine((f, ctx) => {
  const bins = f.type === 'numeric' ? (f.edges?.length ?? -1) + 1 : (f.categories?.length ?? -1) + 1;
  if (bins <= 0) ctx.addIssue({ code: 'custom', message: f.type === 'numeric' ? 'a numeric feature needs "edges"' : 'a categorical feature needs "categories"' });
  else if (f.proportions.length !== bins) ctx.addIssue({ code: 'custom', path: ['proportions'], message: `needs ${bins} entries (one per bin), has ${f.proportions.length}` });
  const sorted = (f.type === 'numeric' ? f.edges : f.categories) ?? [];
  for (let i = 1; i < sorted.length; i++) {
    if (!(sorted[i] > sorted[i - 1])) { ctx.addIssue({ code: 'custom', message: 'edges/categories must be strictly ascending' }); break; }
  }
});
export type FeatureProfile = z.infer<typeof FeatureProfileSchema>;

/** What the model answered on the reference data: class shares (classifiers) or value bins (one-value regression). */
export const OutputProfileSchema = z.object({
  name: z.string().min(1),
  kind: z.enum(['classes', 'values']),
  /** classes: one per class index plus "other"; values: interior bin edges. */
  classes: z.array(z.string()).max(100).optional(),
  edges: z.array(z.number()).max(100).optional(),
  proportions: z.array(z.number().min(0).max(1)).min(1).max(101),
  stats: SummaryStatsSchema.optional(),
}).strict();
export type OutputProfile = z.infer<typeof OutputProfileSchema>;

export const MonitoringProfileSchema = z.object({
  version: z.literal(PROFILE_VERSION),
  createdAt: z.string(),
  /** The data it was computed from (file name only; no user paths travel into the image). */
  source: z.string(),
  sampleCount: z.number().int().min(1),
  features: z.array(FeatureProfileSchema).max(MAX_MONITORED_FEATURES),
  output: OutputProfileSchema.nullable().default(null),
}).strict();
export type MonitoringProfile = z.infer<typeof MonitoringProfileSchema>;

const monitoringKnobs = {
  enabled: z.boolean().default(true).describe('Compute model metrics (input summaries, drift, feedback accuracy); MODELDOCK_MONITORING=off turns them off in the container.'),
  windowSize: z.number().int().min(20).max(1_000_000).default(1000)
    .describe('Rows in the sliding window that input summaries and drift scores are computed over.'),
  driftThreshold: z.number().positive().max(100).default(0.2)
    .describe('PSI above which a feature counts as drifted (0.1 slight, 0.2 significant is the usual reading).'),
  feedbackWindow: z.number().int().min(1).max(1_000_000).default(1000)
    .describe('Rows with a ground-truth outcome that rolling accuracy (or mean absolute error) is computed over.'),
  rememberPredictions: z.number().int().min(0).max(1_000_000).default(10000)
    .describe('Recent predictions kept (by request id) so POST /feedback can score them; older ones answer 404.'),
};

/**
 * modeldock.yaml `monitoring.alerts`: thresholds of the Prometheus alert rules ModelDock exports (and of the
 * Monitor view's alert banner). Drift uses monitoring.driftThreshold. Not part of the runtime config: the rules
 * run in Prometheus, not in the server.
 */
export const AlertSettingsSchema = z.object({
  errorRate: z.number().min(0).max(1).default(0.05)
    .describe('Share of answers with a 5xx status (over 5 minutes) above which "high error rate" fires; 0.05 = 5%.'),
  latencyP99Ms: z.number().positive().max(3_600_000).default(500)
    .describe('Latency SLO: the p99 of request duration (over 5 minutes), in milliseconds, above which an alert fires.'),
  forMinutes: z.number().int().min(0).max(1440).default(5)
    .describe('How long error rate, latency, readiness or queue saturation must stay bad before their alert fires.'),
  driftForMinutes: z.number().int().min(0).max(1440).default(15)
    .describe('How long a feature\'s drift score must stay above monitoring.driftThreshold before the drift alert fires.'),
  podRestarts: z.number().int().min(1).max(1000).default(3)
    .describe('Container restarts within an hour (kube-state-metrics) that fire the pod restart alert.'),
  queueSaturation: z.number().min(0.01).max(1).default(0.8)
    .describe('Share of serving.maxQueue waiting requests that counts as saturated; refused requests (503) fire too.'),
  minAccuracy: z.number().min(0).max(1).optional()
    .describe('Rolling accuracy from POST /feedback below which an alert fires (only when you send feedback).'),
}).strict();
export type AlertSettings = z.infer<typeof AlertSettingsSchema>;

/** modeldock.yaml `monitoring:`. Every key has a default. */
export const MonitoringSettingsSchema = z.object({
  profile: z.string().min(1).optional()
    .describe('Reference profile JSON (from "Capture reference profile"), relative to the spec; by default <model>.profile.json beside the model, when present.'),
  ...monitoringKnobs,
  alerts: AlertSettingsSchema.optional().describe('Thresholds of the exported Prometheus alert rules and of the Monitor view\'s alerts.'),
}).strict();
export type MonitoringSettings = z.infer<typeof MonitoringSettingsSchema>;

/** The runtime config's `monitoring`: the spec's knobs with the profile itself embedded (images carry one JSON). */
export const RuntimeMonitoringSchema = z.object({
  ...monitoringKnobs,
  profile: MonitoringProfileSchema.nullable().default(null),
}).strict();
export type RuntimeMonitoring = z.infer<typeof RuntimeMonitoringSchema>;
export type RuntimeMonitoringInput = z.input<typeof RuntimeMonitoringSchema>;

/** 'monitor.profile': compute a reference profile from a data sample and write it beside the model. */
export const MonitorProfileRequestSchema = z.object({
  modelPath: z.string().min(1),
  /** CSV, .npy, JSON, TensorProto .pb or an image; or a folder of such files (e.g. the test inputs). */
  dataPath: z.string().min(1),
  /** Spec whose inputs.<name>.features (column names) and image preprocessing apply; default: beside the model. */
  specPath: z.string().optional(),
  /** Where to write the profile; default <model>.profile.json beside the model. */
  outPath: z.string().optional(),
  /** Numeric bins per feature (quantile edges of the sample). */
  bins: z.number().int().min(2).max(50).default(10),
}).strict();
export type MonitorProfileRequest = z.input<typeof MonitorProfileRequestSchema>;

export const MonitorProfileResultSchema = z.object({
  profilePath: z.string(),
  sampleCount: z.number().int(),
  features: z.array(z.object({
    name: z.string(),
    type: z.enum(['numeric', 'categorical']),
    bins: z.number().int(),
    mean: z.number(),
    min: z.number(),
    max: z.number(),
  })),
  output: z.object({ name: z.string(), kind: z.enum(['classes', 'values']) }).nullable(),
  /** Things the user should know (features skipped, output not profiled...). */
  notes: z.array(z.string()),
});
export type MonitorProfileResult = z.infer<typeof MonitorProfileResultSchema>;

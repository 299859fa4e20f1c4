import { z } from 'zod';
import { MetricsSampleSchema } from './serve';

/**
 * Live monitoring of a running server ('monitor.snapshot': one summarised /metrics scrape with model-level metrics
 * and the thresholds it exceeds) and the monitoring export ('monitor.exportRules'). Kept apart from monitoring.ts,
 * which the serving runtime bundles.
 */

/** 'monitor.snapshot': which running server to read. A URL is fetched by the engine (never by the renderer). */
export const MonitorTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), modelPath: z.string().min(1) }).strict(),
  z.object({ kind: z.literal('container'), id: z.string().min(1), context: z.string().min(1).max(200).optional() }).strict(),
  z.object({
    kind: z.literal('url'),
    /** The server's base URL (http://host:port) or its /metrics URL; http or https only. */
    url: z.string().min(1).max(2048),
  }).strict(),
]);
export type MonitorTarget = z.infer<typeof MonitorTargetSchema>;

/** Thresholds the Monitor view checks each sample against; missing ones come from the spec (local) or defaults. */
export const MonitorThresholdsSchema = z.object({
  driftThreshold: z.number().positive().max(100).optional(),
  errorRate: z.number().min(0).max(1).optional(),
  latencyP99Ms: z.number().positive().optional(),
  minAccuracy: z.number().min(0).max(1).optional(),
}).strict();
export type MonitorThresholds = z.infer<typeof MonitorThresholdsSchema>;

export const MonitorSnapshotRequestSchema = z.object({
  target: MonitorTargetSchema,
  thresholds: MonitorThresholdsSchema.optional(),
}).strict();
export type MonitorSnapshotRequest = z.input<typeof MonitorSnapshotRequestSchema>;

export const FeatureSnapshotSchema = z.object({
  name: z.string(),
  /** PSI against the reference profile; null without a profile or while the window is empty. */
  psi: z.number().nullable(),
  drifted: z.boolean(),
  mean: z.number().nullable(),
  stddev: z.number().nullable(),
  referenceMean: z.number().nullable(),
});
export type FeatureSnapshot = z.infer<typeof FeatureSnapshotSchema>;

/** One scrape summarised: the serve.metrics sample plus model-level metrics (NaN travels as null). */
export const MonitorSampleSchema = MetricsSampleSchema.extend({
  /** Share of answers with a 5xx status since the previous scrape (null without requests in between). */
  serverErrorRate: z.number().nullable(),
  ready: z.boolean().nullable(),
  heapBytes: z.number().nullable(),
  monitoringEnabled: z.boolean().nullable(),
  windowRows: z.number().nullable(),
  /** The runtime's own monitoring.driftThreshold (modeldock_drift_threshold). */
  driftThreshold: z.number().nullable(),
  features: z.array(FeatureSnapshotSchema),
  predictionDriftPsi: z.number().nullable(),
  feedbackAccuracy: z.number().nullable(),
  feedbackMeanAbsoluteError: z.number().nullable(),
  feedbackRows: z.number().nullable(),
});
export type MonitorSample = z.infer<typeof MonitorSampleSchema>;

export const MonitorAlertSchema = z.object({
  kind: z.enum(['drift', 'prediction-drift', 'error-rate', 'latency', 'not-ready', 'accuracy']),
  severity: z.enum(['warning', 'critical']),
  /** One line in plain words. */
  title: z.string(),
  message: z.string(),
  feature: z.string().optional(),
});
export type MonitorAlert = z.infer<typeof MonitorAlertSchema>;

export const MonitorSnapshotSchema = z.object({
  target: z.object({ kind: z.enum(['local', 'container', 'url']), label: z.string(), metricsUrl: z.string().nullable() }),
  /** live: this scrape answered; unreachable: the server did not answer /metrics; stopped: nothing is running there. */
  state: z.enum(['live', 'unreachable', 'stopped']),
  note: z.string().nullable(),
  modelName: z.string().nullable(),
  modelVersion: z.string().nullable(),
  latest: MonitorSampleSchema.nullable(),
  /** Up to the last 120 samples of this target, oldest first. */
  history: z.array(MonitorSampleSchema),
  /** The thresholds that were applied (request, spec, the runtime's, or defaults). */
  thresholds: z.object({ driftThreshold: z.number(), errorRate: z.number(), latencyP99Ms: z.number(), minAccuracy: z.number().nullable() }),
  /** Thresholds the latest sample exceeds. */
  alerts: z.array(MonitorAlertSchema),
});
export type MonitorSnapshot = z.infer<typeof MonitorSnapshotSchema>;

/** 'monitor.exportRules': the Grafana dashboard, Prometheus config and alert rules, written to a folder. */
export const MonitorExportRequestSchema = z.object({
  modelPath: z.string().min(1),
  specPath: z.string().optional(),
  outDir: z.string().min(1),
}).strict();
export type MonitorExportRequest = z.input<typeof MonitorExportRequestSchema>;

export const MonitorExportResultSchema = z.object({
  outDir: z.string(),
  files: z.array(z.object({ path: z.string(), bytes: z.number().int(), content: z.string() })),
  /** Thresholds the rules were made with. */
  thresholds: z.object({ driftThreshold: z.number(), errorRate: z.number(), latencyP99Ms: z.number(), minAccuracy: z.number().nullable() }),
});
export type MonitorExportResult = z.infer<typeof MonitorExportResultSchema>;

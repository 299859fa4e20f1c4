import type { MonitorAlert, MonitorSample, MonitorSnapshot, MonitorThresholds } from '../../shared/schemas/monitor-live';
import { AlertSettingsSchema, type MonitoringSettings } from '../../shared/schemas/monitoring';

export type AppliedThresholds = MonitorSnapshot['thresholds'];

const DEFAULT_DRIFT_THRESHOLD = 0.2;

/**
 * The thresholds a Monitor sample is checked against: what the view sent, else the spec's monitoring settings,
 * else (drift only) the threshold the running server exports, else the defaults of the spec schema.
 */
export function appliedThresholds(
  requested: MonitorThresholds | undefined, spec: MonitoringSettings | null | undefined, serverDriftThreshold: number | null,
): AppliedThresholds {
  const alerts = AlertSettingsSchema.parse(spec?.alerts ?? {});
  return {
    driftThreshold: requested?.driftThreshold ?? spec?.driftThreshold ?? serverDriftThreshold ?? DEFAULT_DRIFT_THRESHOLD,
    errorRate: requested?.errorRate ?? alerts.errorRate,
    latencyP99Ms: requested?.latencyP99Ms ?? alerts.latencyP99Ms,
    minAccuracy: requested?.minAccuracy ?? alerts.minAccuracy ?? null,
  };
}

/** What the latest sample exceeds, in the same terms as the exported Prometheus rules (checked now, not "for N minutes"). */
export function liveAlerts(sample: MonitorSample | null, t: AppliedThresholds): MonitorAlert[] {
  if (!sample) return [];
  const alerts: MonitorAlert[] = [];
  if (sample.ready === false) {
    alerts.push({ kind: 'not-ready', severity: 'critical', title: 'The model is not ready', message: 'The server answers /metrics but not predictions: it is loading the model or shutting down.' });
  }
  for (const f of sample.features) {
    if (f.psi !== null && f.psi > t.driftThreshold) {
      const means = f.mean !== null && f.referenceMean !== null ? ` Its mean is ${round(f.mean)} now, ${round(f.referenceMean)} in the reference.` : '';
      alerts.push({
        kind: 'drift', severity: 'warning', feature: f.name,
        title: `Input "${f.name}" drifted`,
        message: `Drift score (PSI) ${f.psi.toFixed(2)} is above the threshold ${t.driftThreshold}.${means}`,
      });
    }
  }
  if (sample.predictionDriftPsi !== null && sample.predictionDriftPsi > t.driftThreshold) {
    alerts.push({
      kind: 'prediction-drift', severity: 'warning', title: 'The predictions shifted',
      message: `The predicted classes (or values) have a PSI of ${sample.predictionDriftPsi.toFixed(2)} against the reference, above ${t.driftThreshold}.`,
    });
  }
  if (sample.serverErrorRate !== null && sample.serverErrorRate > t.errorRate) {
    alerts.push({
      kind: 'error-rate', severity: 'critical', title: 'Many requests fail',
      message: `${percent(sample.serverErrorRate)} of the recent answers had a 5xx status (threshold ${percent(t.errorRate)}).`,
    });
  }
  if (sample.latencyScope === 'recent' && sample.p99Ms !== null && sample.p99Ms > t.latencyP99Ms) {
    alerts.push({
      kind: 'latency', severity: 'warning', title: 'Slow answers',
      message: `p99 latency is ${Math.round(sample.p99Ms)} ms, above the ${t.latencyP99Ms} ms target.`,
    });
  }
  if (t.minAccuracy !== null && sample.feedbackAccuracy !== null && sample.feedbackAccuracy < t.minAccuracy) {
    alerts.push({
      kind: 'accuracy', severity: 'warning', title: 'Accuracy dropped',
      message: `Rolling accuracy from feedback is ${percent(sample.feedbackAccuracy)}, below ${percent(t.minAccuracy)}.`,
    });
  }
  return alerts;
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

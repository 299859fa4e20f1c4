import type { FeatureSnapshot, MonitorSample } from '../../shared/schemas/monitor-live';
import { summarise, type Previous } from '../serving/metrics-summary';
import { histogramBuckets, parsePrometheusText, samplesOf, sumOf, type Exposition } from '../serving/prometheus-text';

/** Samples kept per target: about four minutes at the Monitor view's 2 s polling. */
export const MONITOR_HISTORY_LENGTH = 120;

/** The app's own scrapes of /metrics are not traffic (same rule as serve.metrics). */
function notOwnScrape(labels: Record<string, string>): boolean {
  return !/(^|\/)metrics$/.test(labels.route ?? labels.path ?? '');
}

/**
 * Successive /metrics scrapes of one running server turned into Monitor samples: the serve.metrics summary
 * (requests, errors, latency quantiles, CPU, memory, predicted classes) plus the model-level metrics of the
 * runtime's "Model monitoring" section (drift per feature, window means vs the reference, feedback accuracy).
 */
export class MonitorTracker {
  private previous: (Previous & { serverErrors: number }) | null = null;
  private readonly samples: MonitorSample[] = [];
  modelName: string | null = null;
  modelVersion: string | null = null;

  get history(): MonitorSample[] {
    return [...this.samples];
  }

  get latest(): MonitorSample | null {
    return this.samples[this.samples.length - 1] ?? null;
  }

  get lastScrapeMs(): number | null {
    return this.previous?.atMs ?? null;
  }

  add(text: string, atMs = Date.now()): MonitorSample {
    const exposition = parsePrometheusText(text);
    const base = summarise(exposition, atMs, this.previous);
    const info = samplesOf(exposition, 'modeldock_model_info')[0];
    if (info) {
      this.modelName = info.labels.name ?? this.modelName;
      this.modelVersion = info.labels.version ?? this.modelVersion;
    }
    const requestsSince = this.previous ? base.requests - this.previous.requests : 0;
    const serverErrorsSince = this.previous ? base.serverErrors - this.previous.serverErrors : 0;
    const sample: MonitorSample = {
      ...base,
      serverErrorRate: this.previous && requestsSince > 0 && serverErrorsSince >= 0 ? Math.min(1, serverErrorsSince / requestsSince) : null,
      ready: flag(sumOf(exposition, 'modeldock_ready')),
      heapBytes: finite(sumOf(exposition, 'nodejs_heap_used_bytes')),
      monitoringEnabled: flag(sumOf(exposition, 'modeldock_monitoring_enabled')),
      windowRows: finite(sumOf(exposition, 'modeldock_monitoring_window_rows')),
      driftThreshold: finite(sumOf(exposition, 'modeldock_drift_threshold')),
      features: featuresOf(exposition),
      predictionDriftPsi: finite(sumOf(exposition, 'modeldock_prediction_drift_psi')),
      feedbackAccuracy: finite(sumOf(exposition, 'modeldock_feedback_accuracy')),
      feedbackMeanAbsoluteError: finite(sumOf(exposition, 'modeldock_feedback_mean_absolute_error')),
      feedbackRows: finite(sumOf(exposition, 'modeldock_feedback_window_rows')),
    };
    this.previous = {
      atMs,
      requests: base.requests,
      errors: base.errors,
      serverErrors: base.serverErrors,
      cpuSeconds: base.cpuSeconds,
      buckets: histogramBuckets(exposition, 'modeldock_request_duration_seconds', notOwnScrape),
    };
    this.samples.push(sample);
    if (this.samples.length > MONITOR_HISTORY_LENGTH) this.samples.splice(0, this.samples.length - MONITOR_HISTORY_LENGTH);
    return sample;
  }
}

/** JSON has no NaN or Infinity: "no value yet" travels as null. */
function finite(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

function flag(value: number | null): boolean | null {
  const v = finite(value);
  return v === null ? null : v > 0;
}

/** One entry per feature the runtime reports (window summaries, and drift when it has a profile). */
function featuresOf(exposition: Exposition): FeatureSnapshot[] {
  const byName = new Map<string, FeatureSnapshot>();
  const feature = (name: string) => {
    let entry = byName.get(name);
    if (!entry) {
      entry = { name, psi: null, drifted: false, mean: null, stddev: null, referenceMean: null };
      byName.set(name, entry);
    }
    return entry;
  };
  const read = (metric: string, apply: (entry: FeatureSnapshot, value: number | null) => void) => {
    for (const s of samplesOf(exposition, metric)) {
      if (s.labels.feature !== undefined) apply(feature(s.labels.feature), finite(s.value));
    }
  };
  read('modeldock_feature_mean', (e, v) => { e.mean = v; });
  read('modeldock_feature_stddev', (e, v) => { e.stddev = v; });
  read('modeldock_feature_reference_mean', (e, v) => { e.referenceMean = v; });
  read('modeldock_feature_drift_psi', (e, v) => { e.psi = v; });
  read('modeldock_feature_drifted', (e, v) => { e.drifted = v !== null && v > 0; });
  return [...byName.values()];
}

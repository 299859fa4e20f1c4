import type { HostTensor } from '../../../main/inference/host-tensor';
import { psi } from '../../../main/monitoring/drift-math';
import { checkPlan, extractFeatures, planFeatures } from '../../../main/monitoring/feature-plan';
import { outputKind, rowClassIndex, rowValue, type OutputKind } from '../../../main/monitoring/output-kind';
import type { FeatureSource, MonitoringProfile, RuntimeMonitoring } from '../../../shared/schemas/monitoring';
import type { InputSettings } from '../../../shared/schemas/spec';
import type { Gauge, Histogram, Registry } from './metrics';
import type { ModelInfo } from './model-info';
import { SlidingWindow, type BinSpec } from './sliding-window';

/**
 * Model-level metrics: per-feature summaries of the inputs over a sliding window, a drift score (PSI) per feature
 * against the reference profile baked into the image, the output value histogram of a regression, and prediction
 * drift. Inputs are observed once per model call (a whole batch), before the tensors travel to the inference
 * thread; outputs once per call after it. Everything scrape-related (sums over the window, PSI) runs at scrape time.
 */
const SLOTS = 10;
/** Value buckets for a regression without a profile: decades either side of 0. */
const DEFAULT_VALUE_BUCKETS = [-1000, -100, -10, -1, -0.1, 0, 0.1, 1, 10, 100, 1000];

export class MonitorSetupError extends Error {}

export class ModelMonitor {
  readonly features: FeatureSource[];
  private readonly window: SlidingWindow;
  private readonly scratch = { buffer: new Float64Array(256) };
  private readonly profile: MonitoringProfile | null;
  /** Reference shares per feature (profile order = feature order), null without a profile. */
  private readonly reference: Array<number[] | null>;
  private readonly outputName: string | null;
  private readonly outputKind: OutputKind;
  private readonly outputWindow: SlidingWindow | null;
  private readonly outputReference: number[] | null;
  private readonly outputRow = new Float64Array(1);
  private readonly valueHistogram: Histogram | null;

  constructor(model: ModelInfo, configInputs: Record<string, InputSettings>, private readonly settings: RuntimeMonitoring, registry: Registry) {
    this.profile = settings.profile;
    if (this.profile) {
      const problems = checkPlan(this.profile.features, model.inputs);
      if (problems.length) throw new MonitorSetupError(`The monitoring profile does not fit this model: ${problems.slice(0, 3).join('; ')}. Capture the profile again for this model.`);
      this.features = this.profile.features;
    } else {
      this.features = planFeatures(model.inputs, configInputs).features;
    }
    const specs: BinSpec[] = this.features.map((_, f) => {
      const p = this.profile?.features[f];
      if (!p) return { kind: 'none', keys: [] };
      return p.type === 'numeric' ? { kind: 'numeric', keys: p.edges ?? [] } : { kind: 'categorical', keys: p.categories ?? [] };
    });
    this.reference = this.features.map((_, f) => this.profile?.features[f]?.proportions ?? null);
    this.window = new SlidingWindow(this.features.length, specs, settings.windowSize, SLOTS);

    const primary = model.primaryOutput;
    this.outputName = primary?.name ?? null;
    this.outputKind = primary ? outputKind(primary) : 'other';
    const out = this.profile?.output;
    const fits = out && out.name === this.outputName
      && ((out.kind === 'classes' && (this.outputKind === 'class-ids' || this.outputKind === 'class-scores')) || (out.kind === 'values' && this.outputKind === 'values'));
    if (out && fits) {
      const spec: BinSpec = out.kind === 'classes' ? { kind: 'categorical', keys: (out.classes ?? []).map((_, i) => i) } : { kind: 'numeric', keys: out.edges ?? [] };
      this.outputWindow = new SlidingWindow(1, [spec], settings.windowSize, SLOTS);
      this.outputReference = out.proportions;
    } else {
      this.outputWindow = null;
      this.outputReference = null;
    }
    this.valueHistogram = this.outputKind === 'values'
      ? registry.histogram('modeldock_prediction_value', 'Predicted values of a regression (the primary output, one value per row).', valueBuckets(out?.kind === 'values' && fits ? out.edges : undefined))
      : null;
    this.register(registry);
  }

  /** Called once if observing ever throws: monitoring then stops, and requests are never affected. */
  onFault: (error: unknown) => void = () => {};
  private faulted = false;

  /** One model call's inputs (the stacked batch). */
  observeInputs(feeds: HostTensor[]): void {
    if (this.features.length === 0 || this.faulted) return;
    try {
      const rows = extractFeatures(feeds, this.features, this.scratch);
      this.window.add(this.scratch.buffer, rows);
    } catch (error) {
      this.fault(error);
    }
  }

  /** One model call's outputs (the stacked batch). */
  observeOutputs(outputs: HostTensor[]): void {
    if ((!this.valueHistogram && !this.outputWindow) || this.faulted) return;
    try {
      this.readOutputs(outputs);
    } catch (error) {
      this.fault(error);
    }
  }

  private fault(error: unknown): void {
    this.faulted = true;
    this.onFault(error);
  }

  private readOutputs(outputs: HostTensor[]): void {
    let t: HostTensor | undefined;
    for (let k = 0; k < outputs.length; k++) if (outputs[k].name === this.outputName) { t = outputs[k]; break; }
    if (!t || t.dims.length === 0) return;
    const rows = t.dims[0];
    const classes = this.outputKind === 'class-ids' || this.outputKind === 'class-scores';
    for (let r = 0; r < rows; r++) {
      const v = classes ? rowClassIndex(t, r, this.outputKind) : rowValue(t, r);
      if (!classes && Number.isFinite(v)) this.valueHistogram?.observe(v);
      if (this.outputWindow) {
        // A class index of -1 (no class) lands in the "other" bin; a non-finite value counts as missing.
        this.outputRow[0] = v;
        this.outputWindow.add(this.outputRow, 1);
      }
    }
  }

  private register(registry: Registry): void {
    const labels = ['feature'];
    const rows = registry.gauge('modeldock_monitoring_window_rows', 'Rows (examples) currently in the sliding window that input summaries and drift are computed over.');
    const threshold = registry.gauge('modeldock_drift_threshold', 'PSI above which a feature counts as drifted (monitoring.driftThreshold).');
    const count = registry.gauge('modeldock_feature_window_values', 'Finite values of the feature in the window.', labels);
    const mean = registry.gauge('modeldock_feature_mean', 'Mean of the input feature over the window (image inputs: mean intensity per channel after preprocessing).', labels);
    const std = registry.gauge('modeldock_feature_stddev', 'Standard deviation of the input feature over the window.', labels);
    const min = registry.gauge('modeldock_feature_min', 'Smallest value of the input feature in the window.', labels);
    const max = registry.gauge('modeldock_feature_max', 'Largest value of the input feature in the window.', labels);
    let refMean: Gauge | null = null;
    let drift: Gauge | null = null;
    let drifted: Gauge | null = null;
    let predictionDrift: Gauge | null = null;
    if (this.profile) {
      refMean = registry.gauge('modeldock_feature_reference_mean', 'Mean of the feature in the reference profile.', labels);
      drift = registry.gauge('modeldock_feature_drift_psi', 'Population stability index of the feature over the window against the reference profile (NaN while the window is empty).', labels);
      drifted = registry.gauge('modeldock_feature_drifted', '1 when the feature\'s PSI is above modeldock_drift_threshold, else 0.', labels);
    }
    if (this.outputWindow) predictionDrift = registry.gauge('modeldock_prediction_drift_psi', 'PSI of the predicted classes (or values) over the window against the reference profile.');
    threshold.set(this.settings.driftThreshold);

    registry.onCollect(() => {
      rows.set(this.window.rows);
      this.features.forEach((feature, f) => {
        const l = { feature: feature.name };
        const s = this.window.summary(f);
        count.set(s.count, l);
        mean.set(s.mean, l);
        std.set(s.std, l);
        min.set(s.min, l);
        max.set(s.max, l);
        const expected = this.reference[f];
        if (!expected || !drift || !drifted || !refMean) return;
        refMean.set(this.profile!.features[f].stats.mean, l);
        const bins = this.window.binCounts(f);
        const score = psi(expected, bins.counts, bins.offset);
        drift.set(round(score), l);
        drifted.set(score > this.settings.driftThreshold ? 1 : 0, l);
      });
      if (predictionDrift && this.outputWindow && this.outputReference) {
        const bins = this.outputWindow.binCounts(0);
        predictionDrift.set(round(psi(this.outputReference, bins.counts, bins.offset)));
      }
    });
  }
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1e6) / 1e6 : v;
}

function valueBuckets(edges: number[] | undefined): number[] {
  return edges && edges.length > 0 ? edges : DEFAULT_VALUE_BUCKETS;
}

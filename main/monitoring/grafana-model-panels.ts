import type { Panel, Target } from './grafana-dashboard';

/**
 * The dashboard's model-level panels (resources/serving/README.md, "Model monitoring"): what the model predicts,
 * how far each input feature drifted from the reference profile (with the drift threshold as a red line), rolling
 * accuracy from feedback, and the live input means next to the reference's.
 */
export interface ModelPanelsOptions {
  firstId: number;
  /** Grid row the panels start at. */
  top: number;
  /** Label matchers every series carries ($job, $instance). */
  selector: string;
  rateRange: string;
  datasource: { type: 'prometheus'; uid: string };
  driftThreshold: number;
  minAccuracy?: number;
}

export function modelLevelPanels(options: ModelPanelsOptions): { panels: Panel[]; height: number } {
  const { selector: SEL, datasource } = options;
  let id = options.firstId;
  const panels: Panel[] = [];
  const targets = (...pairs: Array<[string, string]>): Target[] => pairs.map(([expr, legendFormat], i) => ({ expr, legendFormat, refId: String.fromCharCode(65 + i) }));
  const redAbove = (value: number) => ({ mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value }] });
  const redBelow = (value: number) => ({ mode: 'absolute', steps: [{ color: 'red', value: null }, { color: 'green', value }] });
  const place = (x: number, y: number, w: number) => ({ x, y: options.top + y, w, h: 8 });

  const drift = `max by (feature) (modeldock_feature_drift_psi{${SEL}})`;
  panels.push({
    id: id++, type: 'bargauge', title: 'Prediction distribution',
    description: 'Predicted rows by class over the dashboard\'s time range (classifiers). A class that grows or vanishes can mean the inputs changed.',
    gridPos: place(0, 0, 8), datasource,
    targets: targets([`sum by (class) (increase(modeldock_predictions_total{${SEL}}[$__range]))`, '{{class}}']).map((t) => ({ ...t, instant: true })),
    fieldConfig: { defaults: { unit: 'none', min: 0, color: { mode: 'fixed', fixedColor: 'blue' } }, overrides: [] },
    options: { orientation: 'horizontal', displayMode: 'basic', showUnfilled: true, reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } },
  });
  panels.push({
    id: id++, type: 'bargauge', title: 'Drift per feature (now)',
    description: `PSI of each input feature over the sliding window against the reference profile; red above the threshold (${options.driftThreshold}). Under 0.1 is stable.`,
    gridPos: place(8, 0, 8), datasource,
    targets: targets([drift, '{{feature}}']).map((t) => ({ ...t, instant: true })),
    fieldConfig: { defaults: { unit: 'none', min: 0, decimals: 2, thresholds: redAbove(options.driftThreshold), color: { mode: 'thresholds' } }, overrides: [] },
    options: { orientation: 'horizontal', displayMode: 'basic', showUnfilled: true, reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } },
  });
  panels.push({
    id: id++, type: 'timeseries', title: 'Drift per feature',
    description: 'PSI per feature over time; the red line is the drift threshold the alert rule uses.',
    gridPos: place(16, 0, 8), datasource,
    targets: targets([drift, '{{feature}}'], [`max(modeldock_drift_threshold{${SEL}})`, 'threshold']),
    fieldConfig: {
      defaults: { unit: 'none', min: 0, decimals: 2, thresholds: redAbove(options.driftThreshold), custom: { lineWidth: 1, fillOpacity: 0, thresholdsStyle: { mode: 'line' } } },
      overrides: [dashed('threshold', 'red')],
    },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi', sort: 'desc' } },
  });
  panels.push({
    id: id++, type: 'timeseries', title: 'Input feature means vs reference',
    description: 'Mean of each feature over the sliding window (solid) and in the reference profile (dashed). A gap that opens up is drift.',
    gridPos: place(0, 8, 12), datasource,
    targets: targets(
      [`avg by (feature) (modeldock_feature_mean{${SEL}})`, '{{feature}}'],
      [`avg by (feature) (modeldock_feature_reference_mean{${SEL}})`, '{{feature}} (reference)'],
    ),
    fieldConfig: { defaults: { unit: 'none', custom: { lineWidth: 1, fillOpacity: 0 } }, overrides: [dashed('.* \\(reference\\)')] },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi', sort: 'none' } },
  });
  panels.push({
    id: id++, type: 'timeseries', title: 'Feedback accuracy',
    description: 'Share of rows predicted right among the last ones scored through POST /feedback (classifiers); mean absolute error for regressions. Empty until feedback arrives.',
    gridPos: place(12, 8, 6), datasource,
    targets: targets(
      [`avg(modeldock_feedback_accuracy{${SEL}})`, 'accuracy'],
      [`avg(modeldock_feedback_mean_absolute_error{${SEL}})`, 'mean absolute error'],
    ),
    fieldConfig: {
      defaults: {
        unit: 'none', decimals: 3,
        ...(options.minAccuracy !== undefined ? { thresholds: redBelow(options.minAccuracy), custom: { lineWidth: 1, fillOpacity: 0, thresholdsStyle: { mode: 'line' } } } : { custom: { lineWidth: 1, fillOpacity: 0 } }),
      },
      overrides: [],
    },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi', sort: 'none' } },
  });
  panels.push({
    id: id++, type: 'timeseries', title: 'Prediction drift',
    description: 'PSI of the predicted classes (or values) against what the model answered on the reference data.',
    gridPos: place(18, 8, 6), datasource,
    targets: targets([`max(modeldock_prediction_drift_psi{${SEL}})`, 'predictions PSI']),
    fieldConfig: { defaults: { unit: 'none', min: 0, decimals: 2, thresholds: redAbove(options.driftThreshold), custom: { lineWidth: 1, fillOpacity: 10, thresholdsStyle: { mode: 'line' } } }, overrides: [] },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'single', sort: 'none' } },
  });
  return { panels, height: 16 };
}

function dashed(nameRegex: string, color?: string): Record<string, unknown> {
  return {
    matcher: { id: 'byRegexp', options: nameRegex },
    properties: [
      { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
      ...(color ? [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }] : []),
    ],
  };
}

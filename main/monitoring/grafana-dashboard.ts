import { modelLevelPanels } from './grafana-model-panels';

/**
 * A Grafana dashboard for the serving runtime's metrics (resources/serving/README.md, "Metrics"): traffic,
 * errors, latency split into queue wait and model time, batching, saturation, the model itself (predictions, drift,
 * accuracy, input means vs the reference) and the process. Every query filters
 * on the $job and $instance variables, which are read from modeldock_model_info for this model, so the dashboard
 * works with any scrape setup (the bundle's prometheus.yml, annotations, or a ServiceMonitor).
 */

export interface GrafanaDashboardOptions {
  modelName: string;
  modelVersion: string;
  /** monitoring.driftThreshold: the red line on the drift panels (default 0.2). */
  driftThreshold?: number;
  /** monitoring.alerts.minAccuracy: the red line on the accuracy panel, when set. */
  minAccuracy?: number;
}

export interface Target { expr: string; legendFormat: string; refId: string; instant?: boolean }
export interface Panel {
  id: number;
  type: 'stat' | 'timeseries' | 'row' | 'bargauge';
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: 'prometheus'; uid: string };
  targets?: Target[];
  fieldConfig?: { defaults: Record<string, unknown>; overrides: unknown[] };
  options?: Record<string, unknown>;
  collapsed?: boolean;
  panels?: Panel[];
}

const DATASOURCE = { type: 'prometheus' as const, uid: '${datasource}' };
/** Every series of this model's targets; each metric in every expression carries it. */
const SEL = 'job=~"$job", instance=~"$instance"';
const RATE = '[$__rate_interval]';

function quantile(q: number, metric: string, by = ''): string {
  return `histogram_quantile(${q}, sum by (le${by ? `, ${by}` : ''}) (rate(${metric}_bucket{${SEL}}${RATE})))`;
}

export function grafanaDashboard(options: GrafanaDashboardOptions): Record<string, unknown> {
  let nextId = 1;
  let y = 0;
  const panels: Panel[] = [];
  const targets = (...pairs: Array<[string, string]>): Target[] => pairs.map(([expr, legendFormat], i) => ({ expr, legendFormat, refId: String.fromCharCode(65 + i) }));
  const row = (title: string) => {
    panels.push({ id: nextId++, type: 'row', title, gridPos: { x: 0, y, w: 24, h: 1 }, collapsed: false, panels: [] });
    y += 1;
  };
  const stat = (x: number, title: string, description: string, unit: string, expr: string, extra: Record<string, unknown> = {}) => {
    panels.push({
      id: nextId++, type: 'stat', title, description, gridPos: { x, y, w: 4, h: 4 }, datasource: DATASOURCE,
      targets: targets([expr, title]),
      fieldConfig: { defaults: { unit, ...extra }, overrides: [] },
      options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area', textMode: 'auto' },
    });
  };
  const series = (x: number, w: number, title: string, description: string, unit: string, ...pairs: Array<[string, string]>) => {
    panels.push({
      id: nextId++, type: 'timeseries', title, description, gridPos: { x, y, w, h: 8 }, datasource: DATASOURCE,
      targets: targets(...pairs),
      fieldConfig: { defaults: { unit, custom: { lineWidth: 1, fillOpacity: 10 } }, overrides: [] },
      options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi', sort: 'desc' } },
    });
  };

  row('Overview');
  stat(0, 'Ready servers', 'Servers whose model is loaded and warmed up (modeldock_ready).', 'none', `sum(modeldock_ready{${SEL}})`);
  stat(4, 'Requests / s', 'All answered requests, every route.', 'reqps', `sum(rate(modeldock_requests_total{${SEL}}${RATE}))`);
  stat(8, 'Server errors', 'Share of answers with a 5xx status (503 queue full and 504 timeouts included).', 'percentunit',
    `sum(rate(modeldock_requests_total{${SEL}, status=~"5.."}${RATE})) / clamp_min(sum(rate(modeldock_requests_total{${SEL}}${RATE})), 1e-9)`,
    { thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'orange', value: 0.01 }, { color: 'red', value: 0.05 }] } });
  stat(12, 'p99 latency', '99th percentile from request arrival to the end of the answer.', 's', quantile(0.99, 'modeldock_request_duration_seconds'));
  stat(16, 'Model load time', 'Seconds ONNX Runtime took to load the model at start (the slowest server).', 's', `max(modeldock_model_load_seconds{${SEL}})`);
  stat(20, 'Uptime', 'Since the most recent server start.', 's', `time() - max(process_start_time_seconds{${SEL}})`);
  y += 4;

  row('Traffic and errors');
  series(0, 12, 'Requests by route and status', 'Answered requests per second, by route template and HTTP status.', 'reqps',
    [`sum by (route, status) (rate(modeldock_requests_total{${SEL}}${RATE}))`, '{{route}} {{status}}']);
  series(12, 12, 'Refused and failed', 'Requests refused because the queue was full (503), and all 4xx / 5xx answers.', 'reqps',
    [`sum(rate(modeldock_rejected_requests_total{${SEL}}${RATE}))`, 'queue full (503)'],
    [`sum(rate(modeldock_requests_total{${SEL}, status=~"4.."}${RATE}))`, '4xx'],
    [`sum(rate(modeldock_requests_total{${SEL}, status=~"5.."}${RATE}))`, '5xx']);
  y += 8;

  row('Latency');
  series(0, 12, 'Request latency', 'Arrival to end of answer: p50, p90 and p99 over all routes.', 's',
    [quantile(0.5, 'modeldock_request_duration_seconds'), 'p50'],
    [quantile(0.9, 'modeldock_request_duration_seconds'), 'p90'],
    [quantile(0.99, 'modeldock_request_duration_seconds'), 'p99']);
  series(12, 12, 'Where the time goes (p99)', 'Waiting for an inference thread vs. inside ONNX Runtime per model call.', 's',
    [quantile(0.99, 'modeldock_queue_duration_seconds'), 'queue wait p99'],
    [quantile(0.99, 'modeldock_inference_duration_seconds'), 'model call p99']);
  y += 8;
  series(0, 12, 'p99 latency by route', 'Per route template.', 's', [quantile(0.99, 'modeldock_request_duration_seconds', 'route'), '{{route}}']);
  series(12, 12, 'Rows per model call', 'Average rows dynamic batching put into one model call (1 = no batching happening).', 'none',
    [`sum(rate(modeldock_batch_size_sum{${SEL}}${RATE})) / clamp_min(sum(rate(modeldock_batch_size_count{${SEL}}${RATE})), 1e-9)`, 'average rows'],
    [`sum(rate(modeldock_batch_size_count{${SEL}}${RATE}))`, 'model calls / s']);
  y += 8;

  row('Saturation and predictions');
  series(0, 12, 'In flight and queued', 'Requests being handled now, and requests waiting for an inference thread.', 'none',
    [`sum(modeldock_in_flight_requests{${SEL}})`, 'in flight'],
    [`sum(modeldock_queue_depth{${SEL}})`, 'queued']);
  series(12, 12, 'Predictions by class', 'Predicted rows per second by class (classifiers only): a shift can mean the inputs changed.', 'reqps',
    [`sum by (class) (rate(modeldock_predictions_total{${SEL}}${RATE}))`, '{{class}}']);
  y += 8;

  row('Model: predictions, drift and accuracy');
  const model = modelLevelPanels({
    firstId: nextId, top: y, selector: SEL, rateRange: RATE, datasource: DATASOURCE,
    driftThreshold: options.driftThreshold ?? 0.2, minAccuracy: options.minAccuracy,
  });
  panels.push(...model.panels);
  nextId += model.panels.length;
  y += model.height;

  row('Process');
  series(0, 8, 'CPU', 'CPU cores used by each server process.', 'none', [`rate(process_cpu_seconds_total{${SEL}}${RATE})`, '{{instance}}']);
  series(8, 8, 'Memory', 'Resident memory and V8 heap of each server process.', 'bytes',
    [`process_resident_memory_bytes{${SEL}}`, 'resident {{instance}}'],
    [`nodejs_heap_used_bytes{${SEL}}`, 'heap {{instance}}']);
  series(16, 8, 'Event loop lag', 'Mean delay of the HTTP thread\'s event loop; high values delay every answer.', 's',
    [`nodejs_eventloop_lag_seconds{${SEL}}`, '{{instance}}']);
  y += 8;

  const infoSelector = `modeldock_model_info{name="${options.modelName}"}`;
  return {
    uid: `modeldock-${options.modelName}`.slice(0, 40),
    title: `Model ${options.modelName} (ModelDock)`,
    description: `Serving metrics of the model ${options.modelName} (version ${options.modelVersion} when generated), from the ModelDock runtime's /metrics.`,
    tags: ['modeldock', 'model-serving'],
    editable: true,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-1h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    annotations: { list: [] },
    links: [],
    templating: {
      list: [
        { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0, refresh: 1 },
        {
          name: 'job', label: 'Job', type: 'query', datasource: DATASOURCE,
          query: { query: `label_values(${infoSelector}, job)`, refId: 'job' },
          definition: `label_values(${infoSelector}, job)`,
          includeAll: true, multi: true, allValue: '.+', current: {}, refresh: 2, hide: 0, sort: 1,
        },
        {
          name: 'instance', label: 'Server', type: 'query', datasource: DATASOURCE,
          query: { query: 'label_values(modeldock_model_info{job=~"$job"}, instance)', refId: 'instance' },
          definition: 'label_values(modeldock_model_info{job=~"$job"}, instance)',
          includeAll: true, multi: true, allValue: '.+', current: {}, refresh: 2, hide: 0, sort: 1,
        },
      ],
    },
    panels,
  };
}

export function grafanaDashboardJson(options: GrafanaDashboardOptions): string {
  return `${JSON.stringify(grafanaDashboard(options), null, 2)}\n`;
}

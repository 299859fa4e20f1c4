import { stringify } from 'yaml';
import { AlertSettingsSchema, type AlertSettings } from '../../shared/schemas/monitoring';

/**
 * Prometheus alerting rules for one served model: high error rate, latency SLO (p99), per-feature drift, prediction
 * drift, model not ready (or not scraped), queue saturation, pod restarts (kube-state-metrics) and, when asked,
 * low feedback accuracy. Every runtime series is kept to this model's servers by joining on its
 * modeldock_model_info{name} series, so the rules work with any scrape setup (the bundle's prometheus.yml,
 * pod annotations or a ServiceMonitor). Thresholds come from the spec's monitoring settings.
 */

export interface AlertRulesOptions {
  modelName: string;
  /** monitoring.driftThreshold (PSI). */
  driftThreshold: number;
  /** monitoring.alerts; every key has a default. */
  alerts?: Partial<AlertSettings>;
  /** serving.maxQueue: saturation is a share of it. */
  maxQueue: number;
  /** Namespaces the pods run in, for the restart rule (kube-state-metrics labels). */
  namespaces: string[];
  /** Scrape jobs that reach this model's servers (for "target down"); from prometheusJobNames. */
  jobs: string[];
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: { summary: string; description: string };
}

export interface AlertRuleGroup {
  name: string;
  interval?: string;
  rules: AlertRule[];
}

/** Series the runtime does not export that the rules still use (Prometheus' own, and kube-state-metrics'). */
export const NON_RUNTIME_METRICS = ['up', 'kube_pod_container_status_restarts_total'] as const;

/** Probes and scrapes are not traffic: they would dilute error rates and latency. */
const TRAFFIC = 'route!~"/metrics|/healthz|/readyz"';
const WINDOW = '5m';

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function minutes(value: number): string | undefined {
  return value > 0 ? `${value}m` : undefined;
}

export function alertRuleGroups(options: AlertRulesOptions): AlertRuleGroup[] {
  const a = AlertSettingsSchema.parse(options.alerts ?? {});
  const model = options.modelName;
  /** Keeps the left side's series (labels unchanged) that belong to this model's servers. */
  const only = (expr: string) => `(${expr}) and on(job, instance) modeldock_model_info{name="${model}"}`;
  const labels = (severity: 'warning' | 'critical') => ({ severity, model });
  const forOf = (value: number) => {
    const text = minutes(value);
    return text ? { for: text } : {};
  };
  const errorPercent = Math.round(a.errorRate * 10000) / 100;
  const latencySeconds = a.latencyP99Ms / 1000;
  const saturated = Math.max(1, Math.ceil(options.maxQueue * a.queueSaturation));
  const namespaces = options.namespaces.map(regexEscape).join('|');
  const jobs = options.jobs.map(regexEscape).join('|');

  const rules: AlertRule[] = [
    {
      alert: 'ModelHighErrorRate',
      expr: only(
        `sum by (job, instance) (rate(modeldock_requests_total{${TRAFFIC}, status=~"5.."}[${WINDOW}]))\n`
        + `  / sum by (job, instance) (rate(modeldock_requests_total{${TRAFFIC}}[${WINDOW}])) > ${a.errorRate}`,
      ),
      ...forOf(a.forMinutes),
      labels: labels('critical'),
      annotations: {
        summary: `${model}: more than ${errorPercent}% of requests fail`,
        description: `{{ $value | humanizePercentage }} of the answers of {{ $labels.instance }} had a 5xx status over the last ${WINDOW} (threshold ${errorPercent}%). Check the server's logs; 503 means the queue is full, 504 requests timed out.`,
      },
    },
    {
      alert: 'ModelLatencySLO',
      expr: only(
        `histogram_quantile(0.99, sum by (job, instance, le) (rate(modeldock_request_duration_seconds_bucket{${TRAFFIC}}[${WINDOW}]))) > ${latencySeconds}`,
      ),
      ...forOf(a.forMinutes),
      labels: labels('warning'),
      annotations: {
        summary: `${model}: p99 latency above ${a.latencyP99Ms} ms`,
        description: `The 99th percentile of request duration on {{ $labels.instance }} is {{ $value | humanizeDuration }} over the last ${WINDOW} (SLO ${a.latencyP99Ms} ms). Add replicas or CPU, or lower serving.maxBatchDelayMs.`,
      },
    },
    {
      alert: 'ModelFeatureDrift',
      expr: only(`modeldock_feature_drift_psi > ${options.driftThreshold}`),
      ...forOf(a.driftForMinutes),
      labels: labels('warning'),
      annotations: {
        summary: `${model}: input feature {{ $labels.feature }} drifted`,
        description: `The drift score (PSI) of {{ $labels.feature }} on {{ $labels.instance }} is {{ $value | printf "%.2f" }}, above ${options.driftThreshold}: live inputs no longer look like the reference profile. Check the data pipeline, or retrain on recent data and capture a new profile.`,
      },
    },
    {
      alert: 'ModelPredictionDrift',
      expr: only(`modeldock_prediction_drift_psi > ${options.driftThreshold}`),
      ...forOf(a.driftForMinutes),
      labels: labels('warning'),
      annotations: {
        summary: `${model}: the predictions' distribution shifted`,
        description: `The PSI of predicted classes (or values) on {{ $labels.instance }} is {{ $value | printf "%.2f" }}, above ${options.driftThreshold}, against what the model answered on the reference data.`,
      },
    },
    {
      alert: 'ModelNotReady',
      expr: `${only('max by (job, instance) (modeldock_ready) == 0')}\nor up{job=~"${jobs}"} == 0`,
      ...forOf(a.forMinutes),
      labels: labels('critical'),
      annotations: {
        summary: `${model}: a server is not ready or cannot be scraped`,
        description: `{{ $labels.instance }} (job {{ $labels.job }}) has not been ready to answer predictions for ${a.forMinutes} minutes: the model is still loading, the server is shutting down, or Prometheus cannot reach /metrics.`,
      },
    },
    {
      alert: 'ModelQueueSaturated',
      expr: `${only(`max by (job, instance) (max_over_time(modeldock_queue_depth[${WINDOW}])) >= ${saturated}`)}\n`
        + `or ${only(`sum by (job, instance) (rate(modeldock_rejected_requests_total[${WINDOW}])) > 0`)}`,
      ...forOf(a.forMinutes),
      labels: labels('warning'),
      annotations: {
        summary: `${model}: requests are queueing up`,
        description: `{{ $labels.instance }} has had ${saturated} or more requests waiting (of serving.maxQueue ${options.maxQueue}), or refused requests with 503, over the last ${WINDOW}. Add replicas or CPU.`,
      },
    },
    {
      alert: 'ModelPodRestarting',
      expr: `increase(kube_pod_container_status_restarts_total{namespace=~"${namespaces}", container="server", pod=~"${regexEscape(model)}-.+"}[1h]) >= ${a.podRestarts}`,
      labels: labels('warning'),
      annotations: {
        summary: `${model}: pod {{ $labels.pod }} keeps restarting`,
        description: `The server container of {{ $labels.pod }} (namespace {{ $labels.namespace }}) restarted {{ $value | printf "%.0f" }} times in the last hour (threshold ${a.podRestarts}): look at its previous logs (kubectl logs --previous) for out-of-memory kills or failed probes. Needs kube-state-metrics.`,
      },
    },
  ];
  if (a.minAccuracy !== undefined) {
    rules.push({
      alert: 'ModelLowAccuracy',
      expr: only(`(modeldock_feedback_accuracy < ${a.minAccuracy}) and on(job, instance) (modeldock_feedback_window_rows >= 20)`),
      ...forOf(a.forMinutes),
      labels: labels('warning'),
      annotations: {
        summary: `${model}: rolling accuracy below ${a.minAccuracy}`,
        description: `Of the last rows scored through POST /feedback on {{ $labels.instance }}, a share of {{ $value | printf "%.2f" }} was predicted right (threshold ${a.minAccuracy}).`,
      },
    });
  }
  return [{ name: `modeldock-${model}`, rules }];
}

export function alertRulesYaml(options: AlertRulesOptions): string {
  return [
    `# Prometheus alerting rules for the model "${options.modelName}" (ModelDock serving runtime, GET /metrics).`,
    '# Thresholds come from modeldock.yaml (monitoring.driftThreshold and monitoring.alerts). Load this file with',
    '# rule_files in prometheus.yml (the bundle\'s does); check it with: promtool check rules alert-rules.yml',
    '# ModelPodRestarting needs kube-state-metrics; every other rule uses only the runtime\'s own metrics.',
    stringify({ groups: alertRuleGroups(options) }, { lineWidth: 0 }),
  ].join('\n');
}

/** Metric names a PromQL expression refers to (identifiers followed by a selector, a range or a comparison). */
export function metricNamesIn(expr: string): string[] {
  const withoutStrings = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/(?<![a-zA-Z0-9_:])\d[0-9.eE+-]*/g, '0');
  const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset',
    'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group']);
  const names = new Set<string>();
  for (const match of withoutStrings.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\(|\{|\[)?/g)) {
    const [, name, next] = match;
    if (next === '(' || keywords.has(name)) continue;
    // Inside "by (...)" / "on (...)" label lists: skip identifiers preceded by those groupings.
    const before = withoutStrings.slice(0, match.index);
    if (/(by|without|on|ignoring|group_left|group_right)\s*\([^)]*$/.test(before)) continue;
    if (/\{[^}]*$/.test(before)) continue;
    if (/^\d/.test(name)) continue;
    names.add(name);
  }
  return [...names];
}

import { stringify } from 'yaml';

/**
 * A Prometheus configuration that scrapes the serving runtime's /metrics: one job for a local run (the bundle's
 * docker run / compose, on 127.0.0.1) and one for the pods in Kubernetes, found through the API server and kept
 * by the model's app.kubernetes.io/name label and the prometheus.io/* annotations the Deployment carries.
 * Returned as a plain object too, so rule files (alerting) can be added by callers without re-parsing YAML.
 */

export interface PrometheusConfigOptions {
  modelName: string;
  /** host:port of a local run, e.g. "127.0.0.1:8080". */
  localTarget: string;
  /** Namespaces the pods run in (the prod namespace and the dev overlay's). */
  namespaces: string[];
  metricsPath?: string;
  scrapeIntervalSeconds?: number;
  /** Rule files to load (alerting and recording rules), relative to the config file. */
  ruleFiles?: string[];
}

export interface ScrapeConfig {
  job_name: string;
  metrics_path: string;
  scrape_interval?: string;
  static_configs?: Array<{ targets: string[]; labels?: Record<string, string> }>;
  kubernetes_sd_configs?: Array<{ role: 'pod'; namespaces?: { names: string[] } }>;
  relabel_configs?: Array<Record<string, unknown>>;
}

export interface PrometheusConfig {
  global: { scrape_interval: string; evaluation_interval: string };
  rule_files?: string[];
  scrape_configs: ScrapeConfig[];
}

/** Job names the dashboard and rules can refer to. */
export function prometheusJobNames(modelName: string): { local: string; kubernetes: string } {
  return { local: `modeldock-${modelName}-local`, kubernetes: `modeldock-${modelName}` };
}

export function prometheusConfig(options: PrometheusConfigOptions): PrometheusConfig {
  const interval = `${options.scrapeIntervalSeconds ?? 15}s`;
  const metricsPath = options.metricsPath ?? '/metrics';
  const jobs = prometheusJobNames(options.modelName);
  return {
    global: { scrape_interval: interval, evaluation_interval: interval },
    ...(options.ruleFiles && options.ruleFiles.length > 0 ? { rule_files: options.ruleFiles } : {}),
    scrape_configs: [
      {
        job_name: jobs.local,
        metrics_path: metricsPath,
        static_configs: [{ targets: [options.localTarget], labels: { model: options.modelName } }],
      },
      {
        job_name: jobs.kubernetes,
        metrics_path: metricsPath,
        kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: options.namespaces } }],
        relabel_configs: [
          // Only this model's pods, and only those that ask to be scraped.
          { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], regex: options.modelName, action: 'keep' },
          { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], regex: 'true', action: 'keep' },
          // One target per pod (not per declared port), at the port and path the annotations name.
          { source_labels: ['__meta_kubernetes_pod_container_init'], regex: 'true', action: 'drop' },
          {
            source_labels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'],
            regex: '(.+?)(?::\\d+)?;(\\d+)',
            replacement: '$1:$2',
            target_label: '__address__',
            action: 'replace',
          },
          { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_path'], regex: '(.+)', target_label: '__metrics_path__', action: 'replace' },
          { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace', action: 'replace' },
          { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod', action: 'replace' },
          { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_version'], target_label: 'version', action: 'replace' },
          { target_label: 'model', replacement: options.modelName, action: 'replace' },
        ],
      },
    ],
  };
}

export function prometheusConfigYaml(options: PrometheusConfigOptions): string {
  const jobs = prometheusJobNames(options.modelName);
  return [
    `# Prometheus scrape configuration for the model "${options.modelName}" (ModelDock serving runtime, GET /metrics).`,
    `# ${jobs.local}: a local run (docker run / docker compose) on ${options.localTarget}.`,
    `# ${jobs.kubernetes}: the pods in namespace(s) ${options.namespaces.join(', ')}, found through the Kubernetes API`,
    '#   (Prometheus needs RBAC to list pods there). With the Prometheus Operator, use the ServiceMonitor instead.',
    '# Check it with: promtool check config prometheus.yml',
    stringify(prometheusConfig(options), { lineWidth: 0 }),
  ].join('\n');
}

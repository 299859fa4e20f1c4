import { MonitoringSettingsSchema, type MonitoringSettings } from '../../shared/schemas/monitoring';
import { devNamespace } from '../kubernetes/kustomize-files';
import { alertRulesYaml } from './alert-rules';
import { grafanaDashboardJson } from './grafana-dashboard';
import { prometheusConfigYaml, prometheusJobNames } from './prometheus-config';

/**
 * The three monitoring files ModelDock hands over (the deploy bundle's monitoring/ folder, 'monitor.exportRules'
 * and `modeldock monitor rules`): a Grafana dashboard, a Prometheus scrape config that loads the alert rules, and
 * the alert rules, all made from the same spec settings so their thresholds agree.
 */
export const MONITORING_FILES = {
  grafana: 'grafana-dashboard.json',
  prometheus: 'prometheus.yml',
  alertRules: 'alert-rules.yml',
} as const;

export interface MonitoringExportInput {
  modelName: string;
  modelVersion: string;
  /** The spec's monitoring: section (defaults when absent). */
  monitoring?: MonitoringSettings | null;
  /** serving.maxQueue (queue saturation is a share of it). */
  maxQueue: number;
  /** The Kubernetes namespace of the prod pods; the dev overlay's is derived from it. */
  namespace: string;
  /** host:port of a local run. */
  localTarget: string;
}

export interface MonitoringFile {
  /** File name inside the monitoring folder. */
  name: string;
  content: string;
}

export function monitoringFiles(input: MonitoringExportInput): MonitoringFile[] {
  const settings = MonitoringSettingsSchema.parse(input.monitoring ?? {});
  const namespaces = [input.namespace, devNamespace(input.namespace)];
  const jobs = prometheusJobNames(input.modelName);
  return [
    {
      name: MONITORING_FILES.grafana,
      content: grafanaDashboardJson({
        modelName: input.modelName, modelVersion: input.modelVersion, driftThreshold: settings.driftThreshold, minAccuracy: settings.alerts?.minAccuracy,
      }),
    },
    {
      name: MONITORING_FILES.prometheus,
      content: prometheusConfigYaml({ modelName: input.modelName, localTarget: input.localTarget, namespaces, ruleFiles: [MONITORING_FILES.alertRules] }),
    },
    {
      name: MONITORING_FILES.alertRules,
      content: alertRulesYaml({
        modelName: input.modelName, driftThreshold: settings.driftThreshold, alerts: settings.alerts, maxQueue: input.maxQueue,
        namespaces, jobs: [jobs.local, jobs.kubernetes],
      }),
    },
  ];
}

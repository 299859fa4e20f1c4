import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { alertRuleGroups, metricNamesIn, NON_RUNTIME_METRICS } from '../../main/monitoring/alert-rules';
import { MONITORING_FILES } from '../../main/monitoring/monitoring-exports';
import { parsePrometheusText } from '../../main/serving/prometheus-text';
import { resolveRuntimeConfig } from '../../main/serving/resolve-runtime-config';
import { irisRows, prometheusMissing, startPrometheus, irisMonitoringSpec, monitoredIris } from './monitoring-support';
import { postJson, startServer, tempDir } from './serving-support';

/**
 * The exported alert rules against real parts: promtool accepts them, every metric they (and the Grafana
 * dashboard) use is on a real /metrics scrape of a runtime serving with a profile, and a real Prometheus loading
 * the rules fires the drift alert for the shifted feature only, after shifted inputs.
 */
const SPEC = irisMonitoringSpec(300, ['  alerts:', '    driftForMinutes: 0', '    minAccuracy: 0.8']);

function promtoolMissing(): string | null {
  return spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0 ? null : 'promtool is not installed (Debian: apt-get install prometheus)';
}

interface AlertsAnswer { data: { alerts: Array<{ labels: Record<string, string>; state: string }> } }

test('alert rules: promtool passes, metrics exist on a real scrape, and Prometheus fires drift for the shifted feature only', { timeout: 150000 }, async (t) => {
  const missing = prometheusMissing() ?? promtoolMissing();
  if (missing) { t.skip(missing); return; }
  const dir = tempDir(t, 'modeldock-alerts-');
  const { model, engine } = await monitoredIris(t, dir, SPEC);

  // The export call writes the three files, with the spec's thresholds.
  const exported = await engine.invoke('monitor.exportRules', { modelPath: model, outDir: path.join(dir, 'monitoring') });
  assert.deepEqual(exported.files.map((f) => path.basename(f.path)).sort(), Object.values(MONITORING_FILES).sort());
  const rulesFile = path.join(dir, 'monitoring', MONITORING_FILES.alertRules);
  const rulesText = fs.readFileSync(rulesFile, 'utf8');
  assert.match(rulesText, /modeldock_feature_drift_psi > 0\.2/);
  assert.match(rulesText, /alert: ModelLowAccuracy/);
  const check = spawnSync('promtool', ['check', 'rules', rulesFile], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /SUCCESS: 8 rules found/);
  const config = spawnSync('promtool', ['check', 'config', path.join(dir, 'monitoring', MONITORING_FILES.prometheus)], { encoding: 'utf8' });
  // Debian's promtool lacks Kubernetes discovery; only that key may be what it objects to.
  if (config.status !== 0) assert.match(config.stdout + config.stderr, /kubernetes_sd_configs/);

  const configPath = path.join(dir, 'runtime.json');
  fs.writeFileSync(configPath, JSON.stringify(await resolveRuntimeConfig(model)));
  const server = await startServer(t, { args: ['--config', configPath] });
  await postJson(`${server.url}/predict`, { instances: irisRows(10, 5) });

  // Every metric a rule or a dashboard panel uses is on the runtime's /metrics (or is Prometheus' / kube-state-metrics').
  const exposed = new Set(parsePrometheusText(await (await fetch(`${server.url}/metrics`)).text()).samples.map((s) => s.name));
  const allowed = (name: string) => exposed.has(name) || (NON_RUNTIME_METRICS as readonly string[]).includes(name);
  const groups = alertRuleGroups({ modelName: 'iris', driftThreshold: 0.2, alerts: { minAccuracy: 0.8 }, maxQueue: 256, namespaces: ['m'], jobs: ['j'] });
  const ruleMetrics = groups.flatMap((g) => g.rules.flatMap((r) => metricNamesIn(r.expr)));
  assert.ok(ruleMetrics.includes('modeldock_request_duration_seconds_bucket'));
  for (const name of ruleMetrics) assert.ok(allowed(name), `alert rules use ${name}, which the runtime does not export`);
  const dashboard = JSON.parse(exported.files.find((f) => f.path.endsWith(MONITORING_FILES.grafana))!.content ?? '{}');
  const panelMetrics = (dashboard.panels as Array<{ targets?: Array<{ expr: string }> }>).flatMap((p) => (p.targets ?? []).flatMap((x) => metricNamesIn(x.expr)));
  for (const name of ['modeldock_feature_drift_psi', 'modeldock_feature_reference_mean', 'modeldock_feedback_accuracy', 'modeldock_predictions_total']) {
    assert.ok(panelMetrics.includes(name), `the dashboard shows ${name}`);
  }
  // Regression-only series are absent from a classifier's scrape; they are documented runtime metrics all the same.
  const regressionOnly = new Set(['modeldock_feedback_mean_absolute_error']);
  for (const name of panelMetrics) assert.ok(allowed(name) || regressionOnly.has(name), `the dashboard uses ${name}, which the runtime does not export`);

  // A real Prometheus loading the exported rules.
  const prometheus = await startPrometheus(t, dir, `127.0.0.1:${server.port}`, { ruleFiles: [rulesFile] });
  await prometheus.until('up{job="modeldock"}', (r) => r.length === 1 && r[0].value === 1, 'the runtime target to be up');
  const rules = await (await fetch(`${prometheus.url}/api/v1/rules`)).json() as { data: { groups: Array<{ rules: Array<{ name: string; health: string }> }> } };
  const loaded = rules.data.groups.flatMap((g) => g.rules);
  assert.equal(loaded.length, 8);
  await prometheus.until('count(modeldock_feature_drift_psi)', (r) => r[0]?.value === 4, 'drift scores scraped');

  const send = async (rows: number[][]) => {
    for (let i = 0; i < rows.length; i += 10) assert.equal((await postJson(`${server.url}/predict`, { instances: rows.slice(i, i + 10) })).status, 200);
  };
  await send(irisRows(300, 2));
  await prometheus.until('modeldock_monitoring_window_rows', (r) => (r[0]?.value ?? 0) >= 270, 'a (nearly) full window of in-distribution rows');
  await new Promise((r) => setTimeout(r, 2500));
  const calm = await (await fetch(`${prometheus.url}/api/v1/alerts`)).json() as AlertsAnswer;
  assert.deepEqual(calm.data.alerts.filter((a) => a.labels.alertname === 'ModelFeatureDrift'), [], 'no drift alert for in-distribution inputs');
  for (const rule of loaded) assert.equal(rule.health === 'err', false, `${rule.name} evaluates`);

  await send(irisRows(300, 3, { 1: 1.5 }));
  const firing = await prometheus.until('ALERTS{alertname="ModelFeatureDrift", alertstate="firing"}', (r) => r.length >= 1, 'the drift alert to fire');
  assert.deepEqual(firing.map((r) => r.metric.feature), ['sepal_width']);
  assert.equal(firing[0].metric.severity, 'warning');
  assert.equal(firing[0].metric.model, 'iris');
  const answer = await (await fetch(`${prometheus.url}/api/v1/alerts`)).json() as AlertsAnswer;
  const drift = answer.data.alerts.filter((a) => a.labels.alertname === 'ModelFeatureDrift');
  assert.deepEqual(drift.map((a) => [a.labels.feature, a.state]), [['sepal_width', 'firing']]);
  const health = await (await fetch(`${prometheus.url}/api/v1/rules`)).json() as { data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> } };
  for (const rule of health.data.groups.flatMap((g) => g.rules)) assert.notEqual(rule.health, 'err', `${rule.name}: ${rule.lastError}`);
});

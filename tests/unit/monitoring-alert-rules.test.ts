import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { alertRuleGroups, alertRulesYaml, metricNamesIn, type AlertRulesOptions } from '../../main/monitoring/alert-rules';

/**
 * The alert rules' PromQL checked by promtool's own evaluator (`promtool test rules`) on synthetic series: each
 * rule picks out the bad server of this model, leaves the healthy one and another model's servers alone, and the
 * thresholds come from the settings.
 */
const OPTIONS: AlertRulesOptions = {
  modelName: 'iris', driftThreshold: 0.25, maxQueue: 100, namespaces: ['ml', 'ml-dev'], jobs: ['modeldock-iris-local', 'modeldock-iris'],
  alerts: { errorRate: 0.1, latencyP99Ms: 200, forMinutes: 2, driftForMinutes: 3, podRestarts: 2, queueSaturation: 0.5 },
};

function promtool(): boolean {
  return spawnSync('promtool', ['--version']).status === 0;
}

test('the generated rules pass promtool check rules, with thresholds and durations from the settings', (t) => {
  if (!promtool()) { t.skip('promtool is not installed'); return; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-rules-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'alert-rules.yml');
  fs.writeFileSync(file, alertRulesYaml(OPTIONS));
  const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /SUCCESS: 7 rules found/);
  const rules = Object.fromEntries(alertRuleGroups(OPTIONS)[0].rules.map((r) => [r.alert, r]));
  assert.equal(rules.ModelFeatureDrift.for, '3m');
  assert.equal(rules.ModelHighErrorRate.for, '2m');
  assert.match(rules.ModelLatencySLO.expr, /> 0\.2\)/);
  assert.match(rules.ModelPodRestarting.expr, /namespace=~"ml\|ml-dev"/);
  assert.match(rules.ModelPodRestarting.expr, />= 2$/);
  assert.match(rules.ModelQueueSaturated.expr, />= 50\)/);
  assert.equal(rules.ModelLowAccuracy, undefined, 'no accuracy rule unless a minimum is set');
  assert.deepEqual(metricNamesIn(rules.ModelLatencySLO.expr).sort(), ['modeldock_model_info', 'modeldock_request_duration_seconds_bucket']);
});

test('promtool evaluates each rule on synthetic series: only this model\'s bad server is picked', (t) => {
  if (!promtool()) { t.skip('promtool is not installed'); return; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-rules-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'alert-rules.yml'), alertRulesYaml(OPTIONS));
  const rules = Object.fromEntries(alertRuleGroups(OPTIONS)[0].rules.map((r) => [r.alert, r.expr]));
  const s = (name: string, labels: Record<string, string>, values: string) => ({
    series: `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(', ')}}`, values,
  });
  const bad = { job: 'j', instance: 'bad' };
  const good = { job: 'j', instance: 'good' };
  const other = { job: 'k', instance: 'other-model' };
  const le = (instance: Record<string, string>, fastShare: number) => ['0.1', '0.5', '+Inf'].map((bound) => s(
    'modeldock_request_duration_seconds_bucket', { ...instance, route: '/predict', le: bound },
    `0+${bound === '0.1' ? Math.round(60 * fastShare) : 60}x20`,
  ));
  const input = [
    s('modeldock_model_info', { ...bad, name: 'iris', version: '1' }, '1x20'),
    s('modeldock_model_info', { ...good, name: 'iris', version: '1' }, '1x20'),
    s('modeldock_model_info', { ...other, name: 'wine', version: '1' }, '1x20'),
    ...[bad, other].flatMap((i) => [
      s('modeldock_requests_total', { ...i, route: '/predict', method: 'POST', status: '200' }, '0+60x20'),
      s('modeldock_requests_total', { ...i, route: '/predict', method: 'POST', status: '500' }, '0+30x20'),
      s('modeldock_requests_total', { ...i, route: '/metrics', method: 'GET', status: '200' }, '0+1000x20'),
      ...le(i, 0.5),
      s('modeldock_feature_drift_psi', { ...i, feature: 'petal_width' }, '0.9x20'),
      s('modeldock_ready', i, '0x20'),
      s('modeldock_queue_depth', i, '60x20'),
    ]),
    s('modeldock_requests_total', { ...good, route: '/predict', method: 'POST', status: '200' }, '0+60x20'),
    ...le(good, 1),
    s('modeldock_feature_drift_psi', { ...good, feature: 'petal_width' }, '0.05x20'),
    s('modeldock_ready', good, '1x20'),
    s('modeldock_queue_depth', good, '0x20'),
    s('up', { job: 'modeldock-iris', instance: 'pod-a' }, '0x20'),
    s('kube_pod_container_status_restarts_total', { namespace: 'ml', pod: 'iris-7d9f-abc', container: 'server' }, '0 0 1 1 2 2 3 3 3 3 3'),
    s('kube_pod_container_status_restarts_total', { namespace: 'ml', pod: 'wine-7d9f-abc', container: 'server' }, '0 0 1 1 2 2 3 3 3 3 3'),
  ];
  const at = '10m';
  const tests = {
    rule_files: ['alert-rules.yml'],
    evaluation_interval: '1m',
    tests: [{
      interval: '1m',
      input_series: input,
      promql_expr_test: [
        // 30 of 90 /predict answers failed; the /metrics scrapes are not counted.
        { expr: rules.ModelHighErrorRate, eval_time: at, exp_samples: [{ labels: '{job="j", instance="bad"}', value: 1 / 3 }] },
        // Half the requests took 0.1-0.5 s: p99 interpolates to 0.492 s > 0.2 s.
        { expr: rules.ModelLatencySLO, eval_time: at, exp_samples: [{ labels: '{job="j", instance="bad"}', value: 0.492 }] },
        { expr: rules.ModelFeatureDrift, eval_time: at, exp_samples: [{ labels: '{__name__="modeldock_feature_drift_psi", job="j", instance="bad", feature="petal_width"}', value: 0.9 }] },
        {
          expr: rules.ModelNotReady, eval_time: at,
          exp_samples: [{ labels: '{job="j", instance="bad"}', value: 0 }, { labels: '{__name__="up", job="modeldock-iris", instance="pod-a"}', value: 0 }],
        },
        { expr: rules.ModelQueueSaturated, eval_time: at, exp_samples: [{ labels: '{job="j", instance="bad"}', value: 60 }] },
        { expr: rules.ModelPodRestarting, eval_time: at, exp_samples: [{ labels: '{namespace="ml", pod="iris-7d9f-abc", container="server"}', value: 3 }] },
      ],
      alert_rule_test: [
        { eval_time: '1m', alertname: 'ModelFeatureDrift', exp_alerts: [] },
      ],
    }],
  };
  fs.writeFileSync(path.join(dir, 'tests.yml'), stringify(tests));
  const run = spawnSync('promtool', ['test', 'rules', 'tests.yml'], { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /SUCCESS/);
});

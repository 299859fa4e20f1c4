// E2E: the Monitor step in web mode, driven through Debian's Chromium with playwright-core.
// Opens iris.onnx, captures a reference profile from a CSV the test writes, serves the model locally (Run step),
// watches it in Monitor while the test sends in-distribution and then shifted inputs straight to the server: the
// shifted feature's drift bar turns red and the alert banner names it; a threshold edit lands in modeldock.yaml;
// the export writes a Grafana dashboard, a Prometheus config and alert rules that promtool accepts.
// Screenshots: test-output/screenshots/60-monitor-*.png (1280x800; the main ones also at 1920x1080 and dark).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import { ensureBuilt } from '../support/ensure-built';
import { IRIS_FEATURES, irisCsv, irisRows } from '../serving/monitoring-support';
import { CHROMIUM, shoot, shootBoth, type BrowserSession, shootAll } from './support/browser';
import { type RunningWeb } from './support/start-web';
import { closeE2E, openApp, recordingStep } from './support/steps';
import { prepareWorkspace } from './support/workspace';
import { openModelByPath } from './support/wait';

const haveChromium = fs.existsSync(CHROMIUM);
const SPEC = `apiVersion: modeldock/v1
model:
  path: iris.onnx
  name: iris
inputs:
  input:
    type: tabular
    features: [${IRIS_FEATURES.join(', ')}]
monitoring:
  windowSize: 200
`;

describe('web monitor', { skip: haveChromium ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let dataDir = '';
  let models = '';
  let web: RunningWeb;
  let browser: BrowserSession;
  let page: Page;
  let serverUrl = '';

  before(async () => {
    ensureBuilt();
    ({ dataDir, models } = await prepareWorkspace('modeldock-e2e-monitor-', ['iris.onnx'], /^(6\d-monitor-|FAILED-monitor-)/));
    fs.writeFileSync(path.join(models, 'modeldock.yaml'), SPEC);
    fs.writeFileSync(path.join(dataDir, 'reference.csv'), irisCsv(irisRows(1000, 1)));
    ({ browser, page, web } = await openApp(dataDir));
  });

  after(() => closeE2E({ browser, web, dataDir }));

  const step = recordingStep(() => ({ browser, web }), 'monitor-');

  async function send(rows: number[][]): Promise<void> {
    for (let i = 0; i < rows.length; i += 20) {
      const res = await fetch(`${serverUrl}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: rows.slice(i, i + 20) }) });
      assert.equal(res.status, 200, await res.text());
    }
  }

  const overOf = (feature: string) => page.getByTestId(`drift-bar-${feature}`).getAttribute('data-over');

  step('opens iris.onnx; Monitor without a server offers a URL and the profile card', async () => {
    await openModelByPath(page, path.join(models, 'iris.onnx'));
    await page.getByTestId('step-monitor').click();
    await page.getByTestId('monitor-screen').waitFor();
    await page.locator('[data-testid="monitor-target-url"][aria-checked="true"]').waitFor();
    assert.match(await page.getByTestId('monitor-target-local').innerText(), /not running/);
    await page.getByTestId('monitor-url-input').fill('file:///etc/passwd');
    await page.getByTestId('monitor-url-watch').click();
    await page.getByTestId('monitor-error').waitFor();
    assert.match(await page.getByTestId('monitor-error').innerText(), /cannot be monitored/);
    await shoot(page, '60-monitor-no-server');
  });

  step('captures a reference profile from a CSV', async () => {
    await page.getByTestId('profile-data-input').fill(path.join(dataDir, 'reference.csv'));
    await page.getByTestId('profile-capture').click();
    await page.getByTestId('profile-result').waitFor();
    assert.equal((await page.getByTestId('profile-rows').innerText()).trim(), '1000');
    assert.ok(fs.existsSync(path.join(models, 'iris.profile.json')), 'the profile is written beside the model');
    await page.getByTestId('profile-result').scrollIntoViewIfNeeded();
    await shoot(page, '60-monitor-profile');
  });

  step('serves the model locally from the Run step', async () => {
    await page.getByTestId('step-run').click();
    await page.getByTestId('serve-start').click();
    await page.locator('[data-testid="serve-state"][data-state="ready"]').waitFor({ timeout: 60_000 });
    serverUrl = (await page.getByTestId('serve-url').innerText()).trim();
    assert.match(serverUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  step('Monitor watches the local server: live numbers and calm drift bars for in-distribution traffic', async () => {
    await page.getByTestId('step-monitor').click();
    await page.locator('[data-testid="monitor-target-local"][aria-checked="true"]').waitFor();
    await page.locator('[data-testid="monitor-state"][data-state="live"]').waitFor();
    await send(irisRows(200, 2));
    for (const f of IRIS_FEATURES) await page.locator(`[data-testid="drift-bar-${f}"][data-psi]:not([data-psi=""])`).waitFor();
    await page.waitForFunction(`document.querySelector('[data-testid="mon-rps-value"]')?.textContent !== '—'`);
    for (const f of IRIS_FEATURES) assert.equal(await overOf(f), 'false', `${f} is calm`);
    assert.equal(await page.getByTestId('monitor-alert-banner').count(), 0);
    assert.match(await page.getByTestId('mon-predictions-chart').innerText(), /setosa|versicolor|virginica|\d/);
    assert.notEqual((await page.getByTestId('mon-memory-value').innerText()).trim(), '—');
    await page.waitForFunction(`document.querySelector('[data-testid="mon-cpu-value"]')?.textContent !== '—'`);
    await page.evaluate(`document.getElementById('content').scrollTo(0, 0)`);
    await shootBoth(page, '61-monitor-live');
  });

  step('shifted inputs: petal_length turns red and the alert banner names it', async () => {
    await send(irisRows(200, 3, { 2: 2.5 }));
    await page.locator('[data-testid="drift-bar-petal_length"][data-over="true"]').waitFor();
    for (const f of IRIS_FEATURES.filter((n) => n !== 'petal_length')) assert.equal(await overOf(f), 'false', `${f} stays under the threshold`);
    const banner = page.getByTestId('monitor-alert-banner');
    await banner.waitFor();
    await page.getByTestId('monitor-alert-drift-petal_length').waitFor();
    assert.match(await banner.innerText(), /petal_length/);
    const fill = await page.evaluate<string>(`getComputedStyle(document.querySelector('[data-testid="drift-bar-petal_length"] rect')).fill`);
    assert.match(fill, /rgb\(196, 48, 43\)|rgb\(2\d\d, \d+, \d+\)/, `the bar is red (${fill})`);
    await page.evaluate(`document.getElementById('content').scrollTo(0, 0)`);
    await shootAll(page, '62-monitor-drift');
  });

  step('a threshold set on screen is saved in modeldock.yaml and moves the line', async () => {
    await page.getByTestId('threshold-driftThreshold').fill('0.3');
    await page.locator('[data-testid="threshold-save"][data-state="saved"]').waitFor();
    const spec = fs.readFileSync(path.join(models, 'modeldock.yaml'), 'utf8');
    assert.match(spec, /^monitoring:\n(\s+.*\n)*\s+driftThreshold: 0\.3$/m);
    assert.match(spec, /windowSize: 200/, 'the other monitoring keys stay');
    await page.locator('text=threshold 0.3').waitFor();
    await page.getByTestId('monitor-thresholds').scrollIntoViewIfNeeded();
    await shoot(page, '63-monitor-thresholds');
  });

  step('exports the Grafana dashboard, Prometheus config and alert rules; promtool accepts the rules', async () => {
    const out = path.join(dataDir, 'monitoring-export');
    await page.getByTestId('export-rules-dir').fill(out);
    await page.getByTestId('export-rules-run').click();
    await page.getByTestId('export-rules-result').waitFor();
    for (const name of ['grafana-dashboard.json', 'prometheus.yml', 'alert-rules.yml']) assert.ok(fs.existsSync(path.join(out, name)), name);
    const rules = fs.readFileSync(path.join(out, 'alert-rules.yml'), 'utf8');
    assert.match(rules, /modeldock_feature_drift_psi > 0\.3/, 'the rules use the threshold set on screen');
    const check = spawnSync('promtool', ['check', 'rules', path.join(out, 'alert-rules.yml')], { encoding: 'utf8' });
    if (check.error) return; // promtool missing: the files are still checked above
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /SUCCESS: \d+ rules found/);
    const dashboard = JSON.parse(fs.readFileSync(path.join(out, 'grafana-dashboard.json'), 'utf8'));
    assert.ok((dashboard.panels as Array<{ title: string }>).some((p) => p.title === 'Drift per feature'));
    await page.getByTestId('monitor-export').scrollIntoViewIfNeeded();
    await shootBoth(page, '64-monitor-export');
  });
});

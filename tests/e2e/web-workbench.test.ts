// E2E: the model workbench in web mode, driven through Debian's Chromium with playwright-core.
// Opens, inspects, validates, predicts and benchmarks iris.onnx; fixes a ZipMap model; shows errors for a broken
// file (back on the empty Model step) and a conversion recipe for a pickle; uploads a dropped file; follows the Test
// step's status dot through failed and successful runs; checks that the server refuses requests without the token.
// Screenshots of every screen go to test-output/screenshots/ (1280x800, main ones also at 1920x1080).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import { CHROMIUM, openBrowser, shoot, shootBoth, type BrowserSession, shootAll } from './support/browser';
import { startWeb, type RunningWeb } from './support/start-web';
import { ensureBuilt } from '../support/ensure-built';
import { closeE2E, recordingStep } from './support/steps';
import { prepareWorkspace } from './support/workspace';
import { eventually, openFileByPath } from './support/wait';

const LABELS = ['setosa', 'versicolor', 'virginica'];
const haveChromium = fs.existsSync(CHROMIUM);

describe('web workbench', { skip: haveChromium ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let fixtures = '';
  let dataDir = '';
  // Engine state (recent models, uploads) lives in MODELDOCK_DATA_DIR=<dataDir>; models are copied to <dataDir>/models.
  let web: RunningWeb;
  let browser: BrowserSession;
  let page: Page;

  before(async () => {
    ensureBuilt();
    // The app writes beside the model (fixed ZipMap copy, benchmark results), so it works on copies in <dataDir>/models.
    ({ dataDir, models: fixtures } = await prepareWorkspace('modeldock-e2e-data-', ['iris.onnx', 'zipmap.onnx', 'random.onnx', 'model.pkl', 'cnn.onnx'], /^(0\d|1\d)-|^FAILED-(?!serve-)/));
    browser = await openBrowser();
    page = browser.page;
    page.setDefaultTimeout(30_000);
  });

  after(() => closeE2E({ browser, web, dataDir }));

  const step = recordingStep(() => ({ browser, web }));

  const openByPath = (file: string) => openFileByPath(page, file);

  step('starts web mode and shows the drop zone', async () => {
    web = await startWeb(dataDir);
    await page.goto(web.url);
    await page.getByTestId('drop-zone').waitFor({ state: 'visible' });
    const firstScreenMs = Date.now() - web.spawnedAt;
    console.log(`app start to first screen in web mode: ${firstScreenMs} ms (server listening after ${web.listenMs} ms; started via ${web.via})`);
    await assertNoConsoleErrors();
    await shootAll(page, '01-model-empty');
  });

  step('later steps show a calm preview, not a broken screen', async () => {
    for (const id of ['package', 'run', 'deploy', 'monitor']) {
      await page.getByTestId(`step-${id}`).click();
      const emptyState: Record<string, string> = { run: 'run-empty', package: 'package-empty', deploy: 'deploy-empty', monitor: 'monitor-empty' };
      await page.getByTestId(emptyState[id] ?? `coming-later-${id}`).waitFor();
      assert.equal(await page.getByTestId(`step-${id}`).getAttribute('aria-current'), 'step');
    }
    await shoot(page, '02-monitor-no-model');
    await page.getByTestId('step-package').click();
    await shoot(page, '02-package-no-model');
    await page.getByTestId('step-model').click();
  });

  step('opens iris.onnx by typing its path in the file browser', async () => {
    await page.getByTestId('browse-button').click();
    await page.getByTestId('file-browser').waitFor();
    await page.getByTestId('path-input').fill(fixtures);
    await page.getByTestId('path-input').press('Enter');
    await page.getByTestId('file-iris.onnx').waitFor();
    await shoot(page, '03-file-browser');
    await page.getByTestId('path-input').fill(path.join(fixtures, 'iris.onnx'));
    await page.getByTestId('path-input').press('Enter');
    await page.getByTestId('io-table').waitFor();
    assert.match(await page.getByTestId('model-name').innerText(), /iris/);
    const row = page.getByTestId('input-row-input');
    assert.equal((await row.getByTestId('io-type').innerText()).trim(), 'float32');
    assert.equal((await row.getByTestId('io-shape').textContent())?.trim(), '[batch, 4]');
    assert.equal(await row.locator('.dim-symbolic').innerText(), 'batch');
    await page.getByTestId('output-row-probabilities').waitFor();
    await page.getByTestId('op-histogram').waitFor();
    await shootAll(page, '04-model-inspect');
  });

  step('validates iris.onnx and it passes', async () => {
    await page.getByTestId('validate-button').click();
    const status = page.getByTestId('validation-status');
    await status.waitFor();
    assert.equal(await status.getAttribute('data-ok'), 'true');
    assert.equal(await page.getByTestId('step-model').getAttribute('data-status'), 'done');
    await status.scrollIntoViewIfNeeded();
    await shoot(page, '05-model-validated');
  });

  step('predicts with sample values and shows the labelled top-1 and latency', async () => {
    await page.getByTestId('step-test').click();
    const editor = page.getByTestId('input-json-input');
    await editor.waitFor();
    await page.locator('[data-testid="predict-panel"][data-filled="true"]').waitFor();
    await page.getByTestId('fill-sample-input').click();
    await shoot(page, '06-test-form');
    await page.getByTestId('predict-button').click();
    const top1 = page.getByTestId('top1-label');
    await top1.waitFor();
    assert.ok(LABELS.includes((await top1.innerText()).trim()), `top-1 label is one of ${LABELS.join(', ')}`);
    assert.match(await page.getByTestId('latency-p50').innerText(), /\d/);
    await page.getByTestId('result-table-probabilities').waitFor();
    await page.getByTestId('latency-histogram').waitFor();
    await shootBoth(page, '07-test-results');
    await page.getByTestId('latency').scrollIntoViewIfNeeded();
    await shoot(page, '07-test-results-latency');
  });

  step('a wrong input shape names the input and keeps what the user typed', async () => {
    const editor = page.getByTestId('input-json-input');
    await editor.fill('[[1, 2, 3]]');
    await page.getByTestId('predict-button').click();
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    const text = await banner.innerText();
    assert.match(text, /input/);
    assert.doesNotMatch(text, /\bat .+:\d+:\d+/, 'no stack trace');
    assert.equal(await editor.inputValue(), '[[1, 2, 3]]');
    assert.equal(await testDotStatus(), 'error', 'a failed prediction turns the Test dot red');
    await shoot(page, '08-test-input-error');
    await page.getByTestId('fill-sample-input').click();
    await page.locator('[data-testid="predict-panel"][data-filling="false"]').waitFor();
    assert.notEqual(await editor.inputValue(), '[[1, 2, 3]]');
    await page.getByTestId('error-dismiss').click();
  });

  step('a successful prediction after a failed one sets the Test dot back to done', async () => {
    await page.getByTestId('predict-button').click();
    await page.locator('[data-testid="step-dot-test"][data-status="done"]').waitFor();
    assert.equal(await page.getByTestId('step-test').getAttribute('data-status'), 'done');
    assert.equal(await page.getByTestId('error-banner').count(), 0);
    await page.getByTestId('top1-label').waitFor();
    await shoot(page, '08-test-dot-recovered');
    // Red again, so the benchmark below has to be the run that clears it.
    await page.getByTestId('input-json-input').fill('[[1, 2, 3]]');
    await page.getByTestId('predict-button').click();
    await page.getByTestId('error-banner').waitFor();
    assert.equal(await testDotStatus(), 'error');
    await page.getByTestId('fill-sample-input').click();
    await page.locator('[data-testid="predict-panel"][data-filling="false"]').waitFor();
  });

  step('runs a short benchmark (batch 1, 20 runs) and shows results', async () => {
    await page.getByTestId('tab-bench').click();
    for (const batch of [8, 32]) {
      const chip = page.getByTestId(`bench-batch-${batch}`);
      if ((await chip.getAttribute('aria-pressed')) === 'true') await chip.click();
    }
    await page.getByTestId('bench-runs').fill('20');
    await page.getByTestId('bench-run-button').click();
    const results = page.getByTestId('bench-results');
    await results.waitFor();
    await page.getByTestId('bench-row-1-1').waitFor();
    assert.match(await page.getByTestId('bench-saved').innerText(), /Saved to|Not saved/);
    await page.locator('[data-testid="step-dot-test"][data-status="done"]').waitFor({ timeout: 5_000 });
    assert.equal(await testDotStatus(), 'done', 'a finished benchmark clears the earlier failed prediction');
    await shootBoth(page, '09-bench-results');
    await page.getByTestId('bench-throughput-chart').scrollIntoViewIfNeeded();
    await shoot(page, '09-bench-charts');
  });

  step('a long benchmark shows determinate progress and can be cancelled', async () => {
    for (const batch of [8, 32]) await page.getByTestId(`bench-batch-${batch}`).click();
    await page.getByTestId('bench-runs').fill('100000');
    await page.getByTestId('bench-run-button').click();
    const progress = page.getByTestId('bench-progress');
    await progress.waitFor();
    await page.getByTestId('bench-progress-label').filter({ hasText: /\d+\/\d+ runs/ }).waitFor();
    await progress.scrollIntoViewIfNeeded();
    await shoot(page, '10-bench-progress');
    // Looking at another step does not stop it: the Test screen stays mounted (hidden) while the benchmark runs.
    const labelBefore = await page.getByTestId('bench-progress-label').innerText();
    await page.getByTestId('step-model').click();
    await page.getByTestId('io-table').waitFor();
    assert.equal(await progress.isVisible(), false);
    await page.getByTestId('step-test').click();
    await progress.waitFor();
    await eventually('the same benchmark still advancing', async () => (await page.getByTestId('bench-progress-label').innerText()) !== labelBefore);
    await page.getByTestId('bench-cancel').click();
    await progress.waitFor({ state: 'detached' });
    await page.getByTestId('bench-runs').fill('20');
  });

  step('a ZipMap model gets a finding and a one-click fix that opens the fixed copy', async () => {
    await page.getByTestId('step-model').click();
    await openByPath(path.join(fixtures, 'zipmap.onnx'));
    const fix = page.getByTestId('fix-button-remove-zipmap');
    await fix.waitFor();
    const finding = page.locator('[data-testid^="finding-"]', { has: fix });
    assert.match(await finding.innerText(), /ZipMap/i);
    await fix.scrollIntoViewIfNeeded();
    await shoot(page, '11-model-zipmap-finding');
    await fix.click();
    const notice = page.getByTestId('notice-path');
    await notice.waitFor();
    const fixedPath = (await notice.innerText()).trim();
    assert.notEqual(fixedPath, path.join(fixtures, 'zipmap.onnx'));
    assert.equal((await page.getByTestId('model-path').innerText()).trim(), fixedPath);
    await page.getByTestId('validation-status').waitFor();
    assert.equal(await page.getByTestId('fix-button-remove-zipmap').count(), 0);
    await shoot(page, '12-model-zipmap-fixed');
  });

  step('a broken file gets a plain error banner without a stack trace', async () => {
    await openByPath(path.join(fixtures, 'random.onnx'));
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    const title = (await page.getByTestId('error-title').innerText()).trim();
    assert.ok(title.length > 0 && title.length < 100, `plain one-line title: ${title}`);
    assert.doesNotMatch(title, /error:|exception|undefined/i);
    const text = await banner.innerText();
    assert.doesNotMatch(text, /\bat .+:\d+:\d+/, 'no stack trace');
    assert.doesNotMatch(text, /undefined/);
    // The previous model (the fixed ZipMap copy) is gone: the empty Model step with the banner naming the failed file.
    assert.equal((await page.getByTestId('error-file').innerText()).trim(), path.join(fixtures, 'random.onnx'));
    await page.getByTestId('drop-zone').waitFor();
    await page.getByTestId('recent-list').waitFor();
    assert.equal(await page.getByTestId('io-table').count(), 0, 'no inspect view of the previous model');
    assert.equal(await page.getByTestId('model-name').count(), 0, 'the top bar shows no model');
    assert.match(await page.locator('.topbar').innerText(), /No model open/);
    assert.equal(await page.getByTestId('step-model').getAttribute('data-status'), 'error');
    assert.equal(await testDotStatus(), 'not-started');
    await shoot(page, '13-model-open-error');
    await page.getByTestId('step-test').click();
    await page.getByTestId('test-empty').waitFor();
    assert.equal(await page.getByTestId('predict-panel').count(), 0, 'the Test step does not offer the previous model');
    await page.getByTestId('step-model').click();
    await page.getByTestId('error-dismiss').click();
    assert.equal(await page.getByTestId('step-model').getAttribute('data-status'), 'not-started');
  });

  step('a pickle gets the conversion recipe', async () => {
    await openByPath(path.join(fixtures, 'model.pkl'));
    await page.getByTestId('conversion-recipe').waitFor();
    assert.match(await page.getByTestId('detected-format').innerText(), /pickle/i);
    assert.ok((await page.getByTestId('conversion-snippet').innerText()).trim().length > 20);
    await shootBoth(page, '14-model-conversion');
    await page.getByTestId('step-test').click();
    await page.getByTestId('test-empty').waitFor();
    await shoot(page, '15-test-not-onnx');
  });

  step('recent models are listed and can be removed', async () => {
    await page.getByTestId('step-model').click();
    await page.getByTestId('close-model').click();
    const list = page.getByTestId('recent-list');
    await list.waitFor();
    const before = await page.getByTestId('recent-item').count();
    assert.ok(before >= 2, `recent list has the opened models (${before})`);
    await shootBoth(page, '16-model-empty-recent');
    await page.getByTestId('recent-item').first().getByRole('button', { name: /^Remove/ }).click();
    await page.getByTestId('recent-item').nth(before - 1).waitFor({ state: 'detached' });
  });

  step('a file dropped on the drop zone is uploaded into the data dir and opened', async () => {
    await page.getByTestId('drop-zone').waitFor();
    // Hold the upload until the progress card has been seen, so the check does not race a fast local upload.
    let release = () => {};
    const held = new Promise<void>((resolve) => { release = resolve; });
    let uploads = 0;
    await page.route('**/api/upload*', async (route) => {
      uploads += 1;
      await held;
      await route.continue();
    });
    const bytes = fs.readFileSync(path.join(fixtures, 'iris.onnx')).toString('base64');
    const dataTransfer = await page.evaluateHandle((base64) => {
      const raw = atob(base64);
      const data = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i += 1) data[i] = raw.charCodeAt(i);
      // Runs in the page; the node-side tsconfig has no DOM types, so DataTransfer is described here.
      const PageDataTransfer = (globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): unknown } } }).DataTransfer;
      const transfer = new PageDataTransfer();
      transfer.items.add(new File([data], 'iris.onnx', { type: 'application/octet-stream' }));
      return transfer;
    }, bytes);
    const zone = page.getByTestId('drop-zone');
    await zone.dispatchEvent('dragenter', { dataTransfer });
    await zone.dispatchEvent('dragover', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
    const progress = page.getByTestId('open-progress');
    await progress.waitFor();
    assert.match(await progress.innerText(), /Sending iris\.onnx to ModelDock/);
    await shoot(page, '17-model-uploading');
    release();
    await page.getByTestId('io-table').waitFor();
    await page.unroute('**/api/upload*');
    assert.equal(uploads, 1, 'one POST /api/upload');
    const uploadedPath = (await page.getByTestId('model-path').innerText()).trim();
    assert.ok(uploadedPath.startsWith(path.join(dataDir, 'uploads') + path.sep), `uploaded copy under <dataDir>/uploads/: ${uploadedPath}`);
    assert.equal(path.basename(uploadedPath), 'iris.onnx');
    assert.ok(fs.existsSync(uploadedPath), 'the uploaded copy is on disk');
    assert.deepEqual(fs.readFileSync(uploadedPath), fs.readFileSync(path.join(fixtures, 'iris.onnx')));
    assert.equal((await page.getByTestId('input-row-input').getByTestId('io-type').innerText()).trim(), 'float32');
    await shoot(page, '17-model-uploaded');
  });

  step('the server refuses requests without the token', async () => {
    const res = await fetch(`${web.origin}/`);
    assert.ok(res.status === 401 || res.status === 403, `GET / without token -> ${res.status}`);
    const wsStatus = await upgradeStatus(`${web.origin}/api/ws`);
    assert.ok(wsStatus === 401 || wsStatus === 403, `WS upgrade without cookie -> ${wsStatus}`);
    const upload = await fetch(`${web.origin}/api/upload?name=x.onnx`, { method: 'POST', body: 'x' });
    assert.ok(upload.status === 401 || upload.status === 403, `upload without token -> ${upload.status}`);
  });

  async function testDotStatus(): Promise<string | null> {
    return page.getByTestId('step-dot-test').getAttribute('data-status');
  }

  async function assertNoConsoleErrors(): Promise<void> {
    const errors = browser.consoleLog.filter((line) => line.startsWith('[error]') || line.startsWith('[pageerror]'));
    assert.deepEqual(errors, []);
  }
});

/** Status code of a WebSocket upgrade attempt carrying no cookie. */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('response', (res) => { resolve(res.statusCode ?? 0); res.resume(); });
    req.on('upgrade', (_res, socket) => { socket.destroy(); resolve(101); });
    req.on('error', reject);
    req.end();
  });
}

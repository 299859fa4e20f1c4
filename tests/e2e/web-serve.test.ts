// E2E: the Run step's "Serve locally" in web mode, driven through Debian's Chromium with playwright-core.
// Opens iris.onnx, starts the real serving runtime from the Run step, sends a request in each protocol from the Try
// panel (status 200 and the labelled class), watches the log and metrics update, stops it; then a model the runtime
// cannot load shows the runtime's own reason and turns the Run dot red.
// Screenshots: test-output/screenshots/20-run-*.png (1280x800; the main ones also at 1920x1080 and in dark mode).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { CHROMIUM, shoot, shootBoth, type BrowserSession, pageErrors, shootAll } from './support/browser';
import { type RunningWeb } from './support/start-web';
import { ensureBuilt } from '../support/ensure-built';
import { eventually, waitForText } from './support/wait';
import { closeE2E, openApp, recordingStep } from './support/steps';
import { prepareWorkspace } from './support/workspace';
import { orientationTiff, pngWithExif } from '../support/exif-bytes';

const LABELS = ['setosa', 'versicolor', 'virginica'];
const PROTOCOLS = ['lesson', 'v1', 'v2', 'v2-binary'] as const;
const haveChromium = fs.existsSync(CHROMIUM);

describe('web serve locally', { skip: haveChromium ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let dataDir = '';
  let models = '';
  let web: RunningWeb;
  let browser: BrowserSession;
  let page: Page;

  before(async () => {
    ensureBuilt();
    ({ dataDir, models } = await prepareWorkspace('modeldock-e2e-serve-', ['iris.onnx', 'cnn.onnx', 'cnn-temperature.onnx', 'unknown-domain.onnx'], /^(2\d-run-|29-test-|FAILED-serve-)/));
    ({ browser, page, web } = await openApp(dataDir));
  });

  after(() => closeE2E({ browser, web, dataDir }));

  const step = recordingStep(() => ({ browser, web }), 'serve-');

  async function openByPath(file: string): Promise<void> {
    await page.getByTestId('step-model').click();
    const browse = page.getByTestId('browse-button');
    if (await browse.isVisible()) await browse.click();
    else if (await page.getByTestId('open-another').count()) await page.getByTestId('open-another').click();
    else await page.getByTestId('open-model-button').click();
    await page.getByTestId('file-browser').waitFor();
    await page.getByTestId('path-input').fill(file);
    await page.getByTestId('path-input').press('Enter');
    await page.getByTestId('io-table').waitFor();
  }

  const runDot = () => page.getByTestId('step-dot-run').getAttribute('data-status');

  step('without a model, Run explains what it will do', async () => {
    await page.getByTestId('step-run').click();
    await page.getByTestId('run-empty').waitFor();
    assert.equal(await runDot(), 'not-started');
    await shoot(page, '20-run-no-model');
  });

  step('opens iris.onnx and the Run step offers to serve it locally', async () => {
    await openByPath(path.join(models, 'iris.onnx'));
    await page.getByTestId('step-run').click();
    await page.getByTestId('run-screen').waitFor();
    assert.equal(await page.getByTestId('serve-state').getAttribute('data-state'), 'not-running');
    assert.match(await page.getByTestId('serve-card').innerText(), /In a Docker container/);
    await page.getByTestId('serve-start').waitFor();
    // The Try panel is prefilled from the model before the server runs, and says what to do.
    await page.locator('[data-testid="try-body"]').waitFor();
    await waitForText(page, 'try-body', /"instances"/);
    assert.equal(await page.getByTestId('try-send').isDisabled(), true);
    await shootBoth(page, '21-run-idle');
  });

  step('Start: the server gets ready with a copyable URL and the Run dot turns ready', async () => {
    await page.getByTestId('serve-start').click();
    await page.locator('[data-testid="serve-state"][data-state="ready"]').waitFor({ timeout: 60_000 });
    const url = (await page.getByTestId('serve-url').innerText()).trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await page.getByTestId('serve-url').getAttribute('href'), url);
    await page.getByTestId('serve-url-copy').waitFor();
    await page.locator('[data-testid="step-dot-run"][data-status="ready"]').waitFor();
    await page.getByTestId('serve-stop').waitFor();
    // The server really answers at that URL.
    const health = await fetch(`${url}/readyz`);
    assert.equal(health.status, 200);
    // What the server measured at start, in words: iris is tiny (server thread) and batches well.
    assert.match(await page.getByTestId('serve-plan-inference').innerText(), /On the server thread/);
    assert.match(await page.getByTestId('serve-plan-batching').innerText(), /^Up to \d+ rows per model call/);
    assert.match(await page.getByTestId('serve-plan').innerText(), /rows\/s vs .* for 1 row/);
    await shootAll(page, '22-run-ready');
  });

  for (const protocol of PROTOCOLS) {
    step(`Try (${protocol}): Send answers 200 with a labelled prediction and shows the curl command`, async () => {
      await page.getByTestId(`try-tab-${protocol}`).click();
      assert.equal(await page.getByTestId(`try-tab-${protocol}`).getAttribute('aria-selected'), 'true');
      await waitForText(page, 'try-body', protocol === 'lesson' || protocol === 'v1' ? /"instances"/ : /"datatype": "FP32"/);
      const url = (await page.getByTestId('serve-url').innerText()).trim();
      await waitForText(page, 'try-curl', new RegExp(`${url.replace(/[.:/]/g, '\\$&')}/(predict|v1/models/iris:predict|v2/models/iris/infer)`));
      assert.ok((await page.getByTestId('try-explain').innerText()).length > 40, 'each protocol is explained');
      await page.getByTestId('try-send').click();
      const result = page.locator(`[data-testid="try-result"][data-status="200"]`);
      await result.waitFor();
      const label = (await page.getByTestId('try-prediction-label').innerText()).trim();
      assert.ok(LABELS.includes(label), `prediction "${label}" is one of ${LABELS.join(', ')}`);
      assert.match(await page.getByTestId('try-time').innerText(), /\d/);
      const curl = await page.getByTestId('try-curl').locator('pre').innerText();
      if (protocol === 'v2-binary') {
        assert.match(curl, /^printf '/);
        assert.match(curl, /Inference-Header-Content-Length: \d+/);
        await page.getByTestId('try-note').waitFor();
      } else {
        assert.match(curl, /^curl -sS -X POST/);
      }
      await page.getByTestId('try-panel').scrollIntoViewIfNeeded();
      await shoot(page, `23-run-try-${protocol}`);
    });
  }

  step('an edited body is sent as written: a virginica flower, and a wrong shape gets the server\'s 400', async () => {
    await page.getByTestId('try-tab-lesson').click();
    await page.getByTestId('try-body').fill('{"instances": [[6.9, 3.1, 5.8, 2.2]]}');
    await waitForText(page, 'try-curl', /6\.9,3\.1,5\.8,2\.2/);
    await page.getByTestId('try-send').click();
    await page.locator('[data-testid="try-prediction-label"]', { hasText: 'virginica' }).waitFor();
    await page.getByTestId('try-body').fill('{"instances": [[1, 2]]}');
    await page.getByTestId('try-send').click();
    await page.locator('[data-testid="try-result"][data-status="400"]').waitFor();
    assert.match(await page.getByTestId('try-response').innerText(), /input/i);
    await page.getByTestId('try-panel').scrollIntoViewIfNeeded();
    await shoot(page, '24-run-try-bad-request');
    await page.getByTestId('try-reset').click();
    await waitForText(page, 'try-body', /"instances": \[\[0\./);
  });

  step('the log shows the requests live, with levels', async () => {
    const log = page.getByTestId('log-lines');
    await page.locator('[data-testid="log-line"][data-event="ready"]').waitFor();
    await page.locator('[data-testid="log-line"][data-event="request"]', { hasText: 'POST /predict 400' }).waitFor();
    const before = Number(await log.getAttribute('data-count'));
    await page.getByTestId('try-tab-v2').click();
    await page.getByTestId('try-send').click();
    await eventually('a new log line', async () => Number(await log.getAttribute('data-count')) > before);
    assert.ok(await page.locator('[data-testid="log-line"].log-info').count() > 3);
    await page.getByTestId('serve-log').scrollIntoViewIfNeeded();
    await shoot(page, '25-run-log');
  });

  step('metrics cards update: requests/s, latency, errors and memory with sparklines', async () => {
    const metrics = page.getByTestId('serve-metrics');
    await metrics.scrollIntoViewIfNeeded();
    // A little traffic between two scrapes, so requests/s is measured.
    for (let i = 0; i < 4; i++) {
      await page.getByTestId('try-send').click();
      await page.locator('[data-testid="try-result"][data-status="200"]').waitFor();
    }
    await eventually('three metrics samples', async () => Number(await metrics.getAttribute('data-samples')) >= 3, 20_000);
    await waitForText(page, 'metric-rps-value', /\d/);
    assert.match(await page.getByTestId('metric-latency-value').innerText(), /\d/);
    assert.match(await page.getByTestId('metric-latency-extra').innerText(), /p99 \d/);
    assert.equal((await page.getByTestId('metric-errors-value').innerText()).trim(), '1', 'the one 400 above');
    assert.match(await page.getByTestId('metric-memory-value').innerText(), /\d/);
    assert.ok(Number(await page.getByTestId('spark-memory').getAttribute('data-points')) >= 2);
    await page.getByTestId('serve-card').scrollIntoViewIfNeeded();
    await shootAll(page, '26-run-metrics');
  });

  step('the server keeps running while other steps are visited, and Run finds it again', async () => {
    await page.getByTestId('step-test').click();
    await page.getByTestId('test-screen').waitFor();
    assert.equal(await runDot(), 'ready');
    await page.getByTestId('step-run').click();
    await page.locator('[data-testid="serve-state"][data-state="ready"]').waitFor();
    await page.locator('[data-testid="log-line"][data-event="ready"]').waitFor();
  });

  step('Stop: the server shuts down gracefully and the Run dot goes back to not started', async () => {
    const url = (await page.getByTestId('serve-url').innerText()).trim();
    await page.getByTestId('serve-stop').click();
    await page.locator('[data-testid="serve-state"][data-state="stopped"]').waitFor();
    await page.locator('[data-testid="step-dot-run"][data-status="not-started"]').waitFor();
    await page.locator('[data-testid="log-line"][data-event="shutdown"]').first().waitFor();
    assert.match(await page.getByTestId('serve-facts').innerText(), /exit code 0/);
    await assert.rejects(fetch(`${url}/healthz`), 'nothing listens there any more');
    assert.equal(await page.getByTestId('try-send').isDisabled(), true);
    // Stopped, the examples point where `modeldock serve` listens by default, not at the old port.
    await waitForText(page, 'try-url', /^http:\/\/127\.0\.0\.1:8080\//);
    await page.getByTestId('serve-start').waitFor();
    await shoot(page, '27-run-stopped');
  });

  step('an image model is tried with a photo: picked in the page, sent in each protocol\'s own way, labelled', async () => {
    // A photo beside the model, as a user would have one.
    const png = new PNG({ width: 48, height: 36 });
    for (let i = 0; i < 48 * 36; i++) png.data.set([(i * 5) % 256, 90, 255 - (i % 256), 255], i * 4);
    const photoPath = path.join(models, 'street.png');
    fs.writeFileSync(photoPath, PNG.sync.write(png));
    assert.equal(await page.getByTestId('try-mode-photo').count(), 0, 'iris has no photo mode');
    await openByPath(path.join(models, 'cnn.onnx'));
    await page.getByTestId('step-run').click();
    await page.getByTestId('serve-start').click();
    await page.locator('[data-testid="serve-state"][data-state="ready"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('try-tab-lesson').click();
    await page.getByTestId('try-mode-photo').click();
    await waitForText(page, 'try-explain', /as a form upload/);
    assert.equal(await page.getByTestId('try-send').isDisabled(), true, 'nothing to send before a photo is chosen');
    await page.getByTestId('try-photo-input').setInputFiles(photoPath);
    await page.getByTestId('try-photo-thumb').waitFor();
    assert.match(await page.getByTestId('try-photo-name').innerText(), /street\.png · [\d,]+ bytes/);
    await waitForText(page, 'try-curl', /-F 'image=@street\.png'/);
    await page.getByTestId('try-send').click();
    await page.locator('[data-testid="try-result"][data-status="200"]').waitFor();
    const label = (await page.getByTestId('try-prediction-label').innerText()).trim();
    assert.ok(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'].includes(label), `"${label}" is one of the fixture's CIFAR-10 classes`);
    await page.getByTestId('try-panel').scrollIntoViewIfNeeded();
    await shootAll(page, '29-run-try-photo');
    for (const [protocol, curl] of [['v1', /base64 < 'street\.png'/], ['v2', /"datatype": "BYTES"/], ['v2-binary', /cat 'street\.png'/]] as const) {
      await page.getByTestId(`try-tab-${protocol}`).click();
      await waitForText(page, 'try-curl', curl);
      await page.getByTestId('try-send').click();
      await page.locator('[data-testid="try-result"][data-status="200"]').waitFor();
      assert.equal((await page.getByTestId('try-prediction-label').innerText()).trim(), label, `${protocol} gives the same class`);
    }
    // Back to values: the JSON editor and its sample return.
    await page.getByTestId('try-mode-values').click();
    await waitForText(page, 'try-body', /"datatype": "FP32"/);
    await page.getByTestId('serve-stop').click();
    await page.locator('[data-testid="serve-state"][data-state="stopped"]').waitFor();
  });

  step('an image model with another input: the photo and a value for that input go in one request', async () => {
    await openByPath(path.join(models, 'cnn-temperature.onnx'));
    await page.getByTestId('step-run').click();
    await page.getByTestId('serve-start').click();
    await page.locator('[data-testid="serve-state"][data-state="ready"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('try-tab-lesson').click();
    await page.getByTestId('try-mode-photo').click();
    await page.getByTestId('try-photo-input').setInputFiles(path.join(models, 'street.png'));
    const value = page.getByTestId('try-photo-value-temperature');
    await value.waitFor();
    assert.match(await page.getByTestId('try-photo-others').innerText(), /Value for input temperature\s*float32 \[batch, 1\]/);
    await value.fill('[50]');
    await waitForText(page, 'try-curl', /-F 'image=@street\.png' \\\n\s*-F 'temperature=\[50\]'/);
    await page.getByTestId('try-send').click();
    await page.locator('[data-testid="try-result"][data-status="200"]').waitFor();
    const hot = (JSON.parse(await page.getByTestId('try-response').innerText()) as { predictions: number[][] }).predictions[0];
    assert.ok(Math.max(...hot) < 0.15, `a temperature of 50 flattens the scores: ${hot}`);
    await page.getByTestId('try-panel').scrollIntoViewIfNeeded();
    await shoot(page, '29-run-try-photo-other-input');
    await value.fill('[1,');
    await page.getByTestId('try-send').click();
    await page.getByTestId('try-error').waitFor();
    assert.match(await page.getByTestId('try-error').innerText(), /The value for input "temperature" is not valid JSON/);
    await page.getByTestId('serve-stop').click();
    await page.locator('[data-testid="serve-state"][data-state="stopped"]').waitFor();
  });

  step('the Test step warns when a phone photo is fed as stored while photo viewers show it turned upright', async () => {
    const png = new PNG({ width: 40, height: 30 });
    for (let i = 0; i < 40 * 30; i++) png.data.set([200, (i * 3) % 256, 40, 255], i * 4);
    const portrait = path.join(models, 'portrait.png');
    fs.writeFileSync(portrait, pngWithExif(PNG.sync.write(png), orientationTiff(6)));
    await page.getByTestId('step-test').click();
    await page.getByTestId('file-input-image').setInputFiles(portrait);
    await page.getByTestId('input-file-image').waitFor();
    await page.getByTestId('predict-button').click();
    await page.getByTestId('top1-label').waitFor();
    const note = await page.getByTestId('predict-note').innerText();
    assert.match(note, /portrait\.png is stored turned 90° anticlockwise \(EXIF orientation 6\)/);
    assert.match(note, /set orientation: exif under inputs\.image/);
    // What the model sees: the photo as its 32x32 tensor, with each channel's values.
    await page.getByTestId('model-sees-item').waitFor();
    assert.match(await page.getByTestId('model-sees').innerText(), /portrait\.png\s*→ 32×32, NCHW, input image/);
    assert.equal(await page.getByTestId('model-sees-stats').locator('tbody tr').count(), 3);
    await shoot(page, '29-test-photo-orientation');
    await page.getByTestId('model-sees').scrollIntoViewIfNeeded();
    await shootAll(page, '29-test-model-sees');
  });

  step('a model the runtime cannot load: the reason in plain words, its log lines, a red Run dot', async () => {
    await openByPath(path.join(models, 'unknown-domain.onnx'));
    await page.getByTestId('step-run').click();
    await page.getByTestId('serve-start').click();
    const banner = page.getByTestId('serve-error');
    await banner.waitFor({ timeout: 60_000 });
    assert.match(await banner.getByTestId('error-title').innerText(), /could not start/);
    const message = await banner.getByTestId('error-message').innerText();
    assert.match(message, /before the model was ready: \S+/);
    assert.doesNotMatch(message, /\n\s+at /);
    assert.equal(await page.getByTestId('serve-state').getAttribute('data-state'), 'failed');
    await page.locator('[data-testid="step-dot-run"][data-status="error"]').waitFor();
    await page.locator('[data-testid="log-line"].log-error').first().waitFor();
    await shoot(page, '28-run-failed');
    const errors = pageErrors(browser);
    assert.deepEqual(errors, []);
  });
});

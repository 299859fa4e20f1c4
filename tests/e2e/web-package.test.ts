// E2E: the Package step and "In a Docker container" on the Run step, in web mode, driven through Debian's Chromium
// with playwright-core against the real Docker Engine. Opens iris.onnx, checks Docker and the offline base image,
// previews the Dockerfile, builds the image with a determinate progress bar, builds it again from the cache, runs it
// in a container with CPU and memory limits, sends a request through it, reads its log and CPU/memory, load-tests
// it, stops it, pushes it to a registry on loopback (Debian's docker-registry) and removes the image from the
// Versions table.
// Screenshots: test-output/screenshots/30-*.png (1280x800; the main ones also at 1920x1080, one in dark mode).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import { CHROMIUM, shoot, shootBoth, type BrowserSession, pageErrors, shootAll } from './support/browser';
import { type RunningWeb } from './support/start-web';
import { ensureBuilt } from '../support/ensure-built';
import { eventually, openModelByPath, waitForText } from './support/wait';
import { closeE2E, openApp, recordingStep } from './support/steps';
import { prepareWorkspace } from './support/workspace';

const LABELS = ['setosa', 'versicolor', 'virginica'];
// A tag of its own per run, so a leftover image from an interrupted run never answers for this one.
const REFERENCE = `modeldock-e2e/iris:${Date.now().toString(36)}`;
const haveChromium = fs.existsSync(CHROMIUM);
const haveDocker = !!process.env.DOCKER_HOST || fs.existsSync('/var/run/docker.sock');
const REGISTRY_BIN = '/usr/bin/docker-registry';
const skip = !haveChromium ? `no Chromium at ${CHROMIUM}` : !haveDocker ? 'no Docker Engine (no DOCKER_HOST, no /var/run/docker.sock)' : false;

describe('web package and run in Docker', { skip }, () => {
  let dataDir = '';
  let models = '';
  let web: RunningWeb;
  let browser: BrowserSession;
  let page: Page;
  let containerUrl = '';
  let registry: { address: string; process: ChildProcess; dir: string } | null = null;

  before(async () => {
    ensureBuilt();
    ({ dataDir, models } = await prepareWorkspace('modeldock-e2e-package-', ['iris.onnx'], /^(3\d-(?!package-docker-down)|FAILED-package-)/));
    ({ browser, page, web } = await openApp(dataDir));
  });

  after(async () => {
    if (registry) {
      registry.process.kill('SIGTERM');
      fs.rmSync(registry.dir, { recursive: true, force: true });
    }
    await closeE2E({ browser, web, dataDir });
  });

  const step = recordingStep(() => ({ browser, web }), 'package-');

  step('without a model, Package explains what it will do', async () => {
    await page.getByTestId('step-package').click();
    await page.getByTestId('package-empty').waitFor();
    assert.equal(await page.getByTestId('step-dot-package').getAttribute('data-status'), 'not-started');
    await shoot(page, '30-package-no-model');
  });

  step('opens iris.onnx: Package finds Docker and its base images', async () => {
    await page.getByTestId('step-model').click();
    await openModelByPath(page, path.join(models, 'iris.onnx'));
    await page.getByTestId('step-package').click();
    await page.getByTestId('package-screen').waitFor();
    await page.locator('[data-testid="docker-state"][data-state="ready"]').waitFor();
    assert.match(await page.getByTestId('docker-facts').innerText(), /linux\/(amd64|arm64) · \d+ CPUs/);
    // The offline base is what this machine can build from without a registry: make it when it is missing.
    if ((await page.getByTestId('offline-base-state').innerText()).includes('not made')) {
      await page.getByTestId('make-base').click();
      await page.locator('[data-testid="offline-base-state"]', { hasText: 'on this machine' }).waitFor({ timeout: 60_000 });
    }
    assert.equal(await page.getByTestId('step-dot-package').getAttribute('data-status'), 'ready');
  });

  step('the image settings explain themselves and the Dockerfile preview follows them', async () => {
    await page.getByTestId('base-offline').check();
    await page.getByTestId('image-reference').fill(REFERENCE);
    await page.locator(`[data-testid="plan"][data-reference="${REFERENCE}"]`).waitFor();
    const dockerfile = await page.getByTestId('dockerfile').locator('pre').innerText();
    assert.match(dockerfile, /^FROM modeldock\/node-offline:20/m);
    assert.match(dockerfile, /^USER 10001/m);
    assert.match(dockerfile, /^HEALTHCHECK/m);
    assert.match(dockerfile, /^(CMD|ENTRYPOINT) \[/m);
    const files = await page.getByTestId('context-file').allInnerTexts();
    assert.ok(files.some((f) => /iris\.onnx|model/.test(f)), `the model is in the context: ${files.join(' | ')}`);
    assert.ok(files.length >= 3, 'runtime, ONNX Runtime, config and model files are listed');
    // Each setting carries a sentence of explanation, and the "why?" disclosures open.
    const help = await page.getByTestId('image-settings').locator('.setting-help').allInnerTexts();
    assert.ok(help.length >= 4 && help.every((h) => h.length > 40), 'every setting is explained');
    await page.getByTestId('image-settings').locator('summary').click();
    await page.getByTestId('image-settings').getByText('built in layers').waitFor();
    // A bad name is caught before anything is sent to Docker.
    await page.getByTestId('image-reference').fill('Iris Model');
    await page.getByTestId('image-reference-problem').waitFor();
    assert.equal(await page.getByTestId('build-image').isDisabled(), true);
    await page.getByTestId('image-reference').fill(REFERENCE);
    await page.getByTestId('image-reference-problem').waitFor({ state: 'detached' });
    await page.getByTestId('docker-status').scrollIntoViewIfNeeded();
    await shootBoth(page, '31-package-plan');
    await page.getByTestId('dockerfile-card').scrollIntoViewIfNeeded();
    await shoot(page, '31-package-dockerfile');
  });

  step('Build: a determinate progress bar names each step, then a summary card', async () => {
    await page.getByTestId('build-image').click();
    await page.getByTestId('build-card').waitFor();
    // Catch the bar at a numbered step (the build of a small model takes a few seconds).
    const labels = new Set<string>();
    let shotMidBuild = false;
    const until = Date.now() + 120_000;
    while (Date.now() < until && !(await page.getByTestId('build-summary').isVisible())) {
      const label = await page.getByTestId('build-progress-label').innerText({ timeout: 200 }).catch(() => '');
      if (label) labels.add(label);
      if (!shotMidBuild && /^Step \d+\/\d+: /.test(label)) {
        shotMidBuild = true;
        await shoot(page, '32-package-building');
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await page.getByTestId('build-summary').waitFor({ timeout: 5_000 });
    assert.ok([...labels].some((l) => /^Step \d+\/\d+: /.test(l)), `a "Step N/M: ..." label was shown: ${[...labels].join(' | ')}`);
    assert.equal((await page.getByTestId('build-reference').innerText()).trim(), REFERENCE);
    assert.match(await page.getByTestId('build-size').innerText(), /\d/);
    assert.match(await page.getByTestId('build-cached').innerText(), /^\d+\/\d+$/);
    assert.match(await page.getByTestId('build-image-id').innerText(), /^[0-9a-f]{12}$/);
    assert.ok(await page.getByTestId('build-step').count() >= 3, 'the build steps are listed');
    await page.locator('[data-testid="step-dot-package"][data-status="done"]').waitFor();
    await page.getByTestId('build-log-toggle').locator('summary').click();
    assert.ok(Number(await page.getByTestId('build-log').getAttribute('data-count')) > 0, 'the raw log has lines');
    await page.getByTestId('build-card').scrollIntoViewIfNeeded();
    await shootBoth(page, '33-package-built');
  });

  step('Build again: the steps come from the cache, marked so, and both builds are listed', async () => {
    await page.getByTestId('build-image').click();
    await page.getByTestId('build-progress').waitFor().catch(() => {});
    await page.getByTestId('build-summary').waitFor({ timeout: 60_000 });
    // Nothing changed, so the layers come from the cache (the final labels carry the build time and are redone).
    // Only the ONNX Runtime layer is asserted by name: a concurrent `npm run build` may rewrite the runtime bundle.
    const [cached, total] = (await page.getByTestId('build-cached').innerText()).split('/').map(Number);
    assert.ok(cached > 0 && cached < total, `rebuilt from the cache: ${cached}/${total}`);
    assert.equal(await page.locator('[data-testid="build-step"][data-cached="true"]').count(), cached, 'each cached step is marked');
    assert.equal(await page.locator('[data-testid="build-step"][data-cached="true"]', { hasText: 'COPY onnxruntime/' }).count(), 1);
    const row = page.locator(`[data-testid="version-row"][data-reference="${REFERENCE}"]`).first();
    await row.waitFor();
    assert.equal(await row.getAttribute('data-present'), 'true');
    await page.getByTestId('versions').scrollIntoViewIfNeeded();
    await shootBoth(page, '34-package-versions');
  });

  step('Run it: the Run step opens in Docker mode with the image picked, and the container gets ready', async () => {
    await page.getByTestId('build-card').scrollIntoViewIfNeeded();
    await page.getByTestId('build-run').click();
    await page.getByTestId('container-card').waitFor();
    assert.equal(await page.getByTestId('run-mode-docker').getAttribute('aria-checked'), 'true');
    await eventually('the built image picked', async () => (await page.getByTestId('container-image').locator('option:checked').innerText()).startsWith(REFERENCE));
    const help = await page.getByTestId('container-card').locator('.setting-help').allInnerTexts();
    assert.ok(help.length >= 5 && help.every((h) => h.length > 30), 'every container setting is explained');
    await page.getByTestId('container-cpus').fill('abc');
    await page.getByTestId('container-cpus-problem').waitFor();
    assert.equal(await page.getByTestId('container-run').isDisabled(), true);
    await page.getByTestId('container-cpus').fill('1');
    await page.getByTestId('container-memory').fill('512');
    await page.getByTestId('container-env').fill('MODELDOCK_LOG_LEVEL=info');
    await shoot(page, '35-run-container-settings');
    await page.getByTestId('container-run').click();
    await page.locator('[data-testid="container-state"][data-state="ready"]').waitFor({ timeout: 90_000 });
    containerUrl = (await page.getByTestId('container-url').innerText()).trim();
    assert.match(containerUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(await page.getByTestId('container-facts').innerText(), new RegExp(`^${REFERENCE} · ready in [\\d.]+ (ms|s) · 1 core, 512 MB`));
    const ready = await fetch(`${containerUrl}/readyz`);
    assert.equal(ready.status, 200);
    await page.locator('[data-testid="step-dot-run"][data-status="ready"]').waitFor();
    // What the runtime in the container measured and decided, as the local server card shows it.
    await waitForText(page, 'container-plan-inference', /^On the server thread, between requests$/);
    assert.match(await page.getByTestId('container-plan-batching').innerText(), /^Up to \d+ rows per model call/);
    await shootBoth(page, '35-run-container-ready');
  });

  step('Try: a request through the container answers 200 with a labelled class; curl points at the container', async () => {
    await page.getByTestId('try-tab-lesson').click();
    await waitForText(page, 'try-curl', new RegExp(`${containerUrl.replace(/[.:/]/g, '\\$&')}/predict`));
    await page.getByTestId('try-send').click();
    await page.locator('[data-testid="try-result"][data-status="200"]').waitFor();
    const label = (await page.getByTestId('try-prediction-label').innerText()).trim();
    assert.ok(LABELS.includes(label), `prediction "${label}" is one of ${LABELS.join(', ')}`);
    await page.getByTestId('try-tab-v2').click();
    await page.getByTestId('try-send').click();
    await page.locator('[data-testid="try-result"][data-status="200"]').waitFor();
    await page.getByTestId('container-try').scrollIntoViewIfNeeded();
    await shoot(page, '36-run-container-try');
  });

  step('the container log shows the requests, and CPU and memory are measured against the limits', async () => {
    await page.locator('[data-testid="log-line"][data-event="request"]').first().waitFor();
    assert.ok(Number(await page.getByTestId('log-lines').getAttribute('data-count')) > 2);
    await eventually('two stats samples', async () => Number(await page.getByTestId('spark-container-memory').getAttribute('data-points')) >= 2, 30_000);
    assert.match(await page.getByTestId('stat-cpu-value').innerText(), /^\d+\.\d\d$/);
    assert.match(await page.getByTestId('stat-memory-value').innerText(), /\d/);
    assert.match(await page.getByTestId('stat-memory').innerText(), /limit 512 MB/);
    await page.getByTestId('container-log').scrollIntoViewIfNeeded();
    await shoot(page, '37-run-container-log');
  });

  step('Load test: progress, then requests/s and p50/p90/p99 with a latency histogram', async () => {
    await page.getByTestId('load-test').scrollIntoViewIfNeeded();
    await page.getByTestId('load-concurrency-4').click();
    await page.getByTestId('load-duration-5').click();
    await page.getByTestId('load-run').click();
    await page.getByTestId('load-progress').waitFor();
    await page.getByTestId('load-result').waitFor({ timeout: 60_000 });
    assert.ok(Number(await page.getByTestId('load-rps').innerText()) > 0);
    for (const id of ['load-p50', 'load-p90', 'load-p99']) assert.match(await page.getByTestId(id).innerText(), /\d/);
    assert.ok(Number(await page.getByTestId('load-histogram').getAttribute('data-buckets')) >= 1);
    await page.getByTestId('load-result').scrollIntoViewIfNeeded();
    await shootAll(page, '38-run-load-test');
  });

  step('Stop: the container stops, is removed, and nothing listens at its address', async () => {
    await page.getByTestId('container-stop').click();
    await page.locator('[data-testid="container-state"][data-state="removed"], [data-testid="container-state"][data-state="exited"]').waitFor({ timeout: 60_000 });
    await assert.rejects(fetch(`${containerUrl}/healthz`), 'nothing listens there any more');
    await page.getByTestId('container-run').waitFor();
    assert.equal(await page.getByTestId('try-send').isDisabled(), true);
    await page.getByTestId('container-card').scrollIntoViewIfNeeded();
    await shoot(page, '39-run-container-stopped');
  });

  step('Push: to a registry on loopback, with the pushed digest and a pinned reference to copy', async () => {
    if (!fs.existsSync(REGISTRY_BIN)) {
      console.log(`push step not run: no ${REGISTRY_BIN} (Debian docker-registry)`);
      return;
    }
    registry = await startRegistry();
    await page.getByTestId('step-package').click();
    await page.getByTestId('push-card').scrollIntoViewIfNeeded();
    await page.getByTestId('push-registry').fill(registry.address);
    await waitForText(page, 'push-target', new RegExp(`^${registry.address.replace(/[.:]/g, '\\$&')}/${REFERENCE}$`));
    await page.getByTestId('push-run').click();
    await page.getByTestId('push-result').waitFor({ timeout: 120_000 });
    assert.match(await page.getByTestId('push-digest').innerText(), /^sha256:[0-9a-f]{64}$/);
    assert.match(await page.getByTestId('push-pinned').locator('pre').innerText(), new RegExp(`^docker pull ${registry.address}/modeldock-e2e/iris@sha256:[0-9a-f]{64}$`));
    // The registry really has it.
    const tags = await (await fetch(`http://${registry.address}/v2/modeldock-e2e/iris/tags/list`)).json() as { tags: string[] };
    assert.ok(tags.tags.includes(REFERENCE.split(':')[1]), `pushed tag listed: ${JSON.stringify(tags)}`);
    await page.getByTestId('push-card').scrollIntoViewIfNeeded();
    await shootBoth(page, '39-package-pushed');
  });

  step('Versions keep the load test; Remove deletes the image', async () => {
    await page.getByTestId('step-package').click();
    const row = page.locator(`[data-testid="version-row"][data-reference="${REFERENCE}"]`).first();
    await row.waitFor();
    await eventually('the load test in the versions table', async () => /req\/s/.test(await row.getByTestId('version-load-test').innerText()));
    await row.scrollIntoViewIfNeeded();
    await shoot(page, '39-package-versions-load-test');
    // The rebuild took the tag: the first image is listed under its id. Remove both, newest first.
    assert.ok(await page.getByTestId('version-tag-moved').count() >= 1, 'the older build says its tag moved');
    const present = page.locator(`[data-testid="version-row"][data-reference="${REFERENCE}"][data-present="true"]`);
    for (let left = await present.count(); left > 0; left--) {
      await present.first().getByTestId('version-remove').click();
      await present.first().getByTestId('version-remove-confirm').click();
      await eventually('one row fewer', async () => (await present.count()) === left - 1);
    }
    const errors = pageErrors(browser);
    assert.deepEqual(errors, []);
  });
});

/** Debian's docker-registry on 127.0.0.1 (Docker treats loopback registries as plain HTTP), no auth, temp storage. */
async function startRegistry(): Promise<{ address: string; process: ChildProcess; dir: string }> {
  const port = await new Promise<number>((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as net.AddressInfo;
      server.close(() => resolve(free));
    }).on('error', reject);
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-e2e-registry-'));
  const config = path.join(dir, 'config.yml');
  fs.writeFileSync(config, [
    'version: 0.1',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'data')}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '',
  ].join('\n'));
  const child = spawn(REGISTRY_BIN, ['serve', config], { stdio: 'ignore' });
  const address = `127.0.0.1:${port}`;
  await eventually('the registry to answer', async () => (await fetch(`http://${address}/v2/`)).status === 200, 15_000);
  return { address, process: child, dir };
}

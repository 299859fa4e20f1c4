// E2E: the Package step when no Docker Engine answers (DOCKER_HOST pointing at a socket that does not exist, as on a
// laptop where Docker Desktop is not started). The user must read "Docker is not running" with the next step, still
// see the Dockerfile that would be built, and not be offered a build that cannot work.
// Screenshot: test-output/screenshots/31-package-docker-down.png.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import { CHROMIUM, shoot, type BrowserSession, pageErrors } from './support/browser';
import { type RunningWeb } from './support/start-web';
import { ensureBuilt } from '../support/ensure-built';
import { closeE2E, openApp, recordingStep } from './support/steps';
import { prepareWorkspace } from './support/workspace';
import { eventually, openModelByPath } from './support/wait';

describe('web package without Docker', { skip: fs.existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let dataDir = '';
  let models = '';
  let web: RunningWeb;
  let browser: BrowserSession;
  let page: Page;
  const savedHost = process.env.DOCKER_HOST;

  before(async () => {
    ensureBuilt();
    ({ dataDir, models } = await prepareWorkspace('modeldock-e2e-nodocker-', ['iris.onnx'], /^31-package-docker-down/));
    // The web server inherits this: its engine talks to a socket nobody listens on.
    process.env.DOCKER_HOST = `unix://${path.join(dataDir, 'no-docker.sock')}`;
    ({ browser, page, web } = await openApp(dataDir));
  });

  after(async () => {
    if (savedHost === undefined) delete process.env.DOCKER_HOST; else process.env.DOCKER_HOST = savedHost;
    await closeE2E({ browser, web, dataDir });
  });

  const step = recordingStep(() => ({ browser, web }), 'nodocker-');

  step('Package says Docker is not running and how to start it, and still shows the Dockerfile', async () => {
    await openModelByPath(page, path.join(models, 'iris.onnx'));
    // The sidebar warns before the user opens Package: no engine answers, so nothing can be built.
    await eventually('the Package dot warns', async () => (await page.getByTestId('step-package').getAttribute('data-status')) === 'warning');
    await page.getByTestId('step-package').click();
    await page.getByTestId('package-screen').waitFor();
    await page.locator('[data-testid="docker-state"]:not([data-state="checking"])').waitFor();
    assert.notEqual(await page.getByTestId('docker-state').getAttribute('data-state'), 'ready');
    const banner = await page.getByTestId('docker-error').innerText();
    assert.match(banner, /Docker is not running/);
    assert.match(banner, /no-docker\.sock/);
    assert.match(banner, /start/i);
    // The plan needs no engine: the Dockerfile is there to read, with a warning that building needs Docker.
    await page.getByTestId('plan').waitFor();
    assert.match(await page.getByTestId('plan').innerText(), /FROM /);
    assert.match(await page.getByTestId('plan-warnings').innerText(), /building needs Docker/);
    assert.equal(await page.getByTestId('build-image').isDisabled(), true, 'no build offered without an engine');
    await shoot(page, '31-package-docker-down');
    const errors = pageErrors(browser);
    assert.deepEqual(errors, []);
  });
});

// E2E: "Apply to a cluster" on the Deploy step, in web mode, driven through Debian's Chromium with playwright-core,
// against the Kubernetes API stand-in (tests/support/kube-api-standin.ts): no real API server can run on this
// machine. The web server gets KUBECONFIG pointing at a temp kubeconfig for the stand-in (~/.kube is never read).
// No Docker is needed: the image history holds one pushed build, written the way the Package step records it.
// The test reads the live-cluster banner, shows the changes (all new), applies with confirmation, watches the
// rollout finish, then sees "nothing to change" and a one-setting change as a coloured diff.
// Screenshots: test-output/screenshots/45-apply-*.png (1280x800; the main ones also at 1920x1080).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import type { BuildRecord } from '../../shared/schemas/docker';
import { ensureBuilt } from '../support/ensure-built';
import { KubeApiStandin } from '../support/kube-api-standin';
import { CHROMIUM, pageErrors, shoot, shootBoth, type BrowserSession } from './support/browser';
import { type RunningWeb } from './support/start-web';
import { closeE2E, openApp, recordingStep } from './support/steps';
import { eventually, openModelByPath, waitForText } from './support/wait';
import { prepareWorkspace } from './support/workspace';

const IMAGE = 'registry.example.com/team/iris:1';
const DIGEST = `sha256:${'c4'.repeat(32)}`;
const skip = fs.existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;

describe('web apply to a cluster', { skip }, () => {
  let dataDir = '';
  let models = '';
  let web: RunningWeb;
  let browser: BrowserSession;
  let page: Page;
  let standin: KubeApiStandin;
  let savedKubeconfig: string | undefined;

  before(async () => {
    ensureBuilt();
    ({ dataDir, models } = await prepareWorkspace('modeldock-e2e-apply-', ['iris.onnx'], /^(45-|FAILED-apply-)/));
    writeHistory(dataDir, path.join(models, 'iris.onnx'));
    standin = await new KubeApiStandin({ namespaces: ['default', 'modeldock'] }).start();
    savedKubeconfig = process.env.KUBECONFIG;
    // startWeb passes this process's environment to the server.
    process.env.KUBECONFIG = standin.writeKubeconfig(path.join(dataDir, 'kubeconfig'), { context: 'kind-standin' });
    ({ browser, page, web } = await openApp(dataDir));
  });

  after(async () => {
    if (savedKubeconfig === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = savedKubeconfig;
    await closeE2E({ browser, web, dataDir });
    await standin?.stop();
  });

  const step = recordingStep(() => ({ browser, web }), 'apply-');

  step('the Deploy step offers the current kube context and says plainly that it is a live cluster', async () => {
    await openModelByPath(page, path.join(models, 'iris.onnx'));
    await page.getByTestId('step-deploy').click();
    await page.getByTestId('deploy-screen').waitFor();
    await page.getByTestId('deploy-apply').waitFor();
    await waitForText(page, 'apply-live-banner', new RegExp(`This talks to a live cluster: kind-standin \\(${escape(standin.url)}\\)\\. Changes are real\\.`));
    assert.equal(await page.getByTestId('apply-context').inputValue(), 'kind-standin');
    assert.match(await page.getByTestId('apply-context').innerText(), /kind-standin \(current\)/);
    assert.equal(await page.getByTestId('apply-namespace').inputValue(), 'modeldock');
    assert.equal(await page.getByTestId('apply-run').isDisabled(), true, 'Apply waits for "Show changes"');
    await page.getByTestId('deploy-apply').scrollIntoViewIfNeeded();
    await shoot(page, '45-apply-ready');
  });

  step('Show changes: every object new, from a server-side dry run that stores nothing', async () => {
    await eventually('Show changes enabled', async () => !(await page.getByTestId('apply-diff').isDisabled()));
    await page.getByTestId('apply-diff').click();
    await page.getByTestId('apply-diff-result').waitFor();
    assert.match(await page.getByTestId('apply-diff-summary').innerText(), /5 new, 0 changed, 0 unchanged/);
    const refs = await page.getByTestId('apply-object').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-change')} ${e.getAttribute('data-ref')}`));
    assert.deepEqual(refs, ['new ConfigMap/iris-config', 'new Deployment/iris', 'new Service/iris', 'new HorizontalPodAutoscaler/iris', 'new PodDisruptionBudget/iris']);
    assert.equal(standin.list().filter((o) => o.kind !== 'Namespace').length, 0);
    const deployment = page.locator('[data-testid="apply-object"][data-ref="Deployment/iris"]');
    await deployment.locator('summary').click();
    assert.match(await deployment.getByTestId('apply-diff-lines').innerText(), new RegExp(`\\+ +image: ${escape(`${IMAGE}@${DIGEST}`)}`));
    assert.ok(await deployment.locator('.diff-add').count() > 50, 'a new object is all added lines');
    await shootBoth(page, '45-apply-diff');
  });

  step('Apply asks first, then applies each object and follows the rollout to the end', async () => {
    await page.getByTestId('apply-run').click();
    await page.getByTestId('apply-confirm-box').waitFor();
    assert.match(await page.getByTestId('apply-confirm-box').innerText(), /Apply 5 objects \(5 new, 0 changed\) to kind-standin, namespace modeldock\? This changes the cluster\./);
    await shoot(page, '45-apply-confirm');
    await page.getByTestId('apply-confirm').click();
    await page.locator('[data-testid="apply-result"][data-state="complete"]').waitFor();
    assert.match(await page.getByTestId('apply-result-text').innerText(), /Rolled out to kind-standin, namespace modeldock, in [\d.]+ s\./);
    assert.deepEqual(await page.getByTestId('apply-applied-object').evaluateAll((els) => els.map((e) => e.getAttribute('data-result'))), ['created', 'created', 'created', 'created', 'created']);
    assert.equal(await page.getByTestId('apply-rollout-deployment').getAttribute('data-done'), 'true');
    const deployment = standin.get('apps/v1', 'deployments', 'modeldock', 'iris');
    assert.equal(deployment?.spec.template.spec.containers[0].image, `${IMAGE}@${DIGEST}`);
    assert.equal(deployment?.metadata.managedFields[0].manager, 'modeldock');
    await page.getByTestId('apply-result').scrollIntoViewIfNeeded();
    await shootBoth(page, '45-apply-done');
  });

  step('then nothing to change; a changed setting shows as a coloured diff of that one object', async () => {
    await page.getByTestId('apply-diff').click();
    await waitForText(page, 'apply-diff-summary', /Nothing to change/);
    await page.getByTestId('max-replicas').fill('7');
    await page.getByTestId('apply-diff-result').waitFor({ state: 'detached' });
    await waitForText(page, 'yaml-code', /maxReplicas: 7/);
    await eventually('Show changes enabled', async () => !(await page.getByTestId('apply-diff').isDisabled()));
    await page.getByTestId('apply-diff').click();
    await waitForText(page, 'apply-diff-summary', /0 new, 1 changed, 4 unchanged/);
    const changed = page.locator('[data-testid="apply-object"][data-change="changed"]');
    assert.equal(await changed.getAttribute('data-ref'), 'HorizontalPodAutoscaler/iris');
    assert.match(await changed.locator('.diff-remove').innerText(), /- +maxReplicas: \d+/);
    assert.match(await changed.locator('.diff-add').innerText(), /\+ +maxReplicas: 7/);
    await changed.scrollIntoViewIfNeeded();
    await shoot(page, '45-apply-changed');
    assert.deepEqual(pageErrors(browser), []);
  });
});

/** One pushed build of the model, as the Package step records it (builds.json in the data dir). */
function writeHistory(dataDir: string, modelPath: string): void {
  const build: BuildRecord = {
    id: 'e2e-apply-build', modelPath, specPath: null, modelName: 'iris', modelVersion: '1',
    modelSha256: 'a'.repeat(64), modelBytes: fs.statSync(modelPath).size, reference: 'iris:1', imageId: `sha256:${'e2'.repeat(32)}`,
    sizeBytes: 180_000_000, baseImage: 'node:20-slim', baseSizeBytes: 170_000_000, platform: 'linux/amd64', builtAt: new Date().toISOString(),
    buildMs: 4000, cachedSteps: 3, totalSteps: 6, dockerfile: 'FROM node:20-slim\n', present: true, loadTests: [],
    pushes: [{ reference: IMAGE, digest: DIGEST, at: new Date().toISOString() }], coldStartMs: 1800, benchmark: null,
  };
  fs.writeFileSync(path.join(dataDir, 'builds.json'), JSON.stringify({ version: 1, builds: [build] }));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

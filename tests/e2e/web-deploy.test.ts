// E2E: the Deploy step in web mode, driven through Debian's Chromium with playwright-core. The setup builds two
// images of iris.onnx with the real Docker Engine (through the engine, as the Package step would) and load-tests
// the first in a container; the test then picks the image, changes the Kubernetes settings and watches the YAML
// preview and checks follow, sizes the pods with the capacity planner, exports (anyway, then cleanly), and checks
// the files on disk: `kubectl kustomize` renders both overlays, the spec's kubernetes: section holds the settings,
// and `modeldock export` from that spec writes the same manifests.
// Screenshots: test-output/screenshots/40-*.png (1280x800; the main ones also at 1920x1080, one in dark mode).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import { createEngine } from '../../main/engine/engine';
import { specPathForModel } from '../../main/spec/spec-file';
import { validateSpecText } from '../../main/spec/spec-validate';
import { OFFLINE_BASE_IMAGE } from '../../shared/schemas/spec';
import { ensureBuilt } from '../support/ensure-built';
import { CHROMIUM, shoot, shootBoth, type BrowserSession, pageErrors } from './support/browser';
import { ROOT, type RunningWeb } from './support/start-web';
import { eventually, openModelByPath, waitForText } from './support/wait';
import { closeE2E, openApp, recordingStep } from './support/steps';
import { prepareWorkspace } from './support/workspace';

const RUN = Date.now().toString(36);
// Two tags of their own per run: the first is load-tested, the second (newer) is not.
const TESTED = `modeldock-e2e/iris-deploy:${RUN}-a`;
const UNTESTED = `modeldock-e2e/iris-deploy:${RUN}-b`;
const KUBECTL = '/usr/bin/kubectl';
const haveChromium = fs.existsSync(CHROMIUM);
/** What the user wrote in the spec's kubernetes: section before opening the Deploy screen; saving keeps it. */
const USER_KUBERNETES = `kubernetes:
  # Team rule: ask #platform before changing the namespace.
  namespace: modeldock   # agreed with the platform team
`;
const haveDocker = !!process.env.DOCKER_HOST || fs.existsSync('/var/run/docker.sock');
const skip = !haveChromium ? `no Chromium at ${CHROMIUM}` : !haveDocker ? 'no Docker Engine (no DOCKER_HOST, no /var/run/docker.sock)' : false;

describe('web deploy', { skip }, () => {
  let dataDir = '';
  let models = '';
  let outDir = '';
  let web: RunningWeb;
  let browser: BrowserSession;
  let page: Page;
  const imageIds: string[] = [];
  let userHead = '';

  before(async () => {
    ensureBuilt();
    ({ dataDir, models } = await prepareWorkspace('modeldock-e2e-deploy-', ['iris.onnx'], /^(4[0-4]-deploy-|FAILED-deploy-)/));
    outDir = path.join(dataDir, 'out');
    await prepareImages(dataDir, path.join(models, 'iris.onnx'), imageIds);
    ({ browser, page, web } = await openApp(dataDir));
  });

  after(async () => {
    const engine = createEngine({ dataDir, shell: 'cli' });
    for (const id of imageIds) await engine.invoke('image.remove', { image: id }).catch(() => {});
    await engine.dispose();
    await closeE2E({ browser, web, dataDir });
  });

  const step = recordingStep(() => ({ browser, web }), 'deploy-');

  step('without a model, Deploy explains what it will do', async () => {
    await page.getByTestId('step-deploy').click();
    await page.getByTestId('deploy-empty').waitFor();
    assert.match(await page.getByTestId('step-deploy').innerText(), /Kubernetes/);
    await shoot(page, '40-deploy-no-model');
  });

  step('opens iris.onnx: the newest image is picked, and the planner asks for a load test it does not have', async () => {
    await page.getByTestId('step-model').click();
    await openModelByPath(page, path.join(models, 'iris.onnx'));
    await page.getByTestId('step-deploy').click();
    await page.getByTestId('deploy-screen').waitFor();
    await waitForText(page, 'deploy-image-ref', new RegExp(`^${escape(UNTESTED)}$`));
    await page.getByTestId('deploy-image-local').waitFor();
    await page.getByTestId('capacity-no-load-test').waitFor();
    assert.match(await page.getByTestId('capacity-no-load-test').innerText(), /Run step/);
    assert.equal(await page.getByTestId('capacity-goto-run').isVisible(), true);
    await page.locator('[data-testid="deploy-save"][data-state="saved"]').waitFor();
    assert.match(await page.getByTestId('deploy-save').innerText(), /Defaults shown/);
    await shoot(page, '40-deploy-no-load-test');
  });

  step('a spec the user wrote, with comments inside kubernetes:, is what the screen starts from', async () => {
    // The user saves the starter with a kubernetes: section of their own (comments included), then comes back.
    await page.getByTestId('step-model').click();
    const engine = createEngine({ dataDir, shell: 'cli' });
    try {
      userHead = (await engine.invoke('spec.forModel', { modelPath: path.join(models, 'iris.onnx') })).text.trimEnd();
    } finally {
      await engine.dispose();
    }
    fs.writeFileSync(specPathForModel(path.join(models, 'iris.onnx')), `${userHead}\n\n${USER_KUBERNETES}`);
    await page.getByTestId('step-deploy').click();
    await page.getByTestId('deploy-screen').waitFor();
    await page.locator('[data-testid="deploy-save"][data-state="saved"]').waitFor();
    assert.match(await page.getByTestId('deploy-save').innerText(), /^Saved in .*modeldock\.yaml \(kubernetes: section\)/);
  });

  step('picks the load-tested image: manifests, checks and rollout steps appear, every setting explained', async () => {
    await page.getByTestId('deploy-image-select').selectOption({ label: await optionLabel(page, TESTED) });
    await waitForText(page, 'deploy-image-ref', new RegExp(`^${escape(TESTED)}$`));
    assert.match(await page.getByTestId('deploy-image-facts').innerText(), /Load test: [\d.]+ req\/s/);
    await page.getByTestId('capacity-plan').waitFor();
    await waitForText(page, 'yaml-code', new RegExp(`image: ${escape(TESTED)}`));
    assert.match(await page.getByTestId('checks-badge').innerText(), /passed/);
    assert.equal(await page.getByTestId('checks-required').getAttribute('data-failed'), '0');
    assert.ok(Number(await page.getByTestId('checks-required').getAttribute('data-passed')) > 20);
    assert.match(await page.getByTestId('rollout-deploy').innerText(), /kubectl apply/);
    assert.match(await page.getByTestId('rollout-rollback').innerText(), /rollout undo|kubectl/);
    // Each setting has a sentence, each card a "why?".
    for (const card of ['deploy-scaling', 'deploy-resources', 'deploy-exposure', 'deploy-guard', 'deploy-rollout']) {
      const help = await page.getByTestId(card).locator('.setting-help').allInnerTexts();
      assert.ok(help.length >= 1 && help.every((h) => h.length > 40), `${card}: every setting is explained (${help.join(' | ')})`);
      assert.equal(await page.getByTestId(card).locator('details.why').count(), 1, `${card} has a why?`);
    }
    await page.getByTestId('why-scaling').locator('summary').click();
    await page.getByTestId('why-scaling').getByText('HorizontalPodAutoscaler watches').waitFor();
    await page.getByTestId('deploy-image').scrollIntoViewIfNeeded();
    await shootBoth(page, '40-deploy-overview');
  });

  step('settings change the YAML preview: replicas, strategy, ingress, NetworkPolicy, ServiceMonitor', async () => {
    await page.getByTestId('max-replicas').fill('7');
    await waitForText(page, 'yaml-code', /maxReplicas: 7/);
    // A contradiction is caught beside the field and nothing is regenerated from it.
    await page.getByTestId('min-replicas').fill('9');
    await page.getByTestId('replica-range-problem').waitFor();
    assert.match(await page.getByTestId('export-blocked').innerText(), /setting has a problem/);
    assert.equal(await page.getByTestId('deploy-save').getAttribute('data-state'), 'blocked');
    await page.getByTestId('min-replicas').fill('2');
    await page.getByTestId('replica-range-problem').waitFor({ state: 'detached' });

    await page.getByTestId('strategy-canary').click();
    await waitForText(page, 'yaml-code', /name: iris-canary/);
    await page.getByTestId('canary-percent').fill('20');
    assert.match(await page.getByTestId('deploy-rollout').locator('.setting-help').first().innerText(), /small share/);
    await waitForText(page, 'rollout-promote', /set image deployment\/iris/);

    await page.getByTestId('ingress-enabled').check();
    await page.getByTestId('ingress-host').fill('Not A Host');
    await page.getByTestId('ingress-host-problem').waitFor();
    await page.getByTestId('ingress-host').fill('iris.ml.example.com');
    await waitForText(page, 'yaml-code', /kind: Ingress[\s\S]*host: iris\.ml\.example\.com/);
    await page.getByTestId('network-policy-enabled').check();
    await waitForText(page, 'yaml-code', /kind: NetworkPolicy/);
    await page.getByTestId('service-monitor-enabled').check();
    await waitForText(page, 'yaml-code', /kind: ServiceMonitor/);
    await page.locator('[data-testid="check-passed"][data-check="network-policy"]').first().waitFor({ state: 'attached' });

    // Kustomize: the base and both overlays, each as a file tab.
    await page.getByTestId('yaml-format-kustomize').click();
    const tabs = await page.getByTestId('yaml-file-tab').evaluateAll((els) => els.map((e) => e.getAttribute('data-path')));
    assert.ok(tabs.includes('k8s/kustomize/overlays/prod/kustomization.yaml') && tabs.includes('k8s/kustomize/overlays/dev/kustomization.yaml'), tabs.join(' '));
    assert.ok(tabs.some((t) => t?.includes('deployment-iris-canary')), 'the canary Deployment has its own base file');
    await page.locator('[data-testid="yaml-file-tab"][data-path="k8s/kustomize/overlays/dev/kustomization.yaml"]').click();
    await waitForText(page, 'yaml-code', /namespace: modeldock-dev/);
    assert.equal(await page.getByTestId('yaml-preview').getAttribute('data-path'), 'k8s/kustomize/overlays/dev/kustomization.yaml');
    await page.locator('[data-testid="deploy-save"][data-state="saved"]').waitFor();
    await page.getByTestId('deploy-rollout').scrollIntoViewIfNeeded();
    await shootBoth(page, '41-deploy-settings');
    await page.getByTestId('deploy-yaml').scrollIntoViewIfNeeded();
    await shoot(page, '41-deploy-yaml-kustomize');
    await page.getByTestId('yaml-format-plain').click();
  });

  step('a memory limit below the measured peak fails a required check: export explains and can go anyway', async () => {
    await page.getByTestId('memory-request').fill('16');
    await page.getByTestId('memory-limit').fill('16');
    const failed = page.locator('[data-testid="check-failed"][data-check="memory-fits-measurement"]');
    await failed.first().waitFor();
    assert.match(await failed.first().getByTestId('check-reason').innerText(), /\d/);
    assert.match(await failed.first().getByTestId('check-fix').innerText(), /\w/);
    assert.equal(await failed.first().getAttribute('data-severity'), 'required');
    assert.match(await page.getByTestId('checks-badge').innerText(), /failed/);
    assert.equal(await page.getByTestId('export-run').isDisabled(), true);
    assert.match(await page.getByTestId('export-blocked').innerText(), /required check.* failed/);
    assert.equal(await page.getByTestId('deploy-export-primary').isDisabled(), true);
    await page.getByTestId('deploy-checks').scrollIntoViewIfNeeded();
    await shoot(page, '42-deploy-checks-failed');

    await page.getByTestId('export-dir').fill(outDir);
    await page.getByTestId('export-allow-failed').check();
    assert.equal((await page.getByTestId('export-run').innerText()).trim(), 'Export anyway');
    await page.getByTestId('export-run').click();
    await page.getByTestId('export-result').waitFor();
    assert.ok(fs.existsSync(path.join(outDir, 'k8s', 'plain', 'iris.yaml')));
    assert.match(fs.readFileSync(path.join(outDir, 'k8s', 'plain', 'iris.yaml'), 'utf8'), /memory: 16Mi/);
  });

  step('the capacity planner shows its arithmetic and applies its numbers; the checks pass again', async () => {
    await page.getByTestId('deploy-capacity').scrollIntoViewIfNeeded();
    await page.getByTestId('target-rps').fill('300');
    await page.getByTestId('p99-goal').fill('200');
    await eventually('a plan for 300 req/s', async () => /300 \/ /.test(await page.getByTestId('capacity-lines').innerText()));
    const lines = await page.getByTestId('capacity-lines').locator('li').allInnerTexts();
    assert.ok(lines.length >= 5, lines.join('\n'));
    assert.ok(lines.some((l) => /^Load test: /.test(l)) && lines.some((l) => /^minReplicas = /.test(l)) && lines.some((l) => /^Memory: peak /.test(l)), lines.join('\n'));
    const pods = Number(await page.getByTestId('capacity-pods').innerText());
    assert.ok(pods >= 1);
    const [min, max] = (await page.getByTestId('capacity-range').innerText()).split('–').map(Number);
    assert.ok(min >= 2 && max > min, `${min}–${max}`);
    await shootBoth(page, '43-deploy-capacity');
    await page.getByTestId('capacity-apply').click();
    await page.getByTestId('capacity-applied').waitFor();
    assert.equal(await page.getByTestId('min-replicas').inputValue(), String(min));
    assert.equal(await page.getByTestId('max-replicas').inputValue(), String(max));
    assert.ok(Number(await page.getByTestId('memory-limit').inputValue()) >= 128);
    await page.locator('[data-testid="checks-required"][data-failed="0"]').waitFor();
    await waitForText(page, 'yaml-code', new RegExp(`maxReplicas: ${max}`));
    assert.equal(await page.getByTestId('export-allow-failed').count(), 0, 'nothing to allow any more');
  });

  step('Export writes the files; kubectl kustomize renders both overlays; the spec holds the settings', async () => {
    await page.getByTestId('deploy-export').scrollIntoViewIfNeeded();
    assert.equal((await page.getByTestId('export-run').innerText()).trim(), 'Export manifests');
    await page.getByTestId('export-run').click();
    await eventually('a clean export', async () => !/memory: 16Mi/.test(fs.readFileSync(path.join(outDir, 'k8s', 'plain', 'iris.yaml'), 'utf8')));
    await page.getByTestId('export-result').waitFor();
    assert.ok(Number(await page.getByTestId('export-count').innerText()) >= 8);
    assert.equal((await page.getByTestId('export-out').innerText()).trim(), outDir);
    // The step is done, and the spec the Deploy screen wrote is what the top bar shows now.
    assert.equal(await page.getByTestId('step-deploy').getAttribute('data-status'), 'done');
    assert.match(await page.getByTestId('model-version').innerText(), /^v/);
    for (const file of ['k8s/plain/iris.yaml', 'k8s/kustomize/base/kustomization.yaml', 'k8s/kustomize/overlays/prod/kustomization.yaml', 'k8s/ROLLOUT.md']) {
      assert.ok(fs.existsSync(path.join(outDir, file)), `${file} written`);
    }
    for (const overlay of ['prod', 'dev']) {
      const rendered = spawnSync(KUBECTL, ['kustomize', path.join(outDir, 'k8s', 'kustomize', 'overlays', overlay)], { encoding: 'utf8' });
      assert.equal(rendered.status, 0, rendered.stderr);
      for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'NetworkPolicy', 'ServiceMonitor']) {
        assert.match(rendered.stdout, new RegExp(`^kind: ${kind}$`, 'm'), `${overlay} renders a ${kind}`);
      }
      assert.match(rendered.stdout, new RegExp(`namespace: modeldock${overlay === 'dev' ? '-dev' : ''}$`, 'm'));
      assert.match(rendered.stdout, /name: iris-canary$/m);
    }

    // The settings are in modeldock.yaml beside the model, with the rest of the file as the app wrote it.
    const specPath = specPathForModel(path.join(models, 'iris.onnx'));
    const specText = fs.readFileSync(specPath, 'utf8');
    const { spec, issues } = validateSpecText(specText);
    assert.deepEqual(issues, []);
    // What the user wrote is still there: the file up to the section byte for byte, and the comments inside it.
    assert.ok(specText.startsWith(`${userHead}\n\nkubernetes:\n`), specText);
    assert.ok(specText.includes(`\n${USER_KUBERNETES}`), `the user's comments inside kubernetes: are kept:\n${specText}`);
    const k = spec!.kubernetes!;
    assert.equal(k.rollout.strategy, 'canary');
    assert.equal(k.rollout.canary.percent, 20);
    assert.equal(k.ingress?.host, 'iris.ml.example.com');
    assert.ok(k.networkPolicy && k.serviceMonitor);
    assert.equal(k.autoscaling.maxReplicas, Number(await page.getByTestId('max-replicas').inputValue()));
    assert.equal(spec!.model.name, 'iris');

    // The CLI, from that spec alone, writes the same manifests.
    const cliOut = path.join(dataDir, 'cli-out');
    const cli = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'modeldock.js'), 'export', '--spec', specPath, '--image', TESTED, '--out', cliOut],
      { encoding: 'utf8', env: { ...process.env, MODELDOCK_DATA_DIR: dataDir } });
    assert.equal(cli.status, 0, cli.stdout + cli.stderr);
    for (const file of ['k8s/plain/iris.yaml', 'k8s/kustomize/overlays/prod/kustomization.yaml', 'k8s/kustomize/base/deployment-iris-canary.yaml']) {
      assert.equal(fs.readFileSync(path.join(cliOut, file), 'utf8'), fs.readFileSync(path.join(outDir, file), 'utf8'), `${file}: CLI and app agree`);
    }
    const cliCommand = (await page.getByTestId('export-cli').locator('pre').textContent()) ?? '';
    assert.match(cliCommand, /^modeldock export --spec \S+ --image \S+ --out \S+$/);

    await page.getByTestId('export-result').scrollIntoViewIfNeeded();
    await shootBoth(page, '44-deploy-exported');

    // The deploy bundle: everything to rebuild the image and deploy it, with the same manifests.
    const bundleDir = path.join(dataDir, 'bundle');
    await page.getByTestId('bundle-dir').fill(bundleDir);
    await page.getByTestId('bundle-run').click();
    await page.getByTestId('bundle-result').waitFor({ timeout: 120_000 });
    assert.equal((await page.getByTestId('bundle-path').innerText()).trim(), bundleDir);
    for (const file of ['README.md', 'docker-compose.yml', 'modeldock.yaml', 'Dockerfile', 'k8s/plain/iris.yaml']) {
      assert.ok(fs.existsSync(path.join(bundleDir, file)), `bundle has ${file}: ${fs.readdirSync(bundleDir).join(' ')}`);
    }
    assert.equal(fs.readFileSync(path.join(bundleDir, 'k8s/plain/iris.yaml'), 'utf8'), fs.readFileSync(path.join(outDir, 'k8s/plain/iris.yaml'), 'utf8'),
      'the bundle carries the manifests the export wrote');
    assert.equal(validateSpecText(fs.readFileSync(path.join(bundleDir, 'modeldock.yaml'), 'utf8')).spec?.kubernetes?.rollout.strategy, 'canary');
    await page.getByTestId('bundle').scrollIntoViewIfNeeded();
    await shoot(page, '44-deploy-bundle');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByTestId('deploy-checks').scrollIntoViewIfNeeded();
    await shoot(page, '44-deploy-checks-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    const errors = pageErrors(browser);
    assert.deepEqual(errors, []);
  });
});

/** Two images of the model (the Package step's build), the first load-tested in a container (the Run step's). */
async function prepareImages(dataDir: string, modelPath: string, imageIds: string[]): Promise<void> {
  const engine = createEngine({ dataDir, shell: 'cli' });
  try {
    await engine.invoke('docker.makeBase', {});
    const tested = await engine.invoke('image.build', { modelPath, tag: TESTED, base: OFFLINE_BASE_IMAGE });
    imageIds.push(tested.imageId);
    const container = await engine.invoke('container.run', { image: TESTED, cpus: 1, memoryMB: 512 });
    await engine.invoke('container.loadTest', { id: container.id, concurrency: 4, durationSeconds: 3 });
    await engine.invoke('container.stop', { id: container.id });
    const untested = await engine.invoke('image.build', { modelPath, tag: UNTESTED, base: OFFLINE_BASE_IMAGE });
    imageIds.push(untested.imageId);
  } finally {
    await engine.dispose();
  }
}

async function optionLabel(page: Page, reference: string): Promise<string> {
  // The versions list loads after the screen: wait for the option before reading the labels.
  await page.getByTestId('deploy-image-select').locator('option', { hasText: reference }).first().waitFor({ state: 'attached' });
  const labels = await page.getByTestId('deploy-image-select').locator('option').allInnerTexts();
  const label = labels.find((l) => l.startsWith(`${reference} `));
  assert.ok(label, `an option for ${reference}: ${labels.join(' | ')}`);
  return label;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// E2E: from a non-ONNX file to an open ONNX model, in web mode through Debian's Chromium.
// A benign TorchScript module (written by Debian's python3 with torch) shows a safe scan, converts with
// /usr/bin/python3 while its log streams, passes the output comparison and opens as ONNX. A malicious pickle
// (handcrafted opcodes calling os.system to write a marker file) shows a dangerous scan naming os.system; Convert
// asks for confirmation first, and cancelling it leaves the marker unwritten: nothing loaded the file. The opened
// ONNX model shows where it came from (source file, the original's safe scan, the comparison).
// Screenshots: test-output/screenshots/50-*.png at 1280x800 (main ones also 1920x1080, one dark).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe } from 'node:test';
import type { Page } from 'playwright-core';
import { CHROMIUM, shoot, shootBoth, type BrowserSession, shootAll } from './support/browser';
import { type RunningWeb } from './support/start-web';
import { ensureBuilt } from '../support/ensure-built';
import { closeE2E, openApp, recordingStep } from './support/steps';
import { prepareWorkspace } from './support/workspace';
import { openFileByPath } from './support/wait';

const PYTHON = '/usr/bin/python3';
const haveChromium = fs.existsSync(CHROMIUM);
const haveTorch = fs.existsSync(PYTHON)
  && spawnSync(PYTHON, ['-c', 'import torch, onnx'], { encoding: 'utf8', timeout: 120_000 }).status === 0;
const skipReason = !haveChromium
  ? `no Chromium at ${CHROMIUM}`
  : !haveTorch ? `${PYTHON} cannot import torch and onnx (Debian: apt-get install python3-torch python3-onnx)` : false;

/** A small network saved as TorchScript by the real PyTorch: what a data scientist would bring. */
const WRITE_TORCHSCRIPT = `
import sys, torch
torch.manual_seed(0)
class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(4, 16)
        self.out = torch.nn.Linear(16, 3)
    def forward(self, x):
        return torch.softmax(self.out(torch.relu(self.hidden(x))), dim=1)
torch.jit.script(Classifier().eval()).save(sys.argv[1])
`;

/**
 * A trojan posing as a pickled PyTorch model: a dict whose "weights" entry is os.system("touch <marker>"), in
 * protocol 0 opcodes (MARK DICT, STRING, SETITEM, GLOBAL, TUPLE, REDUCE). Loading it with pickle runs the command.
 */
function maliciousPickle(marker: string): Buffer {
  const text = [
    '(dp0',
    "S'arch'", 'p1',
    "S'torch.nn.modules.linear.Linear'", 'p2',
    "sS'weights'", 'p3',
    'cos', 'system', 'p4',
    `(S'touch ${marker}'`, 'p5',
    'tp6',
    'Rp7',
    's.',
  ].join('\n');
  return Buffer.from(text, 'latin1');
}

describe('web convert', { skip: skipReason }, () => {
  let models = '';
  let dataDir = '';
  let marker = '';
  let web: RunningWeb;
  let browser: BrowserSession;
  let page: Page;

  before(async () => {
    ensureBuilt();
    ({ dataDir, models } = await prepareWorkspace('modeldock-e2e-convert-', [], /^50-|^FAILED-convert-/));
    // torch.jit.script reads the class's source, so the script runs from a file, not `python -c`.
    const script = path.join(dataDir, 'write_classifier.py');
    fs.writeFileSync(script, WRITE_TORCHSCRIPT);
    const written = spawnSync(PYTHON, [script, path.join(models, 'classifier.pt')], { encoding: 'utf8', timeout: 180_000 });
    assert.equal(written.status, 0, `writing the TorchScript model failed:\n${written.stderr}`);
    marker = path.join(dataDir, 'PAYLOAD-RAN');
    fs.writeFileSync(path.join(models, 'trojan.pkl'), maliciousPickle(marker));
    ({ browser, page, web } = await openApp(dataDir, 60_000));
  });

  after(() => closeE2E({ browser, web, dataDir }));

  const step = recordingStep(() => ({ browser, web }), 'convert-');

  const openByPath = (file: string) => openFileByPath(page, file);

  /** Picks Debian's python3 (listed, or typed as another interpreter) and waits for the plan made with it. */
  async function choosePython(): Promise<void> {
    const select = page.getByTestId('python-select');
    await page.locator('[data-testid="python-select"]:not([disabled])').waitFor();
    await page.getByTestId('convert-planning').waitFor({ state: 'detached' });
    const listed = await select.locator(`option[value="${PYTHON}"]`).count();
    if (listed) {
      if ((await select.inputValue()) !== PYTHON) await select.selectOption(PYTHON);
    } else {
      await select.selectOption('__other__');
      await page.getByTestId('python-other-path').fill(PYTHON);
      await page.getByTestId('python-other-use').click();
    }
    await page.getByTestId('convert-planning').waitFor({ state: 'detached' });
    await page.locator('[data-testid="package-torch"][data-present="true"]').waitFor();
  }

  /** When the plan could not tell the input shape, give it as the user would. */
  async function giveShapeIfAsked(shape: string): Promise<void> {
    const field = page.getByTestId('convert-input-shape');
    if (!(await field.count())) return;
    if ((await field.inputValue()).replace(/\s/g, '') === shape.replace(/\s/g, '')) return;
    if (!(await field.isVisible())) await page.getByTestId('convert-details').locator('summary').click();
    await field.fill(shape);
    await page.getByTestId('convert-apply').click();
    await page.getByTestId('convert-planning').waitFor({ state: 'detached' });
  }

  step('a TorchScript model: its format, a safe scan and the way to ONNX', async () => {
    await openByPath(path.join(models, 'classifier.pt'));
    await page.getByTestId('conversion-recipe').waitFor();
    assert.match(await page.getByTestId('detected-format').innerText(), /TorchScript/);
    assert.match(await page.getByTestId('format-what').innerText(), /torch\.jit/);
    const verdict = page.getByTestId('scan-verdict');
    assert.equal(await verdict.getAttribute('data-verdict'), 'safe');
    assert.match(await page.getByTestId('scan-summary').innerText(), /safe/i);
    await choosePython();
    await giveShapeIfAsked('1, 4');
    assert.match(await page.getByTestId('conversion-snippet').innerText(), /torch\.onnx\.export/);
    assert.equal(await page.getByTestId('convert-blocker').count(), 0, 'nothing blocks the conversion');
    await shootBoth(page, '50-convert-safe-plan');
    await page.getByTestId('convert-card').scrollIntoViewIfNeeded();
    await shoot(page, '50-convert-safe-plan-recipe');
  });

  step('Convert streams the log, the outputs match, and the ONNX model opens', async () => {
    await page.getByTestId('convert-button').click();
    assert.equal(await page.getByTestId('risk-dialog').count(), 0, 'a safe file needs no confirmation');
    await page.getByTestId('convert-progress').waitFor();
    await page.locator('[data-testid="convert-log"] .convert-log-line').first().waitFor();
    await page.getByTestId('convert-progress').scrollIntoViewIfNeeded();
    await shoot(page, '50-convert-running');
    await page.getByTestId('convert-result').waitFor({ timeout: 300_000 });
    const lines = Number(await page.getByTestId('convert-log-toggle').getAttribute('data-count'));
    assert.ok(lines > 0, 'the script\'s output was shown');
    const outcome = await page.getByTestId('compare-verdict').getAttribute('data-outcome');
    assert.equal(outcome, 'passed', await page.getByTestId('compare-detail').innerText());
    assert.match(await page.getByTestId('compare-max-diff').innerText(), /\d/);
    const onnxPath = (await page.getByTestId('converted-path').innerText()).trim();
    assert.ok(fs.existsSync(onnxPath), `the ONNX file exists: ${onnxPath}`);
    await page.getByTestId('convert-result').scrollIntoViewIfNeeded();
    await shootBoth(page, '50-convert-done');

    await page.getByTestId('open-converted').click();
    await page.getByTestId('io-table').waitFor();
    assert.match(await page.getByTestId('model-name').innerText(), /classifier/);
    const inputRows = page.locator('[data-testid^="input-row-"]');
    assert.ok(await inputRows.count() >= 1, 'the converted model shows its inputs');
    assert.equal((await inputRows.first().getByTestId('io-type').innerText()).trim(), 'float32');
    await shoot(page, '50-convert-opened-onnx');
  });

  step('the opened ONNX model keeps where it came from: the source, the safe scan and the comparison', async () => {
    const card = page.getByTestId('provenance-card');
    await card.waitFor();
    assert.equal((await page.getByTestId('provenance-source').innerText()).trim(), 'classifier.pt');
    assert.match(await page.getByTestId('provenance-path').innerText(), /classifier\.pt$/);
    assert.match(await page.getByTestId('provenance-format').innerText(), /TorchScript/);
    assert.match(await page.getByTestId('provenance-sha256').innerText(), /^[0-9a-f]{64}$/);
    assert.equal(await page.getByTestId('provenance-verdict').getAttribute('data-verdict'), 'safe');
    assert.match(await page.getByTestId('provenance-verdict-title').innerText(), /scanned safe/);
    assert.equal(await page.getByTestId('provenance-comparison').getAttribute('data-outcome'), 'passed');
    assert.equal(await page.getByTestId('provenance-risk').count(), 0, 'nothing had to be accepted');
    // The findings stay folded away until asked for.
    const findings = page.getByTestId('provenance-scan');
    assert.equal(await findings.getAttribute('open'), null);
    await findings.locator('summary').first().click();
    await page.getByTestId('provenance-scan-group-safe').waitFor();
    await card.scrollIntoViewIfNeeded();
    await shootBoth(page, '50-convert-provenance');
  });

  step('a malicious pickle: dangerous, with the os.system finding and where it is', async () => {
    await openByPath(path.join(models, 'trojan.pkl'));
    await page.getByTestId('scan-card').waitFor();
    assert.equal(await page.getByTestId('scan-verdict').getAttribute('data-verdict'), 'dangerous');
    const dangerous = page.locator('[data-testid="scan-finding"][data-verdict="dangerous"]');
    assert.ok(await dangerous.count() >= 1);
    assert.match(await dangerous.first().getByTestId('scan-finding-name').innerText(), /^(os|posix)\.system$/);
    assert.match(await dangerous.first().getByTestId('scan-finding-where').innerText(), /byte \d/);
    await page.getByTestId('scan-explain').locator('summary').click();
    assert.match(await page.getByTestId('scan-explain').innerText(), /unpickling runs code/i);
    assert.ok(!fs.existsSync(marker), 'opening and scanning did not run the payload');
    await shootAll(page, '50-scan-dangerous');
  });

  step('Convert asks first, shows the risk, and Cancel loads nothing', async () => {
    await choosePython();
    await giveShapeIfAsked('1, 4');
    const convert = page.getByTestId('convert-button');
    await page.locator('[data-testid="convert-button"]:not([disabled])').waitFor();
    await page.getByTestId('convert-risk-note').waitFor();
    await convert.click();
    const dialog = page.getByTestId('risk-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getAttribute('data-verdict'), 'dangerous');
    assert.match(await page.getByTestId('risk-warning').innerText(), /your rights/);
    assert.match(await dialog.locator('[data-testid="risk-finding-name"]').first().innerText(), /^(os|posix)\.system$/);
    assert.equal(await page.getByTestId('risk-accept').isDisabled(), true, 'accepting needs the tick first');
    await shoot(page, '50-convert-confirm-risk');
    await page.getByTestId('risk-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('convert-progress').count(), 0, 'no conversion started');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.ok(!fs.existsSync(marker), 'the payload never ran: the file was not loaded');
    const errors = browser.consoleLog.filter((line) => line.startsWith('[error]') || line.startsWith('[pageerror]'));
    assert.deepEqual(errors, []);
  });
});

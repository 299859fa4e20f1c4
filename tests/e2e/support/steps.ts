import * as fs from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import type { Page } from 'playwright-core';
import { openBrowser, saveFailure, shots, type BrowserSession } from './browser';
import { ROOT, startWeb, type RunningWeb } from './start-web';

export interface E2EContext {
  browser?: BrowserSession;
  web?: RunningWeb;
  dataDir?: string;
}

/**
 * A test step that, when it fails, keeps a screenshot and the page's console log (FAILED-<prefix><name>.png) and
 * prints the server's output. The context is read when a step runs, after `before` has filled it in.
 */
export function recordingStep(context: () => E2EContext, prefix = ''): (name: string, fn: () => Promise<void>) => void {
  return (name, fn) => {
    it(name, async () => {
      try {
        await fn();
      } catch (error) {
        const { browser, web } = context();
        if (browser) await saveFailure(browser, `${prefix}${name.replace(/[^a-z0-9]+/gi, '-')}`);
        if (web) console.error(`server output:\n${web.output()}`);
        throw error;
      }
    });
  };
}

/** Starts the app in web mode on `dataDir` and opens it in Chromium, at its empty first screen. */
export async function openApp(dataDir: string, timeoutMs = 30_000): Promise<{ browser: BrowserSession; page: Page; web: RunningWeb }> {
  const browser = await openBrowser();
  const page = browser.page;
  page.setDefaultTimeout(timeoutMs);
  const web = await startWeb(dataDir);
  await page.goto(web.url);
  await page.getByTestId('drop-zone').waitFor({ state: 'visible' });
  return { browser, page, web };
}

/** Closes the browser and the server, removes the data dir, and lists the screenshots taken. */
export async function closeE2E({ browser, web, dataDir }: E2EContext): Promise<void> {
  await browser?.close();
  await web?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(`screenshots (${shots.length}):\n${shots.map((s) => `  ${path.relative(ROOT, s)}`).join('\n')}`);
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './start-web';

export const SCREENSHOT_DIR = path.join(ROOT, 'test-output', 'screenshots');
export const CHROMIUM = '/usr/bin/chromium';

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  consoleLog: string[];
  close: () => Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile per run so no cookie or cache leaks between runs. */
export async function openBrowser(): Promise<BrowserSession> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--no-first-run', '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleLog: string[] = [];
  page.on('console', (message) => consoleLog.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => consoleLog.push(`[pageerror] ${error.message}`));
  return {
    context,
    page,
    consoleLog,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const shots: string[] = [];

/** Saves test-output/screenshots/<name>.png at the current viewport. */
export async function shoot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  shots.push(file);
}

/** The same screen at 1920x1080 too, then back to 1280x800. */
export async function shootBoth(page: Page, name: string): Promise<void> {
  await shoot(page, name);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await shoot(page, `${name}-1920`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** shootBoth, then the same screen in the dark theme (<name>-dark.png), then back to light. */
export async function shootAll(page: Page, name: string): Promise<void> {
  await shootBoth(page, name);
  await page.emulateMedia({ colorScheme: 'dark' });
  await shoot(page, `${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

/** On a failed step: a screenshot and the page's console, so the failure can be read without rerunning. */
export async function saveFailure(session: BrowserSession, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await session.page.screenshot({ path: path.join(SCREENSHOT_DIR, `FAILED-${name}.png`), fullPage: true }).catch(() => {});
  fs.writeFileSync(path.join(SCREENSHOT_DIR, `FAILED-${name}.console.log`), session.consoleLog.join('\n'));
}

/** Errors the page logged or threw; a failed resource load is left out (the tests provoke 4xx answers on purpose). */
export function pageErrors(session: BrowserSession): string[] {
  return session.consoleLog.filter((line) => line.startsWith('[pageerror]') || (line.startsWith('[error]') && !/Failed to load resource/.test(line)));
}

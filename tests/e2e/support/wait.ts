import type { Page } from 'playwright-core';

/** Polls from the test side (the node tsconfig has no DOM types for in-page functions). */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What a control shows: an input's value, or an element's text. */
export async function textOf(page: Page, testId: string): Promise<string> {
  const element = page.getByTestId(testId).first();
  const tag = await element.evaluate((e) => e.tagName);
  return tag === 'TEXTAREA' || tag === 'INPUT' ? element.inputValue() : element.innerText();
}

export async function waitForText(page: Page, testId: string, pattern: RegExp): Promise<void> {
  let last = '';
  await eventually(`${testId} to match ${pattern}`, async () => pattern.test(last = await textOf(page, testId)))
    .catch((error: Error) => { throw new Error(`${error.message}; it reads: ${last.slice(0, 300)}`); });
}

/** Opens a model the way a user types its path into the file browser, and waits for its inputs/outputs table. */
export async function openModelByPath(page: Page, file: string): Promise<void> {
  await page.getByTestId('browse-button').click();
  await page.getByTestId('file-browser').waitFor();
  await page.getByTestId('path-input').fill(file);
  await page.getByTestId('path-input').press('Enter');
  await page.getByTestId('io-table').waitFor();
}

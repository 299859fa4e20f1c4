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

/**
 * Types a path into the file browser, reached the way a user would: the drop zone's Browse, or "Open another
 * model" once a model is open, or the top bar's button.
 */
export async function openFileByPath(page: Page, file: string): Promise<void> {
  const browse = page.getByTestId('browse-button');
  const another = page.getByTestId('open-another');
  if (await browse.isVisible()) await browse.click();
  else if (await another.count()) await another.click();
  else await page.getByTestId('open-model-button').click();
  await page.getByTestId('file-browser').waitFor();
  await page.getByTestId('path-input').fill(file);
  await page.getByTestId('path-input').press('Enter');
}

/** Opens an ONNX model by its path and waits for its inputs/outputs table. */
export async function openModelByPath(page: Page, file: string): Promise<void> {
  await openFileByPath(page, file);
  await page.getByTestId('io-table').waitFor();
}

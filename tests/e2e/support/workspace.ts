import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureFixtures } from '../../fixtures/make-fixtures';
import { SCREENSHOT_DIR } from './browser';

/**
 * An E2E run's own world: a data dir (MODELDOCK_DATA_DIR for the engine) holding copies of the fixture models it
 * needs (the app writes beside a model: fixed copies, benchmark results), and a clean slate for the screenshots
 * this test file owns (those matching `ownScreenshots`; other files' screenshots stay).
 */
export async function prepareWorkspace(prefix: string, fixtureNames: string[], ownScreenshots: RegExp): Promise<{ dataDir: string; models: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const models = path.join(dataDir, 'models');
  fs.mkdirSync(models);
  const cache = await ensureFixtures();
  for (const name of fixtureNames) fs.copyFileSync(path.join(cache, name), path.join(models, name));
  if (fs.existsSync(SCREENSHOT_DIR)) {
    for (const file of fs.readdirSync(SCREENSHOT_DIR)) if (ownScreenshots.test(file)) fs.rmSync(path.join(SCREENSHOT_DIR, file));
  }
  return { dataDir, models };
}

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Builds dist/ once for a test file run on its own. `npm test` builds before any test starts and sets
 * MODELDOCK_BUILT=1, so parallel test files never rebuild dist/ under each other's feet.
 */
export function ensureBuilt(): void {
  if (process.env.MODELDOCK_BUILT === '1') return;
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`The build failed:\n${result.stdout}${result.stderr}`);
  process.env.MODELDOCK_BUILT = '1';
}

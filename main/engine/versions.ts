import * as fs from 'node:fs';
import * as path from 'node:path';

/** Read once from the installed packages so the app reports the runtime it really bundles. */
function readVersion(packageJsonPath: string): string {
  try {
    return (JSON.parse(fs.readFileSync(packageJsonPath, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function findUp(start: string, relative: string): string {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, relative);
    if (fs.existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return path.join(start, relative);
}

export const APP_VERSION = readVersion(findUp(__dirname, 'package.json'));
export const ORT_VERSION = (() => {
  try {
    return readVersion(require.resolve('onnxruntime-node/package.json'));
  } catch {
    return 'unknown';
  }
})();

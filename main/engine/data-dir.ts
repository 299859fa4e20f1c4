import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The engine's own state folder: MODELDOCK_DATA_DIR wins (tests isolate themselves with it), else the OS default. */
export function resolveDataDir(explicit?: string): string {
  const dir = explicit ?? process.env.MODELDOCK_DATA_DIR ?? defaultDataDir();
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function defaultDataDir(): string {
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'ModelDock');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'ModelDock');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'modeldock');
}

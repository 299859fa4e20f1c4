// `npm start`: build, then open the desktop app. Electron's binary is downloaded from GitHub when the package
// installs; where that is impossible (ELECTRON_SKIP_BINARY_DOWNLOAD, no GitHub access) this explains the ways out
// instead of failing with a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

function electronBinary() {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) {
  let version = '40';
  try {
    version = JSON.parse(fs.readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  } catch {
    // Keep the major version.
  }
  console.error(`
ModelDock: the Electron binary is not installed, so the desktop app cannot start here.

npm installs the electron package, then downloads its binary (about 100 MB) from GitHub. That download was
skipped or failed (no GitHub access, or ELECTRON_SKIP_BINARY_DOWNLOAD was set).

To get it, on this machine:
  * From an internal mirror of Electron releases:
      ELECTRON_MIRROR=https://your-mirror/electron/ node node_modules/electron/install.js
  * From the release zip (electron-v${version}-${process.platform}-${process.arch}.zip, from a mirror or another
    machine): unzip it into a folder and start with ELECTRON_OVERRIDE_DIST_PATH=/that/folder npm start
  * From another machine's cache: there, run \`npx electron@${version} --version\` (it downloads into
    ~/.cache/electron on Linux, ~/Library/Caches/electron on macOS, %LOCALAPPDATA%\\electron\\Cache on Windows);
    copy that folder to the same place here (or point electron_config_cache at it), then run
    node node_modules/electron/install.js

Meanwhile, \`npm run web\` serves the same app in your browser.
`);
  process.exit(1);
}

const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(binary, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env });
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));

// App start to first screen in web mode: spawn `modeldock ui`, wait for its URL, load it in Chromium, wait for the
// drop zone. Median of several cold starts; each phase reported so a regression shows where it is.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { median } from './stats';

const root = path.resolve(__dirname, '..');

export interface StartupSample { serverMs: number; firstScreenMs: number }

async function oneStart(): Promise<StartupSample> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-bench-'));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const t0 = performance.now();
  const server = spawn(process.execPath, [path.join(root, 'dist', 'modeldock.js'), 'ui', '--port', '0', '--no-open'], {
    env: { ...process.env, MODELDOCK_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let buffered = '';
      server.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const match = /ModelDock web mode: (\S+)/.exec(buffered);
        if (match) resolve(match[1]);
      });
      server.on('exit', (code) => reject(new Error(`modeldock ui exited with ${code}`)));
    });
    const serverMs = performance.now() - t0;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.getByTestId('drop-zone').waitFor({ state: 'visible' });
    return { serverMs, firstScreenMs: performance.now() - t0 };
  } finally {
    server.kill('SIGTERM');
    await browser.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function measureWebStartup(runs = 5): Promise<{ serverMs: number; firstScreenMs: number; runs: number }> {
  if (!fs.existsSync(path.join(root, 'dist', 'modeldock.js'))) throw new Error('Run `npm run build` first.');
  const samples: StartupSample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await oneStart());
  return { serverMs: median(samples.map((s) => s.serverMs)), firstScreenMs: median(samples.map((s) => s.firstScreenMs)), runs };
}

if (require.main === module) {
  measureWebStartup().then((r) => {
    console.log(`web mode start: server listening ${r.serverMs.toFixed(0)} ms, first screen ${r.firstScreenMs.toFixed(0)} ms (median of ${r.runs})`);
  });
}

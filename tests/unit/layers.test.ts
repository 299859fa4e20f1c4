import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'check-layers.mjs');

function run(args: string[] = []) {
  return spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
}

test('the project keeps its layers (shared, renderer, engine, Electron corner)', () => {
  const r = run();
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /layers: ok/);
});

test('each rule fails with file:line', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-layers-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write('shared/ok.ts', "import { z } from 'zod';\nimport { x } from './other';\n");
  write('shared/bad.ts', "import { z } from 'zod';\nimport * as fs from 'node:fs';\nimport { y } from '../main/engine/engine';\n");
  write('renderer/bad.tsx', "import React from 'react';\n// import * as fs from 'fs' (a comment is fine)\nimport * as path from 'path';\nimport { ipcRenderer } from 'electron';\nconst e = require('../main/engine/engine');\n");
  write('main/engine/bad.ts', "import * as fs from 'node:fs';\n\nexport { app } from 'electron';\n");
  write('main/electron/ok.ts', "import { ipcMain } from 'electron';\nipcMain.handle('x', () => 1);\n");

  const r = run(['--root', root]);
  assert.equal(r.status, 1);
  const lines = r.stderr.trim().split('\n').filter((l) => /^\S+:\d+: /.test(l));
  const at = lines.map((l) => l.split(': ')[0]).sort();
  assert.deepEqual(at, [
    'main/engine/bad.ts:3',
    'renderer/bad.tsx:3',
    'renderer/bad.tsx:4',
    'renderer/bad.tsx:4',
    'renderer/bad.tsx:5',
    'shared/bad.ts:2',
    'shared/bad.ts:3',
  ]);
  assert.match(r.stderr, /renderer\/bad\.tsx:4: ipcRenderer is used only in main\/electron\//);
  assert.match(r.stderr, /main\/engine\/bad\.ts:3: the engine runs in plain Node: only main\/electron\/ may import electron/);
  assert.match(r.stderr, /shared\/bad\.ts:2: shared\/ may import only zod and shared\/, not "node:fs"/);
});

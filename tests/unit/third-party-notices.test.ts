import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ensureBuilt } from '../support/ensure-built';

// scripts/third-party-notices.mjs: the licence texts of what the bundles contain, beside them (esbuild drops the
// packages' legal comments), and in every image with the serving runtime.

const ROOT = path.resolve(__dirname, '..', '..');

test('the serving runtime\'s notices name every package it bundles or copies into images, with their licence texts', () => {
  ensureBuilt();
  const text = fs.readFileSync(path.join(ROOT, 'dist', 'serving', 'THIRD_PARTY_NOTICES.txt'), 'utf8');
  for (const name of ['@jsquash/jpeg', 'jpeg-js', 'pngjs', 'zod', 'onnxruntime-node', 'onnxruntime-common']) {
    assert.match(text, new RegExp(`^${name.replace('/', '\\/')} \\d+\\.\\d+\\.\\d+ \\(licence: `, 'm'), name);
  }
  assert.match(text, /--- codec\/LICENSE\.codec\.md ---\nlibjpeg-turbo Licenses/, 'the codec\'s own licence, one folder down');
  assert.match(text, /Apache License/);
  assert.doesNotMatch(text, /^react /m, 'only what the runtime contains');
  assert.match(fs.readFileSync(path.join(ROOT, 'dist', 'THIRD_PARTY_NOTICES.txt'), 'utf8'), /^react \d/m, 'the app\'s own notices cover the UI');
});

test('packages without a licence file are named with the licence they declare; licence files are found by name', async (t) => {
  const { writeNotices } = await import('../../scripts/third-party-notices.mjs');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-notices-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pkg = (name: string, files: Record<string, string>, license?: string) => {
    const at = path.join(dir, name);
    fs.mkdirSync(at, { recursive: true });
    fs.writeFileSync(path.join(at, 'package.json'), JSON.stringify({ name, version: '1.2.3', ...(license ? { license } : {}) }));
    for (const [file, body] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(at, file)), { recursive: true });
      fs.writeFileSync(path.join(at, file), body);
    }
    return at;
  };
  const out = path.join(dir, 'NOTICES.txt');
  const names = writeNotices([
    pkg('b-lib', { 'LICENSE.md': 'B terms', 'lib/index.js': '', 'lib/LICENSE-THIRD': 'third terms', 'licensed.js': 'not a licence' }, 'ISC'),
    pkg('a-lib', {}, 'MIT'),
  ], out, 'Title');
  assert.deepEqual(names, ['a-lib', 'b-lib']);
  const text = fs.readFileSync(out, 'utf8');
  assert.match(text, /a-lib 1\.2\.3 \(licence: MIT\)\n=+\nThe package ships no licence file; its package.json declares MIT\./);
  assert.match(text, /--- LICENSE\.md ---\nB terms/);
  assert.match(text, /--- lib\/LICENSE-THIRD ---\nthird terms/);
  assert.doesNotMatch(text, /not a licence/);
});

// Shared by the bundle-*.test.ts files: an iris model with a spec in a temp folder, reading the bundle's README,
// and small helpers that look inside a bundle the way a user's tools would.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { ensureFixtures } from '../fixtures/make-fixtures';

export async function makeIrisProject(dir: string, base: string): Promise<{ modelPath: string; specPath: string }> {
  const fixtures = await ensureFixtures();
  const modelPath = path.join(dir, 'iris.onnx');
  fs.copyFileSync(path.join(fixtures, 'iris.onnx'), modelPath);
  const specPath = path.join(dir, 'modeldock.yaml');
  fs.writeFileSync(path.join(dir, 'classes.txt'), 'setosa\nversicolor\nvirginica\n');
  fs.writeFileSync(specPath, [
    'apiVersion: modeldock/v1',
    '# The iris classifier from the lesson.',
    'model:',
    '  path: iris.onnx',
    '  name: iris',
    '  version: "1"',
    'labelsFile: classes.txt',
    'image:',
    `  base: ${base}`,
    '',
  ].join('\n'));
  return { modelPath, specPath };
}

export function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Every file under dir, relative, forward slashes, sorted. */
export function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(dir, rel) : [rel];
  }).sort();
}

/** The README's one `docker run` line, split into arguments the way a POSIX shell would (single quotes only). */
export function readmeDockerRun(readme: string): string[] {
  const line = readme.split('\n').find((l) => l.startsWith('docker run '));
  if (!line) throw new Error('the README has no "docker run" line');
  return shellWords(line).slice(1);
}

/** The README's curl commands (each a fenced block starting with "curl "), joined across backslash line ends. */
export function readmeCurls(readme: string): string[] {
  const blocks = [...readme.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.filter((b) => b.startsWith('curl ')).map((b) => b.replace(/\\\n\s*/g, ' ').trim());
}

export function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let quoted = false;
  let inWord = false;
  for (const ch of line) {
    if (quoted) {
      if (ch === '\'') quoted = false; else current += ch;
    } else if (ch === '\'') {
      quoted = true; inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(current);
      current = ''; inWord = false;
    } else {
      current += ch; inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

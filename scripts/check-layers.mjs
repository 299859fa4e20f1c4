// `npm run lint:layers`: keeps each folder to its runtime (see STYLE.md, "Folders by runtime").
//   shared/    imports only zod and shared/ (it runs in Node, the browser and the preload alike)
//   renderer/  imports no Node builtins, nothing from main/, and not electron (it is a web page)
//   main/      outside main/electron/ never imports electron (the engine runs in plain Node)
//   ipcMain / ipcRenderer appear only in main/electron/ (only the IPC wrappers touch raw IPC)
// Prints file:line: problem for each violation and exits 1. `--root DIR` checks another tree (tests use it).
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const rootArg = process.argv.indexOf('--root');
const root = path.resolve(rootArg > 0 ? process.argv[rootArg + 1] : path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const IMPORT_PATTERNS = [
  /\bimport\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/g,
  /\bexport\s+(?:type\s+)?(?:\*|\{[^}]*\})(?:\s+as\s+\w+)?\s+from\s+['"]([^'"]+)['"]/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : SOURCE.test(entry.name) ? [full] : [];
  });
}

/** Blank out comments (keeping line breaks) so a mention in a comment is not an import. */
function stripComments(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/[^\n]*/g, (m, lead) => lead + ' '.repeat(m.length - lead.length));
}

function lineOf(text, index) {
  return text.slice(0, index).split('\n').length;
}

const problems = [];
const rel = (file) => path.relative(root, file).split(path.sep).join('/');
const within = (file, folder) => rel(file).startsWith(`${folder}/`);
const report = (file, text, index, message) => problems.push(`${rel(file)}:${lineOf(text, index)}: ${message}`);

for (const file of [...walk(path.join(root, 'shared')), ...walk(path.join(root, 'renderer')), ...walk(path.join(root, 'main'))]) {
  const text = stripComments(fs.readFileSync(file, 'utf8'));
  const layer = rel(file).split('/')[0];
  const inElectronCorner = within(file, 'main/electron');

  for (const pattern of IMPORT_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const spec = match[1];
      const index = match.index + match[0].indexOf(spec);
      const relative = spec.startsWith('.');
      const target = relative ? rel(path.resolve(path.dirname(file), spec)) : null;
      const isElectron = spec === 'electron' || spec.startsWith('electron/');

      if (layer === 'shared') {
        if (relative ? !target.startsWith('shared/') : spec !== 'zod' && !spec.startsWith('zod/')) {
          report(file, text, index, `shared/ may import only zod and shared/, not "${spec}"`);
        }
      } else if (layer === 'renderer') {
        if (BUILTINS.has(spec)) report(file, text, index, `renderer/ runs in a browser: no Node builtin "${spec}"`);
        else if (isElectron) report(file, text, index, 'renderer/ must not import electron (use window.modeldock through the transport)');
        else if (target?.startsWith('main/')) report(file, text, index, `renderer/ must not import from main/ ("${spec}")`);
      } else if (layer === 'main' && !inElectronCorner && isElectron) {
        report(file, text, index, 'the engine runs in plain Node: only main/electron/ may import electron');
      }
    }
  }

  if (!inElectronCorner) {
    for (const match of text.matchAll(/\b(ipcMain|ipcRenderer)\b/g)) {
      report(file, text, match.index, `${match[1]} is used only in main/electron/ (the IPC wrappers)`);
    }
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`\nlayers: ${problems.length} problem${problems.length === 1 ? '' : 's'} (see scripts/check-layers.mjs for the rules)`);
  process.exit(1);
}
console.log('layers: ok');

// Builds every runnable piece with esbuild: the Electron main and preload bundles, the CLI (which also serves
// web mode), the inference worker and the renderer. Node bundles sit side by side in dist/ so each can find the
// worker as a sibling file. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Native or Electron-provided modules stay outside the bundles.
// dockerode stays outside too: its SSH transport loads optional native crypto at run time.
const nodeExternals = ['electron', 'onnxruntime-node', 'playwright-core', 'bufferutil', 'utf-8-validate', 'dockerode'];

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: nodeExternals,
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [
  { ...nodeCommon, entryPoints: { main: 'main/electron/main.ts' }, outdir: dist },
  // The preload runs sandboxed: it may require only 'electron', so everything else is bundled in.
  { ...nodeCommon, entryPoints: { preload: 'main/electron/preload.ts' }, outdir: dist, external: ['electron'] },
  { ...nodeCommon, entryPoints: { modeldock: 'main/cli/modeldock.ts' }, outdir: dist },
  { ...nodeCommon, entryPoints: { 'inference-worker': 'main/inference/worker-main.ts' }, outdir: dist },
  // The serving runtime that goes into every image: the server, its inference threads and its image threads, side
  // by side in dist/serving/ (the server finds the thread scripts as siblings). Only onnxruntime-node stays outside.
  {
    ...nodeCommon,
    entryPoints: {
      'modeldock-serve': 'resources/serving/src/main.ts',
      'inference-thread': 'resources/serving/src/inference-thread.ts',
      'image-thread': 'resources/serving/src/image-thread.ts',
    },
    outdir: path.join(dist, 'serving'),
  },
  {
    entryPoints: { app: 'renderer/main.tsx' },
    outdir: path.join(dist, 'renderer'),
    bundle: true,
    platform: 'browser',
    target: 'chrome120',
    format: 'esm',
    sourcemap: true,
    minify: production,
    jsx: 'automatic',
    loader: { '.svg': 'dataurl', '.png': 'dataurl', '.woff2': 'file' },
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
    logLevel: 'warning',
  },
];

function copyStatic() {
  const out = path.join(dist, 'renderer');
  fs.mkdirSync(out, { recursive: true });
  fs.copyFileSync(path.join(root, 'renderer', 'index.html'), path.join(out, 'index.html'));
}

/** The JPEG decoder's WebAssembly (main/inference/jpeg-wasm.ts) beside each bundle that decodes images. */
function copyJpegDecoder() {
  const wasm = path.join(root, 'node_modules', '@jsquash', 'jpeg', 'codec', 'dec', 'mozjpeg_dec.wasm');
  for (const dir of [dist, path.join(dist, 'serving')]) {
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(wasm, path.join(dir, 'mozjpeg_dec.wasm'));
  }
}

const started = Date.now();
fs.mkdirSync(dist, { recursive: true });
const present = builds.filter((b) => Object.values(b.entryPoints).every((e) => fs.existsSync(path.join(root, e))));
if (watch) {
  for (const b of present) await (await esbuild.context(b)).watch();
  copyStatic();
  copyJpegDecoder();
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(present.map((b) => esbuild.build({ ...b, absWorkingDir: root })));
  if (fs.existsSync(path.join(root, 'renderer', 'index.html'))) copyStatic();
  copyJpegDecoder();
  console.log(`built ${present.length} bundles into dist/ in ${Date.now() - started} ms`);
}

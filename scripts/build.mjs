// Builds every runnable piece with esbuild: the Electron main and preload bundles, the CLI (which also serves
// web mode), the inference worker and the renderer. Node bundles sit side by side in dist/ so each can find the
// worker as a sibling file. `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledPackages, writeNotices } from './third-party-notices.mjs';

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

/**
 * THIRD_PARTY_NOTICES.txt beside the app's bundles and beside the serving runtime, which goes into every image with
 * ONNX Runtime's JavaScript and native library (copied from onnxruntime-node and onnxruntime-common, not bundled).
 */
function writeAllNotices(results) {
  const serving = results[present.findIndex((b) => b.outdir === path.join(dist, 'serving'))];
  const onnxRuntime = ['onnxruntime-node', 'onnxruntime-common'].map((name) => path.join(root, 'node_modules', name));
  const all = results.flatMap((r) => bundledPackages(r.metafile, root));
  writeNotices([...all, ...onnxRuntime], path.join(dist, 'THIRD_PARTY_NOTICES.txt'), 'ModelDock');
  if (serving) writeNotices([...bundledPackages(serving.metafile, root), ...onnxRuntime], path.join(dist, 'serving', 'THIRD_PARTY_NOTICES.txt'), 'The ModelDock serving runtime (in every image ModelDock builds)');
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
  const results = await Promise.all(present.map((b) => esbuild.build({ ...b, absWorkingDir: root, metafile: true })));
  if (fs.existsSync(path.join(root, 'renderer', 'index.html'))) copyStatic();
  copyJpegDecoder();
  writeAllNotices(results);
  console.log(`built ${present.length} bundles into dist/ in ${Date.now() - started} ms`);
}

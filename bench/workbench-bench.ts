// `npm run bench`: the figures issue 2 asks for, in one run, medians side by side.
//   1. inspect time and peak RSS on a ~1 GB and a >2 GB external-data model (vs ONNX Runtime loading them)
//   2. predict() through the worker vs a bare in-process session.run (bench/predict-overhead.ts)
//   3. app start to first screen in web mode (needs `npm run build` and /usr/bin/chromium)
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { measureLargeModels } from './large-model-inspect';
import { measureWebStartup } from './web-startup';

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'large') {
    console.log('\n## Inspect large models (fresh process per run, median of 3)');
    const rows = await measureLargeModels();
    console.log('| model | on disk | operation | time | peak RSS |\n| --- | --- | --- | --- | --- |');
    for (const r of rows) {
      const op = r.mode === 'inspect' ? 'ModelDock inspect' : r.mode === 'ort-load' ? 'ONNX Runtime session create' : 'empty process (floor)';
      console.log(`| ${r.model} | ${r.fileGB.toFixed(2)} GB | ${op} | ${r.ms.toFixed(0)} ms | ${r.maxRssMB.toFixed(0)} MB |`);
    }
  }
  if (!only || only === 'predict') {
    console.log('\n## predict() overhead');
    execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'predict-overhead.ts')], { stdio: 'inherit' });
  }
  if (!only || only === 'startup') {
    console.log('\n## Web mode start to first screen');
    const s = await measureWebStartup(5);
    console.log(`server listening: ${s.serverMs.toFixed(0)} ms; drop zone visible in Chromium: ${s.firstScreenMs.toFixed(0)} ms (median of ${s.runs})`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

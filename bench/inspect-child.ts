// Runs one measured operation in a fresh process so its peak RSS is its own: `inspect` (ModelDock's streaming
// reader), `ort-load` (ONNX Runtime session creation, which must read every weight) or `baseline` (nothing).
import { inspectOnnx } from '../main/model/onnx-inspect';

async function main(): Promise<void> {
  const [mode, modelPath] = process.argv.slice(2);
  const t0 = performance.now();
  let detail = '';
  if (mode === 'inspect') {
    const summary = await inspectOnnx(modelPath);
    detail = `${summary.parameterCount} parameters, ${summary.inputs.length} inputs`;
  } else if (mode === 'ort-load') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');
    const session = await ort.InferenceSession.create(modelPath);
    detail = `inputs ${session.inputNames.join(',')}`;
    await session.release();
  }
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ mode, ms, maxRssMB: process.resourceUsage().maxRSS / 1024, detail }) + '\n');
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ error: String(error && (error as Error).message) }) + '\n');
  process.exit(1);
});

/**
 * predict() overhead: the iris-size MLP run through the inference worker (one IPC round trip per call) against a
 * bare in-process session.run with the same inputs, N calls each in interleaved rounds so both see the same machine
 * state. Also the whole engine path (engine.invoke('inference.predict'): contract validation, input resolution,
 * checks, worker, outputs to JSON). Run: node --import tsx bench/predict-overhead.ts [N]
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { createEngine } from '../main/engine/engine';
import type { HostTensor } from '../main/inference/host-tensor';
import { percentile } from '../main/inference/latency-stats';
import { hostToWire } from '../main/inference/tensor-codec';
import { ensureFixtures } from '../tests/fixtures/make-fixtures';

const N = Number(process.argv[2] ?? 2000);
const ROUNDS = 20;

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

async function main(): Promise<void> {
  const modelPath = path.join(await ensureFixtures(), 'iris.onnx');
  ort.env.logLevel = 'error';
  const bare = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 0, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  const engine = createEngine({ shell: 'cli', dataDir: path.join(os.tmpdir(), 'modeldock-bench-data') });
  const service = engine.services.inference;
  const values = new Float32Array([5.1, 3.5, 1.4, 0.2]);
  const feed: HostTensor = { name: 'input', elementType: 'float32', dims: [1, 4], data: values };
  const wire = hostToWire(feed);

  // Warm both paths (session creation, JIT) before measuring.
  for (let i = 0; i < 200; i++) {
    await bare.run({ input: new ort.Tensor('float32', values, [1, 4]) });
    await service.run(modelPath, [feed]);
    if (i < 50) await engine.invoke('inference.predict', { modelPath, inputs: [{ kind: 'tensor', tensor: wire }] });
  }

  const bareTimes: number[] = [];
  const workerTimes: number[] = [];
  const engineTimes: number[] = [];
  const per = Math.ceil(N / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < per; i++) {
      const t = process.hrtime.bigint();
      await bare.run({ input: new ort.Tensor('float32', values, [1, 4]) });
      bareTimes.push(ms(t));
    }
    for (let i = 0; i < per; i++) {
      const t = process.hrtime.bigint();
      await service.run(modelPath, [feed]);
      workerTimes.push(ms(t));
    }
    for (let i = 0; i < Math.ceil(per / 4); i++) {
      const t = process.hrtime.bigint();
      await engine.invoke('inference.predict', { modelPath, inputs: [{ kind: 'tensor', tensor: wire }] });
      engineTimes.push(ms(t));
    }
  }
  const bareMedian = median(bareTimes);
  const workerMedian = median(workerTimes);
  const engineMedian = median(engineTimes);
  const fmt = (v: number) => `${(v * 1000).toFixed(1)} µs`;
  console.log(`predict() overhead, iris MLP [1,4] -> [1,3], ${bareTimes.length} calls each in ${ROUNDS} interleaved rounds (${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores)`);
  console.log(`  bare in-process session.run          median ${fmt(bareMedian)}  p99 ${fmt(percentile([...bareTimes].sort((a, b) => a - b), 99))}`);
  console.log(`  InferenceService.run (worker, IPC)   median ${fmt(workerMedian)}  p99 ${fmt(percentile([...workerTimes].sort((a, b) => a - b), 99))}`);
  console.log(`  engine.invoke('inference.predict')   median ${fmt(engineMedian)}  (${engineTimes.length} calls)`);
  console.log(`  ratio worker / bare: ${(workerMedian / bareMedian).toFixed(1)}x (+${fmt(workerMedian - bareMedian)} per call); engine path / bare: ${(engineMedian / bareMedian).toFixed(1)}x`);
  await bare.release();
  await engine.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * The benchmark's "~5 ms CNN": image float32 [batch,3,224,224] -> three strided Conv+Relu -> GlobalAveragePool ->
 * Flatten -> Gemm -> Softmax -> scores float32 [batch,10]. The width (channels of the first conv; the next two double
 * it) is tuned on this machine until one single-image run takes 4-6 ms in ONNX Runtime, then cached under
 * os.tmpdir() with the measured time, so later runs reuse it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { attr, encodeModel, floatTensor, tensorInfo, type ModelDef } from '../../main/model/onnx-writer';
import { median } from '../stats';

export const CNN_INPUT = 'image';
export const CNN_OUTPUT = 'scores';
export const CNN_DIMS = [1, 3, 224, 224];
export const CNN_CLASSES = 10;
const CACHE_VERSION = 'v1';
const WIDTHS = [8, 16, 24, 32, 48, 64, 72, 80, 88, 96, 104, 112, 128, 144, 160];
const TARGET_LOW_MS = 4;
const TARGET_HIGH_MS = 6;

export interface CnnModelInfo {
  modelPath: string;
  width: number;
  singleRunMs: number;
  threads: number;
}

export function benchCacheDir(): string {
  const dir = path.join(os.tmpdir(), 'modeldock-bench-serving');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Seeded weights (Kaiming-like scale) so activations stay finite through three layers and the file is identical every run. */
function weights(count: number, fanIn: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const scale = Math.sqrt(2 / fanIn);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = ((state / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

export function cnnModel(width: number): ModelDef {
  const c1 = width;
  const c2 = width * 2;
  const c3 = width * 4;
  const conv = (input: string, output: string, name: string) => ({
    opType: 'Conv', inputs: [input, `${name}_w`, `${name}_b`], outputs: [output], name,
    attributes: [attr.ints('kernel_shape', [3, 3]), attr.ints('strides', [2, 2]), attr.ints('pads', [1, 1, 1, 1])],
  });
  return {
    irVersion: 8,
    producerName: 'modeldock-bench',
    producerVersion: CACHE_VERSION,
    opsetImports: [{ domain: '', version: 17 }],
    metadata: { task: 'classification' },
    graph: {
      name: `bench_cnn_w${width}`,
      nodes: [
        conv(CNN_INPUT, 'c1', 'conv1'), { opType: 'Relu', inputs: ['c1'], outputs: ['r1'] },
        conv('r1', 'c2', 'conv2'), { opType: 'Relu', inputs: ['c2'], outputs: ['r2'] },
        conv('r2', 'c3', 'conv3'), { opType: 'Relu', inputs: ['c3'], outputs: ['r3'] },
        { opType: 'GlobalAveragePool', inputs: ['r3'], outputs: ['pooled'] },
        { opType: 'Flatten', inputs: ['pooled'], outputs: ['flat'], attributes: [attr.int('axis', 1)] },
        { opType: 'Gemm', inputs: ['flat', 'fc_w', 'fc_b'], outputs: ['logits'] },
        { opType: 'Softmax', inputs: ['logits'], outputs: [CNN_OUTPUT], attributes: [attr.int('axis', 1)] },
      ],
      inputs: [tensorInfo(CNN_INPUT, 'float32', ['batch', 3, 224, 224])],
      outputs: [tensorInfo(CNN_OUTPUT, 'float32', ['batch', CNN_CLASSES])],
      initializers: [
        floatTensor('conv1_w', [c1, 3, 3, 3], weights(c1 * 27, 27, 1)), floatTensor('conv1_b', [c1], new Float32Array(c1)),
        floatTensor('conv2_w', [c2, c1, 3, 3], weights(c2 * c1 * 9, c1 * 9, 2)), floatTensor('conv2_b', [c2], new Float32Array(c2)),
        floatTensor('conv3_w', [c3, c2, 3, 3], weights(c3 * c2 * 9, c2 * 9, 3)), floatTensor('conv3_b', [c3], new Float32Array(c3)),
        floatTensor('fc_w', [c3, CNN_CLASSES], weights(c3 * CNN_CLASSES, c3, 4)), floatTensor('fc_b', [CNN_CLASSES], new Float32Array(CNN_CLASSES)),
      ],
    },
  };
}

/** Median ms of one single-image run after a warm-up; every loop is bounded by count and by wall time. */
export async function singleRunMs(modelPath: string, threads: number, runs = 40): Promise<number> {
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  try {
    const data = new Float32Array(3 * 224 * 224).map((_, i) => ((i * 7919) % 255) / 255);
    const times: number[] = [];
    const deadline = performance.now() + 15_000;
    for (let i = 0; i < runs + 5 && performance.now() < deadline; i++) {
      const t = performance.now();
      await session.run({ [CNN_INPUT]: new ort.Tensor('float32', data, CNN_DIMS) });
      if (i >= 5) times.push(performance.now() - t);
    }
    return median(times);
  } finally {
    await session.release();
  }
}

/** The tuned CNN for this machine (cached); `threads` is the intra-op budget the runtime will use. */
export async function ensureCnnModel(threads: number, log: (line: string) => void): Promise<CnnModelInfo> {
  ort.env.logLevel = 'error';
  const dir = benchCacheDir();
  const infoPath = path.join(dir, `cnn-224-${CACHE_VERSION}-t${threads}.json`);
  if (fs.existsSync(infoPath)) {
    const cached = JSON.parse(fs.readFileSync(infoPath, 'utf8')) as CnnModelInfo;
    if (fs.existsSync(cached.modelPath)) return cached;
  }
  let best: CnnModelInfo | null = null;
  for (const width of WIDTHS) {
    const modelPath = path.join(dir, `cnn-224-${CACHE_VERSION}-w${width}.onnx`);
    if (!fs.existsSync(modelPath)) fs.writeFileSync(modelPath, encodeModel(cnnModel(width)));
    const ms = await singleRunMs(modelPath, threads);
    log(`  CNN width ${width}: ${ms.toFixed(2)} ms per single-image run (${threads} threads)`);
    const candidate = { modelPath, width, singleRunMs: ms, threads };
    if (!best || Math.abs(ms - 5) < Math.abs(best.singleRunMs - 5)) best = candidate;
    if (ms >= TARGET_LOW_MS) break;
  }
  if (!best) throw new Error('CNN tuning produced no model');
  if (best.singleRunMs < TARGET_LOW_MS || best.singleRunMs > TARGET_HIGH_MS) {
    log(`  note: closest CNN is ${best.singleRunMs.toFixed(2)} ms (outside ${TARGET_LOW_MS}-${TARGET_HIGH_MS} ms)`);
  }
  fs.writeFileSync(infoPath, JSON.stringify(best, null, 2));
  return best;
}

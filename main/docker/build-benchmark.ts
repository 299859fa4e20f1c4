import * as fs from 'node:fs';
import * as path from 'node:path';
import { BenchResultSchema } from '../../shared/schemas/bench';
import { BENCH_FILE_NAME } from '../inference/bench-runner';

/**
 * The Test step's saved benchmark (modeldock.bench.json beside the spec or the model), reduced to the figure a
 * build record keeps: the single-request latency and throughput of the same model file. Null when there is none,
 * it is unreadable, or it measured another file.
 */
export function readSavedBenchmark(modelPath: string, specPath: string | null): { p50Ms: number; throughput: number; batch: number } | null {
  const dir = specPath ? path.dirname(specPath) : path.dirname(modelPath);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.join(dir, BENCH_FILE_NAME), 'utf8'));
  } catch {
    return null;
  }
  const parsed = BenchResultSchema.safeParse(raw);
  if (!parsed.success || path.resolve(parsed.data.modelPath) !== path.resolve(modelPath)) return null;
  const best = [...parsed.data.results].sort((a, b) => a.batchSize - b.batchSize || a.p50 - b.p50)[0];
  return best ? { p50Ms: best.p50, throughput: best.throughput, batch: best.batchSize } : null;
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { isModelDockError, toErrorInfo } from '../../shared/errors';
import type { HostTensor } from '../../main/inference/host-tensor';
import type { InferenceService } from '../../main/inference/inference-service';
import { readNumber, readValue } from '../../main/inference/tensor-codec';
import { decodeTensorProto } from '../../main/inference/tensor-proto';

/**
 * Runs the ONNX project's backend test suite (Debian's libonnx-testdata) through ModelDock's own TensorProto
 * decoder and inference worker, and compares against the expected outputs.
 */
export const TESTDATA_ROOT = '/usr/share/libonnx-testdata/data';
export const SUITES = ['node', 'pytorch-converted', 'pytorch-operator', 'simple'] as const;

export type CaseStatus = 'pass' | 'rejected' | 'run-error' | 'mismatch' | 'skipped' | 'crashed';

export interface CaseResult {
  suite: string;
  name: string;
  status: CaseStatus;
  reason?: string;
  ms: number;
}

export interface SuiteReport {
  root: string;
  counts: Record<CaseStatus, number> & { total: number };
  durationMs: number;
  cases: CaseResult[];
}

export function listCases(root = TESTDATA_ROOT): Array<{ suite: string; name: string; dir: string }> {
  const out: Array<{ suite: string; name: string; dir: string }> = [];
  for (const suite of SUITES) {
    const base = path.join(root, suite);
    if (!fs.existsSync(base)) continue;
    for (const name of fs.readdirSync(base).sort()) {
      const dir = path.join(base, name);
      if (fs.existsSync(path.join(dir, 'model.onnx'))) out.push({ suite, name, dir });
    }
  }
  return out;
}

export async function runCase(service: InferenceService, dir: string): Promise<{ status: CaseStatus; reason?: string }> {
  const modelPath = path.join(dir, 'model.onnx');
  let io;
  try {
    io = (await service.describe(modelPath, { signal: AbortSignal.timeout(60_000) })).io;
  } catch (error) {
    return failure(error, 'rejected');
  }
  const nonTensor = [...io.inputs, ...io.outputs].filter((v) => !v.isTensor);
  if (nonTensor.length) {
    return { status: 'skipped', reason: `non-tensor ${nonTensor.map((v) => `"${v.name}"`).join(', ')} (sequence/map/optional values cannot cross onnxruntime-node's JS API)` };
  }
  const sets = fs.readdirSync(dir).filter((d) => d.startsWith('test_data_set_')).sort();
  if (!sets.length) return { status: 'skipped', reason: 'no test_data_set_* folder' };
  for (const set of sets) {
    const setDir = path.join(dir, set);
    const read = (prefix: string): HostTensor[] | string => {
      const files = fs.readdirSync(setDir).filter((f) => f.startsWith(prefix) && f.endsWith('.pb'))
        .sort((a, b) => Number(a.replace(/\D/g, '')) - Number(b.replace(/\D/g, '')));
      const tensors: HostTensor[] = [];
      for (const f of files) {
        try {
          tensors.push(decodeTensorProto(fs.readFileSync(path.join(setDir, f)), ''));
        } catch (error) {
          return `${f}: ${isModelDockError(error) ? error.message : String(error)}`;
        }
      }
      return tensors;
    };
    const inputs = read('input_');
    const expected = read('output_');
    if (typeof inputs === 'string') return { status: 'skipped', reason: `input not a plain tensor (${inputs})` };
    if (typeof expected === 'string') return { status: 'skipped', reason: `expected output not a plain tensor (${expected})` };
    const names = io.inputs.map((i) => i.name);
    // Files carry the input's name when the exporter set it; otherwise they follow the model's input order.
    const feeds = inputs.map((t, i) => ({ ...t, name: t.name && names.includes(t.name) ? t.name : names[i] }));
    let outputs: HostTensor[];
    try {
      outputs = (await service.run(modelPath, feeds, { signal: AbortSignal.timeout(60_000) })).outputs;
    } catch (error) {
      return failure(error, 'run-error');
    }
    for (let i = 0; i < expected.length; i++) {
      const want = expected[i];
      const got = (want.name && outputs.find((o) => o.name === want.name)) || outputs[i];
      const why = got ? compareTensors(got, want) : `output ${i} missing`;
      if (why) return { status: 'mismatch', reason: `${set} output "${got?.name ?? i}": ${why}` };
    }
  }
  return { status: 'pass' };
}

function failure(error: unknown, status: CaseStatus): { status: CaseStatus; reason: string } {
  const info = toErrorInfo(error);
  if (info.code === 'runtime-crashed') return { status: 'crashed', reason: `${info.message} (${(info.detail ?? '').split('\n')[0]})` };
  return { status, reason: info.message };
}

/** Null when equal within tolerance; otherwise why not. Ints, bools and strings must match exactly; NaN equals NaN. */
export function compareTensors(got: HostTensor, want: HostTensor): string | null {
  if (got.elementType !== want.elementType) return `element type ${got.elementType}, expected ${want.elementType}`;
  if (got.dims.join(',') !== want.dims.join(',')) return `shape [${got.dims.join(', ')}], expected [${want.dims.join(', ')}]`;
  const float = got.elementType === 'float32' || got.elementType === 'float64' || got.elementType === 'float16';
  const [rtol, atol] = got.elementType === 'float16' ? [1e-2, 1e-3] : [1e-3, 1e-5];
  let bad = 0;
  let first = '';
  for (let i = 0; i < want.data.length; i++) {
    let ok: boolean;
    if (float) {
      const a = readNumber(got, i);
      const e = readNumber(want, i);
      ok = (Number.isNaN(a) && Number.isNaN(e)) || a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e);
    } else {
      ok = readValue(got, i) === readValue(want, i);
    }
    if (!ok) {
      if (!bad) first = `at index ${i} got ${String(readValue(got, i))}, expected ${String(readValue(want, i))}`;
      bad++;
    }
  }
  return bad ? `${bad} of ${want.data.length} values differ; first ${first}` : null;
}

export async function runBackendSuite(service: InferenceService, opts: { root?: string; onCase?: (r: CaseResult) => void } = {}): Promise<SuiteReport> {
  const started = Date.now();
  const cases: CaseResult[] = [];
  for (const c of listCases(opts.root)) {
    const t0 = Date.now();
    const outcome = await runCase(service, c.dir);
    const result: CaseResult = { suite: c.suite, name: c.name, ...outcome, ms: Date.now() - t0 };
    cases.push(result);
    opts.onCase?.(result);
    // Keep the worker's memory flat across ~1000 models.
    await service.release(path.join(c.dir, 'model.onnx')).catch(() => {});
  }
  const counts = { total: cases.length, pass: 0, rejected: 0, 'run-error': 0, mismatch: 0, skipped: 0, crashed: 0 };
  for (const c of cases) counts[c.status]++;
  return { root: opts.root ?? TESTDATA_ROOT, counts, durationMs: Date.now() - started, cases };
}

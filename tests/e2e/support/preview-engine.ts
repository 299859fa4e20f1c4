// A stand-in engine with canned answers, for looking at the UI (screenshots, layout work) without models or
// ONNX Runtime. Not used by the E2E test, which runs the real engine; run `node --import tsx
// tests/e2e/support/preview.ts` and open the printed URL.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contract, type CallName } from '../../../shared/contract';
import { ModelDockError, toErrorInfo } from '../../../shared/errors';
import type { CallResult } from '../../../shared/rpc';
import type { ModelReport, RecentModel } from '../../../shared/schemas/model';
import type { Engine } from '../../../main/engine/engine';

const LABELS = ['setosa', 'versicolor', 'virginica'];

function onnxReport(file: string, zipmap: boolean): ModelReport {
  return {
    path: file, fileName: path.basename(file), format: 'onnx', formatLabel: 'ONNX', bytes: 2_412, inspectMs: 3,
    onnx: {
      irVersion: 8, opsetImports: zipmap ? [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 3 }] : [{ domain: '', version: 17 }],
      producerName: zipmap ? 'skl2onnx' : 'modeldock-fixtures', producerVersion: '1.0', domain: '', modelVersion: 0, docString: '',
      graphName: 'iris', metadata: [{ key: 'labels', value: LABELS.join(',') }],
      inputs: [{ name: zipmap ? 'float_input' : 'input', kind: 'tensor', elementType: 'float32', shape: ['batch', 4], typeText: 'tensor(float)' }],
      outputs: zipmap
        ? [{ name: 'output_label', kind: 'tensor', elementType: 'int64', shape: ['batch'], typeText: 'tensor(int64)' },
          { name: 'output_probability', kind: 'sequence', elementType: null, shape: null, typeText: 'seq(map(int64,tensor(float)))' }]
        : [{ name: 'probabilities', kind: 'tensor', elementType: 'float32', shape: ['batch', 3], typeText: 'tensor(float)' }],
      nodeCount: 5, opHistogram: [{ opType: 'Gemm', domain: '', count: 2 }, { opType: 'Relu', domain: '', count: 1 }, { opType: 'Softmax', domain: '', count: 1 }, ...(zipmap ? [{ opType: 'ZipMap', domain: 'ai.onnx.ml', count: 1 }] : [{ opType: 'Identity', domain: '', count: 1 }])],
      initializerCount: 4, parameterCount: 4867, parameterBytes: 19_468, customDomains: [], externalData: [], labels: LABELS,
    },
  };
}

const delay = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(new ModelDockError({ code: 'cancelled', title: 'Cancelled', message: 'The operation was cancelled.' })); });
});

export function previewEngine(): Engine {
  let recent: RecentModel[] = [];
  const handlers: Record<string, (req: any, ctx: { onProgress: (e: unknown) => void; signal: AbortSignal }) => Promise<unknown>> = {
    async 'app.info'() { return { version: '0.1.0', ortVersion: '1.30.0', platform: 'linux', arch: 'x64', cpus: 2, shell: 'web', dataDir: '/tmp', homeDir: os.homedir() }; },
    async 'model.open'({ path: file }, { onProgress }) {
      for (const [i, step] of ['detecting format', 'reading graph', 'counting parameters'].entries()) {
        onProgress({ step, index: i + 1, total: 3 });
        await delay(150);
      }
      let report: ModelReport;
      if (file.endsWith('.pkl')) {
        report = { path: file, fileName: path.basename(file), format: 'pickle', formatLabel: 'Python pickle', bytes: 1234, inspectMs: 1,
          conversion: { summary: 'A pickled Python object, typically a scikit-learn model. Convert it with skl2onnx.', steps: ['pip install skl2onnx', 'Load the pickle in the Python environment that trained it', 'Convert with to_onnx, giving the input shape', 'Open the .onnx file in ModelDock'], snippet: 'import pickle\nfrom skl2onnx import to_onnx\nimport numpy as np\n\nmodel = pickle.load(open("model.pkl", "rb"))\nonx = to_onnx(model, np.zeros((1, 4), dtype=np.float32), options={"zipmap": False})\nopen("model.onnx", "wb").write(onx.SerializeToString())', snippetLanguage: 'python' } };
      } else if (file.includes('random')) {
        throw new ModelDockError({ code: 'unrecognised-file', title: 'This file is not a model ModelDock recognises', message: `${path.basename(file)} does not start like any known model format (ONNX protobuf, pickle, zip, HDF5).`, fix: 'Check that the export finished and that you picked the right file.', detail: 'first bytes: 8f 1a 03 c4 ...\n    at detectFormat (/x/detect-format.ts:10:3)' });
      } else {
        report = onnxReport(file, file.includes('zipmap') && !file.includes('nozipmap'));
      }
      recent = [{ path: file, name: path.basename(file), format: report.format, openedAt: new Date().toISOString() }, ...recent.filter((r) => r.path !== file)];
      return report;
    },
    async 'model.validate'({ path: file }, { onProgress }) {
      for (const [i, step] of ['structure', 'operators', 'creating session', 'smoke run'].entries()) {
        onProgress({ step, index: i + 1, total: 4 });
        await delay(200);
      }
      const zip = file.includes('zipmap') && !file.includes('nozipmap');
      return {
        path: file, ok: !zip, checkedAt: new Date().toISOString(),
        smokeRun: zip ? null : { sessionCreateMs: 12.3, runMs: 0.21, outputs: [{ name: 'probabilities', elementType: 'float32', dims: [1, 3], nanCount: 0, infCount: 0 }] },
        findings: zip
          ? [{ check: 'io.non-tensor-output', severity: 'error', title: 'Output "output_probability" is a ZipMap (list of dictionaries)', detail: 'ONNX Runtime for Node cannot return sequence or map outputs, so a served model would fail on every request.', hint: 'Remove the ZipMap; the probabilities tensor before it becomes the output.', fix: { kind: 'remove-zipmap', label: 'Remove ZipMap' } },
            { check: 'batch.dynamic', severity: 'info', title: 'Batch dimension is dynamic', detail: 'Requests can carry any number of rows.' }]
          : [{ check: 'batch.dynamic', severity: 'info', title: 'Batch dimension is dynamic', detail: 'Requests can carry any number of rows.' }],
      };
    },
    async 'model.fix'({ path: file }) {
      const out = file.replace(/\.onnx$/, '.nozipmap.onnx');
      return { path: out, report: onnxReport(out, false) };
    },
    async 'model.recent'() { return { items: recent }; },
    async 'model.forget'({ path: file }) { recent = recent.filter((r) => r.path !== file); return { items: recent }; },
    async 'inference.sampleInputs'({ fill }) {
      const data = fill === 'zeros' ? [0, 0, 0, 0] : fill === 'random' ? [0, 0, 0, 0].map(() => Math.round(Math.random() * 70) / 10) : [5.1, 3.5, 1.4, 0.2];
      return { inputs: [{ name: 'input', elementType: 'float32', dims: [1, 4], data }] };
    },
    async 'inference.predict'({ inputs, repeat }) {
      const text = inputs[0]?.text ?? '';
      const parsed = JSON.parse(text.includes('instances') ? JSON.stringify(JSON.parse(text).instances) : text) as number[][];
      if (!Array.isArray(parsed[0]) || parsed[0].length !== 4) {
        throw new ModelDockError({ code: 'input-shape', title: 'Input "input" has the wrong shape', message: `Input "input" expects shape [batch, 4]; the given value has shape [${parsed.length}, ${Array.isArray(parsed[0]) ? parsed[0].length : '?'}].`, fix: 'Give 4 numbers per row.' });
      }
      const samples = Array.from({ length: repeat }, () => 0.05 + Math.random() * 0.05 + (Math.random() < 0.1 ? 0.05 : 0));
      const sorted = [...samples].sort((a, b) => a - b);
      const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
      return {
        inputs: [{ name: 'input', elementType: 'float32', dims: [parsed.length, 4] }],
        outputs: [{ name: 'probabilities', elementType: 'float32', dims: [parsed.length, 3], data: parsed.flatMap(() => [0.912, 0.071, 0.017]) }],
        classification: { output: 'probabilities', scoreKind: 'probability', rows: parsed.map(() => ({ top: [{ index: 0, label: 'setosa', score: 0.912 }, { index: 1, label: 'versicolor', score: 0.071 }, { index: 2, label: 'virginica', score: 0.017 }] })) },
        latency: { runs: repeat, firstMs: 1.8, p50: q(0.5), p90: q(0.9), p99: q(0.99), min: sorted[0], max: sorted[sorted.length - 1], mean: samples.reduce((a, b) => a + b, 0) / samples.length, samples },
      };
    },
    async 'bench.run'({ modelPath, batchSizes, threads, runs, warmupRuns }, { onProgress, signal }) {
      const total = batchSizes.length * threads.length * runs;
      let done = 0;
      const results = [];
      for (const batchSize of batchSizes) {
        for (const t of threads) {
          onProgress({ phase: 'warmup', batchSize, threads: t, done, total });
          await delay(50, signal);
          for (let i = 0; i < runs; i += Math.max(1, Math.floor(runs / 10))) {
            done = Math.min(total, done + Math.max(1, Math.floor(runs / 10)));
            onProgress({ phase: 'measure', batchSize, threads: t, done, total });
            await delay(runs > 1000 ? 500 : 30, signal);
          }
          const p50 = 0.04 + batchSize * 0.004 / (t || 2);
          results.push({ batchSize, threads: t, runs, p50, p90: p50 * 1.2, p99: p50 * 1.6, max: p50 * 2, mean: p50 * 1.05, throughput: (batchSize * 1000) / p50, samples: [] });
        }
      }
      void warmupRuns;
      return { modelPath, createdAt: new Date().toISOString(), host: { cpus: 2, cpuModel: 'Preview CPU', platform: 'linux', ortVersion: '1.30.0' }, results, cancelled: false, savedTo: path.join(path.dirname(modelPath), 'modeldock.bench.json') };
    },
    async 'spec.forModel'({ modelPath }) { return { specPath: path.join(path.dirname(modelPath), 'modeldock.yaml'), exists: false, spec: null, text: '', issues: [] }; },
    async 'files.list'({ dir }) {
      const target = path.resolve(dir || os.homedir());
      const entries = fs.readdirSync(target, { withFileTypes: true }).filter((e) => !e.name.startsWith('.')).map((e) => ({
        name: e.name, path: path.join(target, e.name), kind: e.isDirectory() ? 'dir' as const : 'file' as const,
        bytes: e.isDirectory() ? null : fs.statSync(path.join(target, e.name)).size, looksLikeModel: /\.(onnx|pkl|pt|h5)$/.test(e.name),
      })).sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
      return { dir: target, parent: path.dirname(target) === target ? null : path.dirname(target), entries };
    },
  };
  async function call(name: CallName, raw: unknown, ctx: any = {}): Promise<CallResult<any>> {
    const parsed = contract[name].request.safeParse(raw ?? {});
    if (!parsed.success) return { ok: false, error: { code: 'bad-request', title: 'Invalid request', message: parsed.error.message } };
    const handler = handlers[name];
    if (!handler) return { ok: false, error: { code: 'not-implemented', title: 'Not in the preview', message: name } };
    try {
      return { ok: true, value: await handler(parsed.data, { onProgress: ctx.onProgress ?? (() => {}), signal: ctx.signal ?? new AbortController().signal }) };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  }
  return {
    call: call as Engine['call'],
    invoke: (async (name: CallName, raw: unknown, ctx?: any) => {
      const r = await call(name, raw, ctx);
      if (!r.ok) throw new ModelDockError(r.error);
      return r.value;
    }) as Engine['invoke'],
    services: { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-preview-')) } as Engine['services'],
    async dispose() {},
  };
}

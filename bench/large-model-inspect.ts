// Inspect time and peak RSS on large models: a ~1 GB single-file model and a >2 GB external-data model, each
// measured in a fresh process (median of several runs) for ModelDock's streaming inspect, beside ONNX Runtime's
// session creation (which has to read every weight) and an empty process as the floor.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeLargeModel } from '../main/model/onnx-writer';
import { median } from './stats';

interface ChildResult { mode: string; ms: number; maxRssMB: number; detail?: string; error?: string }

const GB = 1024 ** 3;

function runChild(mode: string, modelPath: string): ChildResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'inspect-child.ts'), mode, modelPath], {
    encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as ChildResult;
}

export interface LargeModelRow { model: string; fileGB: number; mode: string; ms: number; maxRssMB: number }

export async function measureLargeModels(runs = 3, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-large-'))): Promise<LargeModelRow[]> {
  const models = [
    { label: '1 GB single file', file: path.join(dir, 'one-gb.onnx'), bytes: 1 * GB, external: false },
    { label: '2.2 GB external data', file: path.join(dir, 'external.onnx'), bytes: 2.2 * GB, external: true },
  ];
  const rows: LargeModelRow[] = [];
  try {
    for (const m of models) {
      if (!fs.existsSync(m.file)) await writeLargeModel(m.file, { bytes: m.bytes, external: m.external });
      const onDisk = fs.readdirSync(dir).filter((f) => f.startsWith(path.basename(m.file, '.onnx')))
        .reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0);
      for (const mode of ['baseline', 'inspect', 'ort-load']) {
        const samples: ChildResult[] = [];
        for (let i = 0; i < runs; i++) {
          const r = runChild(mode, m.file);
          if (r.error) throw new Error(`${mode} on ${m.label}: ${r.error}`);
          samples.push(r);
        }
        rows.push({ model: m.label, fileGB: onDisk / GB, mode, ms: median(samples.map((s) => s.ms)), maxRssMB: median(samples.map((s) => s.maxRssMB)) });
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (require.main === module) {
  measureLargeModels().then((rows) => console.table(rows));
}

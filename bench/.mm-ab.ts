import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureFixtures } from '../tests/fixtures/make-fixtures';
import { stopAll } from './serving/children';
import { startRuntime } from './serving/servers';
import { median } from './stats';
import { runWrk, writeWrkScript } from './serving/wrk';
async function main() {
  const fixtures = await ensureFixtures();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-ab-'));
  const tensor = new Float32Array(3 * 32 * 32).map((_, i) => (i % 97) / 97);
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', shape: [1, 3, 32, 32], datatype: 'FP32', parameters: { binary_data_size: tensor.byteLength } }] }));
  const payload = { label: 'x', method: 'POST' as const, path: '/v2/models/cnn/infer', headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) }, body: Buffer.concat([header, Buffer.from(tensor.buffer)]) };
  const variants: Array<[string, Record<string, unknown>, Record<string, string>]> = [
    ['off', {}, { MODELDOCK_MONITORING: 'off' }],
    ['on-noremember', { rememberPredictions: 0 }, {}],
    ['on', {}, {}],
  ];
  const servers = [];
  for (const [name, mon, env] of variants) servers.push(await startRuntime({ name, config: { model: { path: path.join(fixtures, 'cnn.onnx'), name: 'cnn' }, monitoring: mon }, env: { MODELDOCK_INFERENCE: 'threads', ...env }, workDir: dir }));
  const script = writeWrkScript(dir, payload, 'x');
  const res: Record<string, number[]> = {};
  for (let i = 0; i < 4; i++) for (const s of servers) { (res[s.name] ??= []).push((await runWrk(`${s.baseUrl}${payload.path}`, script, 16, 3)).rps); }
  for (const [k, v] of Object.entries(res)) console.log(k, Math.round(median(v)), v.map(Math.round).join(' '));
  await stopAll();
}
main().catch(async (e) => { console.error(e); await stopAll(); process.exit(1); });

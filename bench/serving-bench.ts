// `npm run bench:serving [-- --quick]`: the serving figures issue 3 asks for, side by side in one run.
// Models: the iris-size MLP (tests/fixtures iris.onnx) and a CNN at 1x3x224x224 tuned to ~5 ms per image here.
// Columns: in-process session.run (the limit), a bare node:http echo server (the transport limit), the ModelDock
// runtime (dist/serving/modeldock-serve.js) with batching on and off, and the lesson's Flask app under gunicorn -w 2.
// Load: wrk on 127.0.0.1 at concurrency 1, 16 and 64, median of 3 x 5 s runs (--quick: 1 x 2 s). Tables go to
// stdout, progress to stderr, everything to test-output/serving-bench.json. The CNN target is judged on ratios of
// adjacent pairs (an in-process run, then a server run; 5 pairs per concurrency, --quick 3; median), and the iris
// echo-server target the same way (an echo run, then a ModelDock run), see serving/paired.ts. The batching target
// is judged twice: iris on the server thread (where the runtime puts it) and in inference threads.
// Each cell also records CPU time per request, the server's process group and wrk's (serving/wrk.ts).
// Options: --profile (or --profile-only) adds a CPU profile of the runtime's main thread under load; --only iris|cnn
// runs one model's rows; --runtime FILE benchmarks another build of the runtime (an A/B of a change).
// Every server is stopped by pid in finally blocks and on SIGINT; every loop is bounded by count and time.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RuntimeConfigInput } from '../shared/schemas/serving';
import { ensureFixtures, IRIS_LABELS } from '../tests/fixtures/make-fixtures';
import { runToEnd, stopAll } from './serving/children';
import { setQuietBudget } from './serving/cpu-share';
import { CNN_DIMS, CNN_INPUT, benchCacheDir, ensureCnnModel } from './serving/cnn-model';
import { request, rssMB, soak } from './serving/http-client';
import { measureInProcess } from './serving/in-process';
import { pairedRatios, pairedServerRatios } from './serving/paired';
import {
  cnnB64Payload, cnnImagePayload, cnnTensor, cnnV2BinaryPayload, cnnV2JsonPayload, IRIS_INPUT, IRIS_ROW, irisPredictPayload, irisV2JsonPayload,
} from './serving/payloads';
import { profileRuntime, profileTable, type ProfileSummary } from './serving/profile';
import {
  checkTargets, COLUMNS, cpuTable, find, inProcessTable, modelTable, perCpuRatios, ratioText, targetsTable, type BenchResults, type CellResult,
} from './serving/results';
import {
  defaultRuntimeScript, flaskMissing, repoRoot, startEchoServer, startFlask, startRuntime, trainFlaskModel, type RunningServer, type RuntimeLaunch,
} from './serving/servers';
import { measureCell, writeWrkScript, type Payload } from './serving/wrk';
import { readyPlan } from '../main/serving/ready-plan';

interface Options {
  quick: boolean;
  profile: boolean;
  profileOnly: boolean;
  /** Only this model's rows (iris or cnn), for a focused comparison. */
  only: 'iris' | 'cnn' | null;
  runtimeScript: string;
}

function argValue(name: string): string | null {
  const at = process.argv.indexOf(name);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1] : null;
}

const IRIS_NAME = 'iris';
const CNN_NAME = 'cnn';
const CONCURRENCIES = [1, 16, 64];
/** Where resources/serving/README.md says a raw encoded image goes ("Images"). */
const imageRoute = (model: string) => `/v2/models/${model}/infer`;

interface Checked { payload: Payload; check: (body: Buffer) => boolean }

const started = performance.now();
function progress(line: string): void {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
}

/** JSON body of an answer (the benchmark asks for JSON outputs, also on the V2 binary route). */
function answerJson(body: Buffer): Record<string, unknown> | null {
  try {
    return JSON.parse(body.toString()) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function predictionsOk(count: number) {
  return (body: Buffer) => {
    const json = answerJson(body);
    return Array.isArray(json?.predictions) && (json!.predictions as unknown[]).length === count;
  };
}

function v2OutputOk(elements: number) {
  return (body: Buffer) => {
    const json = answerJson(body);
    const outputs = json?.outputs as Array<{ data?: unknown[]; shape?: number[] }> | undefined;
    if (!Array.isArray(outputs) || outputs.length === 0) return false;
    const first = outputs[0];
    return Array.isArray(first.data) ? first.data.flat(4).length === elements : Array.isArray(first.shape);
  };
}

/** Any 200 JSON answer that carries a prediction (image routes answer in the route's own protocol). */
function imageAnswerOk(body: Buffer): boolean {
  const json = answerJson(body);
  return Boolean(json && (json.outputs || json.predictions));
}

async function measureColumn(
  results: BenchResults, server: RunningServer, model: CellResult['model'], column: string, payloads: Checked[], workDir: string,
  concurrencies: readonly number[] = CONCURRENCIES,
): Promise<void> {
  const { repeats, seconds, warmupSeconds } = results.settings;
  for (const [index, { payload, check }] of payloads.entries()) {
    let reason: string | null = null;
    try {
      const answer = await request(server.baseUrl, payload, 30_000);
      if (answer.status !== 200 || !check(answer.body)) reason = `HTTP ${answer.status}: ${answer.body.toString().slice(0, 160).replace(/\s+/g, ' ')}`;
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    if (reason) {
      progress(`  ${column} · ${payload.label}: payload rejected, skipped (${reason})`);
      for (const c of concurrencies) results.cells.push({ model, column, payload: payload.label, concurrency: c, cell: null, skipped: reason.slice(0, 120) });
      continue;
    }
    const script = writeWrkScript(workDir, payload, `${model}-${column}-${index}`.replace(/\W+/g, '-'));
    for (const c of concurrencies) {
      const cell = await measureCell(`${server.baseUrl}${payload.path}`, script, c, repeats, seconds, warmupSeconds, server.pid);
      results.cells.push({ model, column, payload: payload.label, concurrency: c, cell });
      progress(`  ${column} · ${payload.label} · c=${c}: ${Math.round(cell.rps)} req/s, p50 ${cell.p50Ms.toFixed(2)} ms, p99 ${cell.p99Ms.toFixed(2)} ms${cell.errors ? `, ${cell.errors} errors` : ''}, other load ${Math.round(cell.foreignCpu * 100)}%`);
    }
  }
}

function irisConfig(modelPath: string): RuntimeConfigInput {
  return { model: { path: modelPath, name: IRIS_NAME, version: '1' }, labels: IRIS_LABELS, serving: { logLevel: 'info' } };
}

function cnnConfig(modelPath: string): RuntimeConfigInput {
  return {
    model: { path: modelPath, name: CNN_NAME, version: '1' },
    labels: Array.from({ length: 10 }, (_, i) => `class-${i}`),
    inputs: { [CNN_INPUT]: { type: 'image', layout: 'NCHW', colorOrder: 'RGB', resize: 'stretch', scale: 1 / 255 } },
  };
}

/** RSS of the runtime after a warm-up, then after exactly 10k more requests (iris, /predict and V2 JSON mixed). */
async function measureRss(results: BenchResults, server: RunningServer): Promise<void> {
  const mix: Checked[] = [
    { payload: irisPredictPayload(), check: predictionsOk(1) },
    { payload: irisV2JsonPayload(IRIS_NAME), check: v2OutputOk(3) },
  ];
  const warmupRequests = 2000;
  const warm = await soak(server.baseUrl, mix, warmupRequests, 16, 60_000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const afterWarmupMB = rssMB(server.pid);
  const run = await soak(server.baseUrl, mix, 10_000, 16, 180_000);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after10kMB = rssMB(server.pid);
  results.rss = { afterWarmupMB, after10kMB, ratio: after10kMB / afterWarmupMB, soak: run, warmupRequests };
  progress(`  RSS: ${afterWarmupMB.toFixed(1)} MB after ${warm.ok} warm-up requests, ${after10kMB.toFixed(1)} MB after ${run.sent} more (${run.ok} right, ${run.wrong} wrong, ${run.failed} failed, ${run.seconds.toFixed(1)} s)`);
}

async function withServer<T>(start: () => Promise<RunningServer>, use: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await start();
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

/** The runtime, with what it decided at warm-up in the report's notes: where batches run, and batching and why. */
async function startRuntimeNoted(results: BenchResults, launch: RuntimeLaunch): Promise<RunningServer> {
  const server = await startRuntime(launch);
  const plan = readyPlan(server.readyInfo);
  if (plan) {
    const batching = !plan.batching ? 'not possible' : `${plan.batching.effective > 1 ? `up to ${plan.batching.effective} rows` : 'off'} (${plan.batching.reason})`;
    const sideBySide = plan.sideBySide ? `; side by side under load: ${plan.sideBySide.adopted ? 'yes' : 'no'} (${plan.sideBySide.reason})` : '';
    results.notes.push(`${launch.name}: ${plan.inference}; batching ${batching}${sideBySide}`);
  }
  return server;
}

async function run(results: BenchResults, workDir: string, options: Options): Promise<void> {
  const runtimeScript = options.runtimeScript;
  const wants = (model: 'iris' | 'cnn') => options.only === null || options.only === model;
  const { repeats } = results.settings;
  const cpus = os.availableParallelism();
  if (options.profileOnly) {
    const cnn = await ensureCnnModel(cpus, progress);
    const irisPath = path.join(await ensureFixtures(), 'iris.onnx');
    results.models = { iris: { path: irisPath }, cnn: { path: cnn.modelPath, width: cnn.width, singleRunMs: cnn.singleRunMs, threads: cnn.threads } };
    if (!fs.existsSync(runtimeScript)) throw new Error(`${runtimeScript} does not exist; run node scripts/build.mjs`);
    await runProfile(results, workDir, irisPath, cnn.modelPath, runtimeScript);
    return;
  }

  progress('models: iris fixture, CNN tuned to ~5 ms');
  const irisPath = path.join(await ensureFixtures(), 'iris.onnx');
  const cnn = await ensureCnnModel(cpus, progress);
  results.models = { iris: { path: irisPath }, cnn: { path: cnn.modelPath, width: cnn.width, singleRunMs: cnn.singleRunMs, threads: cnn.threads } };
  progress(`  CNN: width ${cnn.width}, ${cnn.singleRunMs.toFixed(2)} ms per image with ${cnn.threads} threads (${cnn.modelPath})`);

  progress('in-process session.run');
  const loopSeconds = results.settings.quick ? 1 : 1.5;
  if (wants('iris')) {
    results.inProcess.iris = await measureInProcess({
      modelPath: irisPath, inputName: IRIS_INPUT, rowDims: [4], row: Float32Array.from(IRIS_ROW), threads: cpus, cpus, concurrencies: CONCURRENCIES, repeats, seconds: loopSeconds,
    });
    progress(`  iris: ${Math.round(results.inProcess.iris.limitByConcurrency[1].itemsPerSecond)} runs/s sequential`);
  }
  if (wants('cnn')) {
    results.inProcess.cnn = await measureInProcess({
      modelPath: cnn.modelPath, inputName: CNN_INPUT, rowDims: CNN_DIMS.slice(1), row: cnnTensor(), threads: cpus, cpus, concurrencies: CONCURRENCIES, repeats, seconds: loopSeconds,
    });
    progress(`  CNN: ${results.inProcess.cnn.limitByConcurrency[1].itemsPerSecond.toFixed(0)} runs/s sequential`);
  }

  const irisPredict = irisPredictPayload();
  const cnnBinary = cnnV2BinaryPayload(CNN_NAME);

  progress('echo server (node:http)');
  await withServer(startEchoServer, async (echo) => {
    const any = () => true;
    if (wants('iris')) await measureColumn(results, echo, 'iris', COLUMNS.echo, [{ payload: irisPredict, check: any }], workDir);
    if (wants('cnn')) await measureColumn(results, echo, 'cnn', COLUMNS.echo, [{ payload: cnnBinary, check: any }], workDir);
  });

  const missing = wants('iris') ? await flaskMissing() : null;
  if (!wants('iris')) {
    // The Flask app serves iris only.
  } else if (missing) {
    results.notes.push(`Flask column skipped: install with \`${missing}\``);
    progress(`Flask column skipped; to run it: ${missing}`);
    for (const c of CONCURRENCIES) results.cells.push({ model: 'iris', column: COLUMNS.flask, payload: irisPredict.label, concurrency: c, cell: null, skipped: 'python3-flask/gunicorn missing' });
  } else {
    progress('Flask + gunicorn -w 2 (the lesson\'s app)');
    const joblibPath = path.join(workDir, 'iris.joblib');
    progress(`  ${await trainFlaskModel(joblibPath)}`);
    await withServer(() => startFlask(joblibPath), (flask) => measureColumn(results, flask, 'iris', COLUMNS.flask, [{ payload: irisPredict, check: predictionsOk(1) }], workDir));
  }

  if (!fs.existsSync(runtimeScript)) {
    const note = `ModelDock columns skipped: ${path.relative(repoRoot, runtimeScript)} does not exist yet (run \`node scripts/build.mjs\`)`;
    results.notes.push(note);
    progress(note);
    for (const model of ['iris', 'cnn'] as const) {
      for (const column of [COLUMNS.batched, COLUMNS.unbatched]) {
        for (const c of CONCURRENCIES) results.cells.push({ model, column, payload: model === 'iris' ? irisPredict.label : cnnBinary.label, concurrency: c, cell: null, skipped: 'runtime not built' });
      }
    }
    return;
  }

  const irisPayloads: Checked[] = [{ payload: irisPredict, check: predictionsOk(1) }, { payload: irisV2JsonPayload(IRIS_NAME), check: v2OutputOk(3) }];
  const cnnPayloads: Checked[] = [
    { payload: cnnBinary, check: v2OutputOk(10) },
    { payload: cnnImagePayload(imageRoute(CNN_NAME)), check: imageAnswerOk },
    { payload: cnnB64Payload(CNN_NAME), check: imageAnswerOk },
    { payload: cnnV2JsonPayload(CNN_NAME), check: v2OutputOk(10) },
  ];
  for (const [column, env] of [[COLUMNS.batched, {}], [COLUMNS.unbatched, { MODELDOCK_MAX_BATCH_SIZE: '1' }]] as const) {
    if (wants('iris')) {
      progress(`${column}: iris`);
      await withServer(() => startRuntimeNoted(results, { name: `iris-${column}`, config: irisConfig(irisPath), env, workDir, script: runtimeScript }), async (server) => {
        if (column === COLUMNS.batched) await measureRss(results, server);
        await measureColumn(results, server, 'iris', column, irisPayloads, workDir);
        results.notes.push(`${column}, iris: RSS ${rssMB(server.pid).toFixed(1)} MB after all its wrk runs`);
        if (column === COLUMNS.batched) {
          progress('iris /predict vs the echo server, in pairs (each ModelDock run next to an echo run)');
          const { seconds, warmupSeconds } = results.settings;
          await withServer(startEchoServer, async (echo) => {
            results.paired = {
              ...results.paired,
              iris: await pairedServerRatios({
                serverUrl: `${server.baseUrl}${irisPredict.path}`, referenceUrl: `${echo.baseUrl}${irisPredict.path}`, referenceName: 'echo',
                payload: irisPredict, script: writeWrkScript(workDir, irisPredict, 'paired-iris'),
                concurrencies: CONCURRENCIES, pairs: results.settings.quick ? 3 : 5, seconds, warmupSeconds, progress,
              }),
            };
          });
        }
      });
    }
    if (wants('cnn')) {
      progress(`${column}: CNN`);
      await withServer(() => startRuntimeNoted(results, { name: `cnn-${column}`, config: cnnConfig(cnn.modelPath), env, workDir, script: runtimeScript }), async (server) => {
        await measureColumn(results, server, 'cnn', column, cnnPayloads, workDir);
        results.notes.push(`${column}, CNN: RSS ${rssMB(server.pid).toFixed(1)} MB after all its wrk runs`);
        if (column === COLUMNS.batched) {
          progress('CNN V2 binary vs the in-process limit, in pairs (each server run next to an in-process run)');
          const { seconds, warmupSeconds } = results.settings;
          results.paired = {
            ...results.paired,
            cnn: await pairedRatios({
              url: `${server.baseUrl}${cnnBinary.path}`, payload: cnnBinary, script: writeWrkScript(workDir, cnnBinary, 'paired-cnn'),
              // In-process loops as long as the server runs: a short loop is the noisier half of a pair.
              loop: { modelPath: cnn.modelPath, inputName: CNN_INPUT, rowDims: CNN_DIMS.slice(1), row: cnnTensor(), seconds, maxRuns: 2_000_000 },
              threads: cpus, cpus, concurrencies: CONCURRENCIES, pairs: results.settings.quick ? 3 : 5, seconds, warmupSeconds, progress,
            }),
          };
        }
      });
    }
  }

  if (wants('iris')) {
    // The batching target again with inference in threads, where each run also pays a hand-off (c=16 only).
    for (const [column, env] of [[COLUMNS.threadsBatched, {}], [COLUMNS.threadsUnbatched, { MODELDOCK_MAX_BATCH_SIZE: '1' }]] as const) {
      progress(`${column}: iris`);
      await withServer(() => startRuntimeNoted(results, { name: `iris-${column}`, config: irisConfig(irisPath), env: { ...env, MODELDOCK_INFERENCE: 'threads' }, workDir, script: runtimeScript }), (server) => (
        measureColumn(results, server, 'iris', column, [irisPayloads[0]], workDir, [16])
      ));
    }
  }
  if (wants('iris')) {
    // What the fast lane (resources/serving/src/fast-lane.ts) is worth: the same server with every request in node:http.
    progress(`${COLUMNS.nodeHttp}: iris`);
    await withServer(() => startRuntimeNoted(results, { name: 'iris-node-http', config: irisConfig(irisPath), env: { MODELDOCK_FAST_LANE: 'off' }, workDir, script: runtimeScript }), (server) => (
      measureColumn(results, server, 'iris', COLUMNS.nodeHttp, [irisPayloads[0]], workDir)
    ));
    const ratios = CONCURRENCIES.map((c) => {
      const fast = find(results, 'iris', COLUMNS.batched, irisPredict.label, c);
      const plain = find(results, 'iris', COLUMNS.nodeHttp, irisPredict.label, c);
      return fast && plain ? `${(fast.rps / plain.rps).toFixed(2)}x at c=${c}` : `n/a at c=${c}`;
    });
    results.notes.push(`fast lane vs node:http only, iris /predict: ${ratios.join(', ')}`);
    const perCpu = perCpuRatios(results, irisPredict.label);
    if (perCpu) results.notes.push(`iris /predict per second of server CPU, ModelDock (batching on) vs Flask: ${perCpu}`);
  }
  if (options.profile) await runProfile(results, workDir, irisPath, cnn.modelPath, runtimeScript);
}

async function runProfile(results: BenchResults, workDir: string, irisPath: string, cnnPath: string, script: string): Promise<void> {
  progress('profile: the runtime\'s main thread under load (V8 sampling profiler over the inspector)');
  const cnnBinary = cnnV2BinaryPayload(CNN_NAME);
  results.profile = await profileRuntime({
    workDir, progress, script,
    cases: [
      { name: 'iris /predict, c=1', config: irisConfig(irisPath), payload: irisPredictPayload(), concurrency: 1 },
      { name: 'iris /predict, c=16', config: irisConfig(irisPath), payload: irisPredictPayload(), concurrency: 16 },
      { name: 'iris /predict, c=16, MODELDOCK_LOG_LEVEL=warn (no request log)', config: irisConfig(irisPath), payload: irisPredictPayload(), concurrency: 16, env: { MODELDOCK_LOG_LEVEL: 'warn' } },
      { name: 'CNN V2 binary, c=16', config: cnnConfig(cnnPath), payload: cnnBinary, concurrency: 16 },
      { name: 'CNN V2 binary, c=16, batching off', config: cnnConfig(cnnPath), payload: cnnBinary, concurrency: 16, env: { MODELDOCK_MAX_BATCH_SIZE: '1' } },
      { name: 'CNN JPEG, c=16', config: cnnConfig(cnnPath), payload: cnnImagePayload(imageRoute(CNN_NAME)), concurrency: 16 },
      { name: 'CNN V2 JSON, c=16', config: cnnConfig(cnnPath), payload: cnnV2JsonPayload(CNN_NAME), concurrency: 16 },
    ],
  });
}

function printReport(results: BenchResults): void {
  const out: string[] = [];
  const s = results.settings;
  out.push(`# Serving benchmark${s.quick ? ' (--quick)' : ''}`);
  out.push('');
  out.push(`${results.machine.cpu}, ${results.machine.cpus} CPUs, Node ${results.machine.node}, ${results.machine.wrk}. wrk on 127.0.0.1, -t min(c,2); each figure is the median of ${s.repeats} x ${s.seconds} s runs after a ${s.warmupSeconds} s warm-up. Cells: req/s · p50 / p99 latency; "⚠bg N%" marks a figure taken while other processes (not this benchmark) used N% of the machine. wrk shares the ${results.machine.cpus} CPUs with the server; the in-process rows have them to themselves.`);
  out.push('');
  const measured = (model: CellResult['model']) => results.cells.some((c) => c.model === model);
  if (measured('iris')) {
    out.push(`## iris-size MLP (4 -> 8 -> 3), one row per request`, '', modelTable(results, 'iris', results.inProcess.iris), '');
  }
  if (measured('cnn')) {
    out.push(`## CNN 1x3x224x224 float32 (width ${results.models.cnn.width}, ${results.models.cnn.singleRunMs.toFixed(2)} ms per image in-process when tuned)`);
    out.push('', modelTable(results, 'cnn', results.inProcess.cnn), '');
  }
  out.push('## CPU per request (server process group · wrk), median of the runs above');
  out.push('');
  out.push('The server\'s CPU per answer does not depend on the client sharing the machine; req/s ratios do. Flask\'s figure counts gunicorn\'s master and both workers.');
  out.push('');
  for (const model of ['iris', 'cnn'] as const) {
    if (results.cells.some((c) => c.model === model && c.cell)) out.push(`${model}:`, '', cpuTable(results, model), '');
  }
  out.push('## In-process configurations (the limit rows above take the best one usable at each concurrency)');
  out.push('');
  if (results.inProcess.iris) out.push('iris:', '', inProcessTable(results.inProcess.iris), '');
  if (results.inProcess.cnn) out.push('CNN:', '', inProcessTable(results.inProcess.cnn), '');
  out.push('## Targets (issue 3)');
  out.push('');
  out.push(targetsTable(results.targets));
  out.push('');
  if (Array.isArray(results.profile) && results.profile.length) {
    out.push('## Profile: the runtime\'s main thread under load (--profile)', '', profileTable(results.profile as ProfileSummary[]));
  }
  if (results.notes.length) out.push('## Notes', '', ...results.notes.map((n) => `- ${n}`), '');
  const misses = results.targets.filter((t) => t.verdict === 'MISS');
  const passes = results.targets.filter((t) => t.verdict === 'PASS');
  const na = results.targets.filter((t) => t.verdict === 'n/a');
  out.push('## Summary', '');
  out.push(`${passes.length} PASS, ${misses.length} MISS, ${na.length} not measured; ${results.durationSeconds?.toFixed(0)} s in all. JSON: test-output/serving-bench.json`);
  for (const m of misses) out.push(`- MISS: ${m.target}${m.concurrency !== null ? ` at c=${m.concurrency}` : ''}: ${m.ratio === null ? '?' : ratioText(m.ratio, m.needed)}x (needs ${m.target.startsWith('RSS') ? '<=' : '>='} ${m.needed}x)`);
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const profileOnly = process.argv.includes('--profile-only');
  const onlyArg = argValue('--only');
  if (onlyArg !== null && onlyArg !== 'iris' && onlyArg !== 'cnn') {
    console.error(`--only takes iris or cnn, not "${onlyArg}"`);
    process.exit(2);
  }
  const options: Options = {
    quick,
    profileOnly,
    profile: profileOnly || process.argv.includes('--profile'),
    only: onlyArg,
    runtimeScript: path.resolve(argValue('--runtime') ?? defaultRuntimeScript),
  };
  const wrkVersion = await runToEnd('wrk', ['--version'], 10_000).catch(() => null);
  if (!wrkVersion || !/wrk/.test(wrkVersion.stdout + wrkVersion.stderr)) {
    console.error('wrk is not installed: apt-get install -y wrk');
    process.exit(2);
  }
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    machine: { cpu: os.cpus()[0]?.model ?? 'cpu', cpus: os.availableParallelism(), node: process.version, wrk: (wrkVersion.stdout + wrkVersion.stderr).split('\n')[0].split(' Copyright')[0].trim() },
    settings: { quick, repeats: quick ? 1 : 3, seconds: quick ? 2 : 5, warmupSeconds: 1, concurrencies: CONCURRENCIES },
    models: { iris: { path: '' }, cnn: { path: '', width: 0, singleRunMs: 0, threads: 0 } },
    inProcess: { iris: null, cnn: null },
    cells: [],
    rss: null,
    targets: [],
    notes: [],
  };
  setQuietBudget(quick ? 20_000 : 90_000);
  const workDir = fs.mkdtempSync(path.join(benchCacheDir(), 'run-'));
  let failure: unknown = null;
  try {
    await run(results, workDir, options);
  } catch (error) {
    failure = error;
    results.notes.push(`run stopped early: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  } finally {
    await stopAll();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  results.durationSeconds = (performance.now() - started) / 1000;
  results.targets = checkTargets(results, irisPredictPayload().label, [cnnV2BinaryPayload(CNN_NAME).label, cnnImagePayload(imageRoute(CNN_NAME)).label]);
  const outDir = path.join(repoRoot, 'test-output');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, profileOnly ? 'serving-bench-profile.json' : 'serving-bench.json'), `${JSON.stringify(results, (key, value) => (key === 'latenciesMs' ? undefined : value), 2)}\n`);
  printReport(results);
  if (failure) {
    console.error(failure instanceof Error ? failure.stack ?? failure.message : failure);
    process.exitCode = 1;
  }
}

void main();

/**
 * The benchmark's result model, the issue's targets checked against it (PASS/MISS), and its markdown tables.
 */
import type { InProcessResult } from './in-process';
import type { PairedRatio } from './paired';
import type { WrkCell } from './wrk';

export const COLUMNS = {
  echo: 'echo server (node:http)',
  batched: 'ModelDock, batching on',
  unbatched: 'ModelDock, batching off',
  threadsBatched: 'ModelDock, inference threads, batching on',
  threadsUnbatched: 'ModelDock, inference threads, batching off',
  nodeHttp: 'ModelDock, batching on, node:http only (MODELDOCK_FAST_LANE=off)',
  flask: 'Flask + gunicorn -w 2',
} as const;

export interface CellResult {
  model: 'iris' | 'cnn';
  column: string;
  payload: string;
  concurrency: number;
  cell: WrkCell | null;
  /** Why the cell has no figure (server missing, payload rejected...). */
  skipped?: string;
}

export interface RssResult {
  afterWarmupMB: number;
  after10kMB: number;
  ratio: number;
  soak: { sent: number; ok: number; wrong: number; failed: number; seconds: number };
  warmupRequests: number;
}

export interface TargetRow {
  target: string;
  concurrency: number | null;
  measured: string;
  ratio: number | null;
  needed: number;
  verdict: 'PASS' | 'MISS' | 'n/a';
  note?: string;
  /** Largest share of the machine other processes used during the figures compared (0..1). */
  otherLoad?: number;
}

export interface BenchResults {
  startedAt: string;
  machine: { cpu: string; cpus: number; node: string; wrk: string };
  settings: { quick: boolean; repeats: number; seconds: number; warmupSeconds: number; concurrencies: number[] };
  models: { iris: { path: string }; cnn: { path: string; width: number; singleRunMs: number; threads: number } };
  inProcess: { iris: InProcessResult | null; cnn: InProcessResult | null };
  cells: CellResult[];
  rss: RssResult | null;
  targets: TargetRow[];
  /**
   * Ratios measured in adjacent pairs (paired.ts): what the CNN target (server vs in-process) and the iris echo
   * target (ModelDock vs the echo server) are judged on.
   */
  paired?: { cnn?: PairedRatio[]; iris?: PairedRatio[] };
  notes: string[];
  profile?: unknown;
  durationSeconds?: number;
}

export function find(results: BenchResults, model: CellResult['model'], column: string, payload: string, c: number): WrkCell | null {
  const hit = results.cells.find((r) => r.model === model && r.column === column && r.payload === payload && r.concurrency === c);
  return hit?.cell && hit.cell.errors === 0 ? hit.cell : null;
}

function ratioRow(target: string, c: number | null, top: WrkCell | number | null, bottom: WrkCell | number | null, needed: number, what: string, bottomLoad?: number): TargetRow {
  const a = typeof top === 'number' ? top : top?.rps ?? null;
  const b = typeof bottom === 'number' ? bottom : bottom?.rps ?? null;
  const otherLoad = Math.max(typeof top === 'object' && top ? top.foreignCpu : 0, typeof bottom === 'object' && bottom ? bottom.foreignCpu : bottomLoad ?? 0);
  if (a === null || b === null || !(b > 0)) {
    return { target, concurrency: c, measured: 'not measured', ratio: null, needed, verdict: 'n/a', note: what };
  }
  const ratio = a / b;
  return { target, concurrency: c, measured: `${fmtRate(a)} vs ${fmtRate(b)}`, ratio, needed, verdict: ratio >= needed ? 'PASS' : 'MISS', note: what, otherLoad };
}

function pairedRow(target: string, c: number, paired: PairedRatio, needed: number, note: string): TargetRow {
  const r = paired.medianRatio;
  return { target, concurrency: c, ratio: r, needed, verdict: r >= needed ? 'PASS' : 'MISS', measured: `${fmtRate(paired.serverMedian)} vs ${fmtRate(paired.limitMedian)}`, note };
}

export function checkTargets(results: BenchResults, irisPayload: string, cnnPayloads: string[]): TargetRow[] {
  const rows: TargetRow[] = [];
  const cs = results.settings.concurrencies;
  for (const c of cs) {
    const flask = find(results, 'iris', COLUMNS.flask, irisPayload, c);
    const echo = find(results, 'iris', COLUMNS.echo, irisPayload, c);
    // When even the bare echo server is under 10x Flask here, no server on this machine can pass: say so.
    const ceiling = flask && echo && echo.rps < 10 * flask.rps ? `; even the bare echo server is only ${(echo.rps / flask.rps).toFixed(1)}x Flask here` : '';
    rows.push(ratioRow('iris >= 10x Flask', c, find(results, 'iris', COLUMNS.batched, irisPayload, c), flask, 10, `ModelDock (batching on) vs Flask, /predict${ceiling}`));
  }
  for (const c of cs) {
    const paired = results.paired?.iris?.find((p) => p.concurrency === c);
    if (paired && paired.pairs.every((p) => p.server > 0 && p.limit > 0)) {
      rows.push(pairedRow('iris >= 0.6x echo server', c, paired, 0.6, `ModelDock (batching on) vs bare node:http, /predict; median of ${paired.pairs.length} adjacent pairs (${paired.pairs.map((p) => `${p.ratio.toFixed(2)}x`).join(', ')})`));
      continue;
    }
    rows.push(ratioRow('iris >= 0.6x echo server', c, find(results, 'iris', COLUMNS.batched, irisPayload, c), find(results, 'iris', COLUMNS.echo, irisPayload, c), 0.6, 'ModelDock (batching on) vs bare node:http, /predict'));
  }
  for (const c of cs) {
    const candidates = cnnPayloads.map((p) => ({ p, cell: find(results, 'cnn', COLUMNS.batched, p, c) })).filter((x) => x.cell);
    const best = candidates.sort((x, y) => y.cell!.rps - x.cell!.rps)[0];
    const paired = results.paired?.cnn?.find((p) => p.concurrency === c);
    if (paired && paired.pairs.every((p) => p.server > 0)) {
      const r = paired.medianRatio;
      rows.push({
        target: 'CNN binary/image >= 0.85x in-process', concurrency: c, ratio: r, needed: 0.85, verdict: r >= 0.85 ? 'PASS' : 'MISS',
        measured: `${fmtRate(paired.serverMedian)} vs ${fmtRate(paired.limitMedian)}`,
        note: `${paired.payload}; median of ${paired.pairs.length} adjacent pairs (${paired.pairs.map((p) => `${p.ratio.toFixed(2)}x`).join(', ')}); in-process limit: ${paired.pairs.map((p) => p.limitConfig).join(' / ')}`,
      });
      continue;
    }
    const limit = results.inProcess.cnn?.limitByConcurrency[c];
    const limitLoad = results.inProcess.cnn?.configs.find((m) => m.name === limit?.config)?.foreignCpu;
    rows.push(ratioRow('CNN binary/image >= 0.85x in-process', c, best?.cell ?? null, limit?.itemsPerSecond ?? null, 0.85,
      best ? `best: ${best.p}; in-process limit: ${limit?.config ?? '?'}` : 'no CNN figure', limitLoad));
  }
  // Judged where the runtime places iris (the server thread, where an unbatched run costs ~7 µs beside ~20 µs of
  // HTTP per request, so batching can save little), and in inference threads, where most models run and each run
  // also pays a thread hand-off that batching shares out.
  rows.push(ratioRow('batching >= 1.5x unbatched', 16, find(results, 'iris', COLUMNS.batched, irisPayload, 16), find(results, 'iris', COLUMNS.unbatched, irisPayload, 16), 1.5, 'iris /predict, on the server thread (where the runtime places iris)'));
  rows.push(ratioRow('batching >= 1.5x unbatched', 16, find(results, 'iris', COLUMNS.threadsBatched, irisPayload, 16), find(results, 'iris', COLUMNS.threadsUnbatched, irisPayload, 16), 1.5, 'iris /predict, in inference threads (MODELDOCK_INFERENCE=threads: where a model of 0.25 ms or more per batch runs)'));
  const rss = results.rss;
  if (rss) {
    const ok = rss.ratio <= 1.1;
    rows.push({ target: 'RSS after 10k requests <= 1.1x after warm-up', concurrency: 16, measured: `${rss.after10kMB.toFixed(1)} MB vs ${rss.afterWarmupMB.toFixed(1)} MB`, ratio: rss.ratio, needed: 1.1, verdict: ok ? 'PASS' : 'MISS', note: `lower is better; ${rss.soak.ok}/${rss.soak.sent} answers right` });
  } else {
    rows.push({ target: 'RSS after 10k requests <= 1.1x after warm-up', concurrency: null, measured: 'not measured', ratio: null, needed: 1.1, verdict: 'n/a' });
  }
  return rows;
}

export function fmtRate(v: number): string {
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(1);
}

function fmtMs(v: number): string {
  return v < 1 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0);
}

/** Marks a figure taken while other processes used a noticeable share of the machine. */
function busy(share: number | undefined): string {
  return share !== undefined && share >= 0.1 ? ` ⚠bg ${Math.round(share * 100)}%` : '';
}

function fmtCell(r: CellResult | undefined): string {
  if (!r) return '—';
  if (!r.cell) return `skipped${r.skipped ? ` (${r.skipped})` : ''}`;
  const c = r.cell;
  const errors = c.errors > 0 ? ` **${c.errors} errors**` : '';
  return `${fmtRate(c.rps)}/s · ${fmtMs(c.p50Ms)} / ${fmtMs(c.p99Ms)} ms${errors}${busy(c.foreignCpu)}`;
}

/** One table per model: rows are column x payload, columns are the concurrencies. */
export function modelTable(results: BenchResults, model: CellResult['model'], inProcess: InProcessResult | null): string {
  const cs = results.settings.concurrencies;
  const lines = [
    `| server | payload | ${cs.map((c) => `c=${c}: req/s · p50 / p99`).join(' | ')} |`,
    `| --- | --- | ${cs.map(() => '---').join(' | ')} |`,
  ];
  if (inProcess) {
    const cells = cs.map((c) => {
      const l = inProcess.limitByConcurrency[c];
      const m = inProcess.configs.find((x) => x.name === l?.config);
      return l ? `${fmtRate(l.itemsPerSecond)}/s · ${fmtMs(l.p50Ms)} / ${fmtMs(l.p99Ms)} ms (${l.config})${busy(m?.foreignCpu)}` : '—';
    });
    lines.push(`| in-process session.run (limit) | tensor, no HTTP | ${cells.join(' | ')} |`);
  }
  for (const r of tableRows(results, model)) {
    const cells = cs.map((c) => fmtCell(results.cells.find((x) => x.model === model && x.column === r.column && x.payload === r.payload && x.concurrency === c)));
    lines.push(`| ${r.column} | ${r.payload} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The model's rows, column x payload, in the order they were measured. */
function tableRows(results: BenchResults, model: CellResult['model'], measuredOnly = false): Array<{ column: string; payload: string }> {
  const rows = new Map<string, { column: string; payload: string }>();
  for (const r of results.cells) {
    if (r.model !== model || (measuredOnly && !r.cell)) continue;
    const key = `${r.column}\u0000${r.payload}`;
    if (!rows.has(key)) rows.set(key, { column: r.column, payload: r.payload });
  }
  return [...rows.values()];
}

function fmtCpu(us: number | null): string {
  if (us === null) return '?';
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
}

/**
 * CPU time per answered request, server and wrk side by side: the server's cost does not depend on who else
 * shares the machine, so it is the figure to compare servers by when the client eats into the same CPUs.
 */
export function cpuTable(results: BenchResults, model: CellResult['model']): string {
  const cs = results.settings.concurrencies;
  const lines = [
    `| server | payload | ${cs.map((c) => `c=${c}: server · wrk`).join(' | ')} |`,
    `| --- | --- | ${cs.map(() => '---').join(' | ')} |`,
  ];
  for (const r of tableRows(results, model, true)) {
    const cells = cs.map((c) => {
      const cell = find(results, model, r.column, r.payload, c);
      return cell ? `${fmtCpu(cell.serverCpuUs)} · ${fmtCpu(cell.clientCpuUs)}` : '—';
    });
    lines.push(`| ${r.column} | ${r.payload} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Requests per second of server CPU, ModelDock over Flask, for iris /predict: "16.2x at c=1, ...". */
export function perCpuRatios(results: BenchResults, irisPayload: string): string | null {
  const parts: string[] = [];
  for (const c of results.settings.concurrencies) {
    const ours = find(results, 'iris', COLUMNS.batched, irisPayload, c)?.serverCpuUs;
    const flask = find(results, 'iris', COLUMNS.flask, irisPayload, c)?.serverCpuUs;
    if (!ours || !flask) continue;
    parts.push(`${(flask / ours).toFixed(1)}x at c=${c} (${fmtRate(1e6 / ours)} vs ${fmtRate(1e6 / flask)} req per CPU-second)`);
  }
  return parts.length ? parts.join(', ') : null;
}

export function inProcessTable(result: InProcessResult): string {
  const lines = ['| config | workers x threads | rows per run | items/s | runs/s | p50 / p99 per run | other load |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const m of result.configs) {
    lines.push(`| ${m.name} | ${m.workers} x ${m.threads} | ${m.batch} | ${fmtRate(m.itemsPerSecond)} | ${fmtRate(m.runsPerSecond)} | ${fmtMs(m.p50Ms)} / ${fmtMs(m.p99Ms)} ms | ${Math.round(m.foreignCpu * 100)}% |`);
  }
  return lines.join('\n');
}

export function targetsTable(rows: TargetRow[]): string {
  const lines = ['| target | c | measured | ratio | needed | verdict | what |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const noisy = (r.otherLoad ?? 0) >= 0.1 ? ` (⚠ other processes used ${Math.round((r.otherLoad ?? 0) * 100)}% of the machine meanwhile)` : '';
    lines.push(`| ${r.target} | ${r.concurrency ?? '—'} | ${r.measured} | ${r.ratio === null ? '—' : `${ratioText(r.ratio, r.needed)}x`} | ${r.target.startsWith('RSS') ? '<=' : '>='} ${r.needed}x | ${r.verdict === 'MISS' ? '**MISS**' : r.verdict} | ${r.note ?? ''}${noisy} |`);
  }
  return lines.join('\n');
}

/**
 * Two decimals, or three when two would round onto the target itself: a measured 0.589 printed as "0.60x" beside
 * "needs >= 0.6x" and MISS reads as a contradiction.
 */
export function ratioText(ratio: number, needed: number): string {
  const short = ratio.toFixed(2);
  return Number(short) === needed && ratio !== needed ? ratio.toFixed(3) : short;
}

import { useRef, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { BenchProgress, BenchResult } from '../../../shared/schemas/bench';
import type { OnnxSummary } from '../../../shared/schemas/model';
import { api } from '../../api/client';
import { errorInfoOf, isCancelled } from '../../api/api-error';
import { LineChart } from '../../charts/LineChart';
import { PercentileBars } from '../../charts/PercentileBars';
import { Card } from '../../components/Card';
import { ChoiceChips } from '../../components/Chips';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { formatRate, msText, threadsText } from '../../format';
import { usePrimaryAction } from '../../state/primary-action';
import { useWorkbench } from '../../state/workbench';
import { useKeepMountedWhile } from '../../state/screen-slots';

const BATCH_OPTIONS = [1, 2, 4, 8, 16, 32, 64];
const THREAD_OPTIONS = [1, 2, 4, 0];

/** Latency and throughput across batch sizes and thread counts, with progress, cancel and charts. */
export function BenchPanel({ summary, modelPath, active }: { summary: OnnxSummary; modelPath: string; active: boolean }) {
  const { reportTestOutcome } = useWorkbench();
  const fixedBatch = fixedBatchOf(summary);
  const [batchSizes, setBatchSizes] = useState<number[]>(fixedBatch ? [fixedBatch] : [1, 8, 32]);
  const [threads, setThreads] = useState<number[]>([1]);
  const [runs, setRuns] = useState(100);
  const [warmup, setWarmup] = useState(5);
  const [progress, setProgress] = useState<BenchProgress | null>(null);
  const [running, setRunning] = useState(false);
  useKeepMountedWhile(running);
  const [result, setResult] = useState<BenchResult | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const abortRef = useRef<AbortController | null>(null);

  const toggle = (list: number[], value: number) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value].sort((a, b) => a - b));

  async function run() {
    const controller = new AbortController();
    abortRef.current = controller;
    setRunning(true);
    setError(null);
    setProgress(null);
    try {
      const res = await api.call('bench.run', { modelPath, batchSizes, threads, runs, warmupRuns: warmup, save: true }, {
        signal: controller.signal,
        onProgress: setProgress,
      });
      setResult(res);
      // The Test dot follows the latest run: a finished benchmark clears an earlier failed prediction.
      if (!res.cancelled) reportTestOutcome(modelPath, 'done');
    } catch (e) {
      if (!isCancelled(e)) {
        setError(errorInfoOf(e));
        reportTestOutcome(modelPath, 'error');
      } else setError({ code: 'cancelled', title: 'Benchmark cancelled', message: 'No results were kept from the cancelled run.' });
    } finally {
      setRunning(false);
      setProgress(null);
      abortRef.current = null;
    }
  }

  const invalid = batchSizes.length === 0 || threads.length === 0;
  usePrimaryAction(active ? {
    label: running ? 'Benchmarking…' : 'Run benchmark',
    run: () => void run(),
    busy: running,
    disabled: invalid,
    hint: invalid ? 'Pick at least one batch size and one thread count' : undefined,
    testId: 'bench-run-button',
  } : null);

  const configs = batchSizes.length * threads.length;
  return (
    <div className="stack" data-testid="bench-panel">
      <Card title="Benchmark settings" subtitle={`${configs} ${configs === 1 ? 'configuration' : 'configurations'} × (${warmup} warm-up + ${runs} measured runs). Press Run benchmark at the top.`}>
        <div className="settings">
          <Setting label="Batch sizes" help={fixedBatch
            ? `This model's batch size is fixed at ${fixedBatch}, so only that size can be measured.`
            : 'How many rows go into one call. Bigger batches usually raise throughput but also the wait for each answer.'}>
            <ChoiceChips label="Batch sizes" testIdPrefix="bench-batch" selected={batchSizes}
              options={(fixedBatch ? [fixedBatch] : BATCH_OPTIONS).map((b) => ({ value: b, label: String(b) }))}
              onToggle={(v) => setBatchSizes(toggle(batchSizes, v))} />
          </Setting>
          <Setting label="Threads" help="CPU threads ONNX Runtime may use for one call. More threads can cut latency for big models; auto lets ONNX Runtime decide.">
            <ChoiceChips label="Threads" testIdPrefix="bench-threads" selected={threads}
              options={THREAD_OPTIONS.map((t) => ({ value: t, label: t === 0 ? 'auto' : String(t) }))}
              onToggle={(v) => setThreads(toggle(threads, v))} />
          </Setting>
          <Setting label="Measured runs" help="Calls timed per configuration. More runs give steadier p99 figures but take longer.">
            <input className="input input-number" type="number" min={1} max={100000} value={runs} aria-label="Measured runs"
              onChange={(e) => setRuns(clamp(e.target.value, 1, 100000, runs))} data-testid="bench-runs" />
          </Setting>
          <Setting label="Warm-up runs" help="Untimed calls first, so one-time costs (memory allocation, caches) do not skew the numbers.">
            <input className="input input-number" type="number" min={0} max={1000} value={warmup} aria-label="Warm-up runs"
              onChange={(e) => setWarmup(clamp(e.target.value, 0, 1000, warmup))} data-testid="bench-warmup" />
          </Setting>
        </div>
      </Card>
      {running && (
        <Card testId="bench-running">
          <div className="progress-with-cancel">
            <ProgressBar testId="bench-progress" value={progress ? progress.done / Math.max(1, progress.total) : null} label={progressLabel(progress)} />
            <button type="button" className="button" onClick={() => abortRef.current?.abort()} data-testid="bench-cancel">Cancel</button>
          </div>
        </Card>
      )}
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
      {result && <BenchResults result={result} />}
    </div>
  );
}

function Setting({ label, help, children }: { label: string; help: string; children: React.ReactNode }) {
  return (
    <div className="setting">
      <div className="setting-label">{label}</div>
      <div className="setting-control">{children}</div>
      <p className="setting-help">{help}</p>
    </div>
  );
}

function progressLabel(p: BenchProgress | null): string {
  if (!p) return 'Starting…';
  const config = `batch ${p.batchSize} · ${threadsText(p.threads)}`;
  if (p.phase === 'loading') return `Loading the model for ${config}`;
  if (p.phase === 'warmup') return `Warming up ${config}`;
  return `${config}: ${p.done}/${p.total} runs`;
}

function BenchResults({ result }: { result: BenchResult }) {
  const rows = result.results;
  const threadSet = [...new Set(rows.map((r) => r.threads))];
  return (
    <Card
      title={result.cancelled ? 'Results so far (cancelled)' : 'Results'}
      subtitle={`${result.host.cpuModel} · ${result.host.cpus} CPUs · ONNX Runtime ${result.host.ortVersion}`}
      testId="bench-results"
    >
      <table className="table" data-testid="bench-table">
        <thead>
          <tr>
            <th scope="col">Batch</th><th scope="col">Threads</th><th scope="col" className="num">Runs</th>
            <th scope="col" className="num">p50</th><th scope="col" className="num">p90</th><th scope="col" className="num">p99</th>
            <th scope="col" className="num">max</th><th scope="col" className="num">Throughput</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.batchSize}-${r.threads}`} data-testid={`bench-row-${r.batchSize}-${r.threads}`}>
              <td className="mono">{r.batchSize}</td><td>{r.threads === 0 ? 'auto' : r.threads}</td><td className="num">{r.runs}</td>
              <td className="num">{msText(r.p50)}</td><td className="num">{msText(r.p90)}</td><td className="num">{msText(r.p99)}</td>
              <td className="num">{msText(r.max)}</td><td className="num strong">{formatRate(r.throughput)} rows</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > 0 && (
        <div className="grid-2 charts">
          <div>
            <h3 className="chart-title">Latency per configuration</h3>
            <PercentileBars testId="bench-latency-chart" groups={rows.map((r) => ({ label: `b${r.batchSize}·${r.threads === 0 ? 'auto' : `${r.threads}t`}`, p50: r.p50, p90: r.p90, p99: r.p99 }))} />
          </div>
          <div>
            <h3 className="chart-title">Throughput vs batch size</h3>
            <LineChart
              testId="bench-throughput-chart"
              xLabel="batch size"
              yLabel="rows per second"
              formatY={(y) => formatRate(y)}
              series={threadSet.map((t) => ({ name: threadsText(t), points: rows.filter((r) => r.threads === t).map((r) => ({ x: r.batchSize, y: r.throughput })) }))}
            />
          </div>
        </div>
      )}
      <p className="muted small" data-testid="bench-saved">
        {result.savedTo ? <>Saved to <span className="mono">{result.savedTo}</span> for capacity planning when you deploy.</> : 'Not saved.'}
      </p>
    </Card>
  );
}

function fixedBatchOf(summary: OnnxSummary): number | null {
  const first = summary.inputs[0]?.shape?.[0];
  return typeof first === 'number' && first > 0 ? first : null;
}

function clamp(text: string, min: number, max: number, fallback: number): number {
  const n = Math.round(Number(text));
  return Number.isFinite(n) ? Math.max(min, Math.min(max, n)) : fallback;
}

import { useRef, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { Progress } from '../../../shared/contract';
import type { ContainerStatus, LoadTestResult } from '../../../shared/schemas/docker';
import type { TryProtocol } from '../../../shared/schemas/serve';
import { api } from '../../api/client';
import { errorInfoOf, isCancelled } from '../../api/api-error';
import { Card } from '../../components/Card';
import { ChoiceChips } from '../../components/Chips';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { Stat } from '../../components/Stat';
import { Why } from '../../components/Why';
import { bytesText, coresText, formatMs } from '../../format';
import { LoadHistogram } from './LoadHistogram';
import { PROTOCOLS } from './protocols';

const CONCURRENCY = [1, 2, 4, 8, 16, 32];
const DURATIONS = [5, 10, 30];

/**
 * A short burst of real traffic against the running container: how many requests per second it answers and how
 * long they take at a chosen number of simultaneous clients, under the container's CPU limit. The result is kept
 * with the image (the Deploy step sizes pods from it).
 */
export function LoadTestCard({ container, ready, onFinished }: { container: ContainerStatus | null; ready: boolean; onFinished?: () => void }) {
  const [concurrency, setConcurrency] = useState(8);
  const [duration, setDuration] = useState(10);
  const [protocol, setProtocol] = useState<TryProtocol>('lesson');
  const [progress, setProgress] = useState<Progress<'container.loadTest'> | null>(null);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<LoadTestResult | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const abort = useRef<AbortController | null>(null);

  async function run() {
    if (!container) return;
    const controller = new AbortController();
    abort.current = controller;
    setRunning(true);
    setError(null);
    setProgress(null);
    try {
      const answer = await api.call('container.loadTest', { id: container.id, protocol, concurrency, durationSeconds: duration }, {
        signal: controller.signal, onProgress: setProgress,
      });
      setResult(answer);
      onFinished?.();
    } catch (e) {
      setError(isCancelled(e) || controller.signal.aborted
        ? { code: 'cancelled', title: 'Load test cancelled', message: 'Nothing was kept from the cancelled test.' }
        : errorInfoOf(e));
    } finally {
      setRunning(false);
      setProgress(null);
      abort.current = null;
    }
  }

  const limitText = container?.cpus ? `a limit of ${coresText(container.cpus)}` : 'no CPU limit';
  return (
    <Card
      title="Load test"
      subtitle={`Many requests at once for a few seconds: requests per second and latency under load, with ${limitText}. The result is kept with the image.`}
      testId="load-test"
    >
      <div className="settings settings-aligned">
        <div className="setting">
          <div className="setting-label">Simultaneous clients</div>
          <div className="setting-control">
            <SingleChoice options={CONCURRENCY} value={concurrency} onChange={setConcurrency} testIdPrefix="load-concurrency" label="Simultaneous clients" />
          </div>
          <p className="setting-help">How many requests are in flight at any moment. More clients than cores shows how it queues when busy.</p>
        </div>
        <div className="setting">
          <div className="setting-label">Duration</div>
          <div className="setting-control">
            <SingleChoice options={DURATIONS} value={duration} onChange={setDuration} testIdPrefix="load-duration" label="Duration in seconds" unit="s" />
          </div>
          <p className="setting-help">Long enough for steady numbers; 10 seconds is usually plenty for a small model.</p>
        </div>
        <div className="setting">
          <label className="setting-label" htmlFor="load-protocol">Request format</label>
          <div className="setting-control">
            <select id="load-protocol" className="input" value={protocol} onChange={(e) => setProtocol(e.target.value as TryProtocol)} data-testid="load-protocol">
              {PROTOCOLS.map((p) => <option key={p.id} value={p.id}>{p.tab}</option>)}
            </select>
          </div>
          <p className="setting-help">The sample request of this format is sent over and over, as a client using it would.</p>
        </div>
      </div>

      <div className="load-actions">
        {running ? (
          <div className="progress-with-cancel">
            <ProgressBar testId="load-progress" value={progress ? progress.elapsedSeconds / Math.max(1, progress.durationSeconds) : null}
              label={progress
                ? `${progress.elapsedSeconds.toFixed(0)} of ${progress.durationSeconds} s · ${progress.requests.toLocaleString('en-US')} requests · ${progress.requestsPerSecond.toFixed(0)} req/s${progress.errors ? ` · ${progress.errors} errors` : ''}`
                : 'Warming up…'} />
            <button type="button" className="button" onClick={() => abort.current?.abort()} data-testid="load-cancel">Cancel</button>
          </div>
        ) : (
          <>
            <button type="button" className="button button-primary" onClick={() => void run()} disabled={!ready || !container} data-testid="load-run">Run load test</button>
            {!ready && <span className="muted">Start the container to load-test it.</span>}
          </>
        )}
      </div>

      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} testId="load-error" />}
      {result && !running && <LoadResult result={result} />}

      <Why summary="Why load-test the container?">
        <p>One request at a time says how fast the model is; many at once says how many users one copy can serve. Past a point, extra clients only wait in line: requests per second stops growing and p99 (the slowest 1 in 100) climbs.</p>
        <p>Kubernetes runs several copies of the container with the same CPU limit. Divide the traffic you expect by the requests per second measured here to know how many copies you need.</p>
      </Why>
    </Card>
  );
}

function LoadResult({ result }: { result: LoadTestResult }) {
  const ms = (value: number) => formatMs(value);
  const errorRate = result.requests ? result.errors / result.requests : 0;
  return (
    <div className="load-result" data-testid="load-result">
      <div className="stat-grid">
        <Stat label="Throughput" value={result.requestsPerSecond.toFixed(result.requestsPerSecond >= 100 ? 0 : 1)} unit="req/s" testId="load-rps"
          hint="Requests answered per second over the whole test." />
        <Stat label="p50" value={ms(result.p50Ms).value} unit={ms(result.p50Ms).unit} testId="load-p50" hint="Half of the requests were faster." />
        <Stat label="p90" value={ms(result.p90Ms).value} unit={ms(result.p90Ms).unit} testId="load-p90" hint="9 in 10 requests were faster." />
        <Stat label="p99" value={ms(result.p99Ms).value} unit={ms(result.p99Ms).unit} testId="load-p99" hint="99 in 100 requests were faster: what your unluckiest users see." />
        <Stat label="Requests" value={result.requests.toLocaleString('en-US')} unit={result.errors ? `${result.errors} failed` : 'all OK'} testId="load-requests" />
        <Stat label="Peak use" value={result.peakCpuCores === null ? '—' : result.peakCpuCores.toFixed(2)} unit={`cores${result.peakMemoryBytes ? ` · ${bytesText(result.peakMemoryBytes)}` : ''}`}
          testId="load-peak" hint="The most CPU and memory Docker measured during the test." />
      </div>
      {errorRate > 0.01 && (
        <p className="field-error" data-testid="load-error-rate">{(errorRate * 100).toFixed(1)}% of the requests failed: look at the log for 503 (too busy) or 5xx lines.</p>
      )}
      <div className="charts">
        <div className="chart-title">Latency of each request ({result.concurrency} at once for {Math.round(result.durationSeconds)} s{result.cpus ? `, ${coresText(result.cpus)}` : ''})</div>
        <LoadHistogram buckets={result.histogram} p50={result.p50Ms} p90={result.p90Ms} p99={result.p99Ms} testId="load-histogram" />
      </div>
    </div>
  );
}

interface SingleChoiceProps {
  options: number[];
  value: number;
  onChange: (value: number) => void;
  testIdPrefix: string;
  label: string;
  unit?: string;
}

function SingleChoice({ options, value, onChange, testIdPrefix, label, unit = '' }: SingleChoiceProps) {
  return (
    <ChoiceChips options={options.map((o) => ({ value: o, label: `${o}${unit ? ` ${unit}` : ''}` }))} selected={[value]}
      onToggle={onChange} testIdPrefix={testIdPrefix} label={label} />
  );
}

import type { ServerStatus } from '../../../shared/schemas/serve';
import { Card } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { Why } from '../../components/Why';
import { msText } from '../../format';
import { ServingPlanFacts } from './ServingPlanFacts';
import type { LocalServer } from './use-local-server';

const STATE_TEXT: Record<ServerStatus['state'] | 'not-running', string> = {
  'not-running': 'Not running',
  starting: 'Starting…',
  ready: 'Ready',
  stopping: 'Stopping…',
  stopped: 'Stopped',
  failed: 'Failed',
};

interface ServerCardProps {
  server: LocalServer;
  port: string;
  onPortChange: (port: string) => void;
  portProblem: string | null;
}

/** The local server at a glance: state, the URL to call, and the one setting that matters here (the port). */
export function ServerCard({ server, port, onPortChange, portProblem }: ServerCardProps) {
  const { status, starting, stopping, progress } = server;
  const state = starting ? 'starting' : stopping ? 'stopping' : status?.state ?? 'not-running';
  const live = state === 'ready' || state === 'starting' || state === 'stopping';
  const error = server.error ?? (status?.state === 'failed' ? status.error : null);
  return (
    <Card
      title="Serve locally"
      subtitle="Runs your model with ModelDock's server on this machine, no Docker needed: the same program your Docker image runs. To run the image itself, choose In a Docker container above."
      testId="serve-card"
      className="serve-card"
    >
      <div className="serve-status-row">
        <span className={`serve-state serve-state-${state}`} data-testid="serve-state" data-state={state}>
          <span className="serve-state-dot" aria-hidden="true" />
          {STATE_TEXT[state]}
        </span>
        {status?.url && (state === 'ready' || state === 'stopping') && (
          <span className="serve-url">
            <a className="mono" href={status.url} target="_blank" rel="noreferrer" data-testid="serve-url">{status.url}</a>
            <CopyButton text={status.url} label="Copy URL" testId="serve-url-copy" />
          </span>
        )}
        <span className="spacer" />
        {status && (state === 'ready' || state === 'stopped' || state === 'failed') && (
          <span className="serve-facts muted" data-testid="serve-facts">
            {status.modelName && <>model <span className="mono">{status.modelName}</span></>}
            {state === 'ready' && status.port !== null && <> · port {status.port}, this computer only</>}
            {state === 'ready' && status.pid !== null && <> · process {status.pid}</>}
            {state === 'ready' && status.loadMs !== null && <> · loaded in {msText(status.loadMs)}</>}
            {state !== 'ready' && status.exitCode !== null && <> · exit code {status.exitCode}</>}
          </span>
        )}
      </div>

      {state === 'ready' && status?.plan && <ServingPlanFacts plan={status.plan} />}

      {starting && (
        <div className="progress-with-cancel serve-progress">
          <ProgressBar testId="serve-progress" value={progress ? (progress.index + 0.5) / Math.max(1, progress.total) : null}
            label={progress ? `Step ${progress.index + 1}/${progress.total}: ${progress.step}` : 'Starting…'} />
          <button type="button" className="button" onClick={server.cancelStart} data-testid="serve-cancel">Cancel</button>
        </div>
      )}

      {error && !starting && <ErrorBanner error={error} onDismiss={server.error ? server.dismissError : undefined} testId="serve-error" />}

      {/* While it runs the settings cannot change: the facts line above says where it listens. */}
      {!live && <div className="settings">
        <div className="setting">
          <div className="setting-label">Port</div>
          <div className="setting-control">
            <input className="input input-number" inputMode="numeric" placeholder="any" value={port} aria-label="Port"
              disabled={live} onChange={(e) => onPortChange(e.target.value.trim())} data-testid="serve-port" />
            {portProblem && <div className="field-error" data-testid="serve-port-problem">{portProblem}</div>}
          </div>
          <p className="setting-help">Where the server listens. Leave it empty to take any free port; set one (e.g. 8080) when another program on this machine must find it.</p>
        </div>
        <div className="setting">
          <div className="setting-label">Reachable from</div>
          <div className="setting-control"><span className="mono">127.0.0.1</span></div>
          <p className="setting-help">Only this computer. Other machines cannot call it; that is what the Docker image and Kubernetes steps are for.</p>
        </div>
      </div>}
      <Why summary="What does the server do?">
        <p>It loads the model once with ONNX Runtime, warms it up, and answers HTTP requests in the formats clients already use (the lesson's /predict, TF Serving / KServe V1, and the V2 protocol of Triton and KServe).</p>
        <p>Concurrent requests are batched together when the model allows it, too many at once get a polite 503 with Retry-After instead of a crash, and /metrics reports traffic and latency for Prometheus. Settings come from the spec's serving section.</p>
      </Why>
    </Card>
  );
}

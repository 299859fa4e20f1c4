import { Card } from '../../components/Card';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { Why } from '../../components/Why';
import { bytesText } from '../../format';
import type { DockerState } from './use-docker-status';

/** Is Docker there, which one, and does it have a base image to build on (the offline one can be made here). */
export function DockerStatusCard({ docker }: { docker: DockerState }) {
  const { status, checking, error } = docker;
  const available = status?.available ?? false;
  const state = !status ? (error ? 'error' : 'checking') : available ? 'ready' : 'error';
  return (
    <Card
      title="Docker"
      subtitle="The program that builds and runs images. ModelDock talks to the Docker Engine already on this computer."
      testId="docker-status"
      actions={<button type="button" className="button button-small" onClick={() => void docker.refresh()} disabled={checking} data-testid="docker-refresh">{checking ? 'Checking…' : 'Check again'}</button>}
    >
      <div className="serve-status-row">
        <span className={`serve-state serve-state-${state === 'ready' ? 'ready' : state === 'checking' ? 'starting' : 'failed'}`} data-testid="docker-state" data-state={state}>
          <span className="serve-state-dot" aria-hidden="true" />
          {state === 'ready' ? `Docker ${status?.serverVersion ?? ''} is running` : state === 'checking' ? 'Looking for Docker…' : 'Docker is not available'}
        </span>
        {status && available && (
          <span className="muted docker-facts" data-testid="docker-facts">
            {status.platform} · {status.cpus ?? '?'} CPUs · {status.memoryBytes ? bytesText(status.memoryBytes) : '?'} memory · <span className="mono" title={`from ${status.endpoint.source}`}>{status.endpoint.address}</span>
          </span>
        )}
      </div>

      {status && status.contexts.length > 1 && (
        <label className="docker-context-picker">
          <span>Docker Engine</span>
          <select
            value={status.chosenContext ?? ''}
            onChange={(e) => void docker.chooseContext(e.target.value === '' ? null : e.target.value)}
            disabled={checking}
            data-testid="docker-context"
          >
            <option value="">As the docker command would ({status.contexts.find((c) => c.current)?.name ?? 'default'})</option>
            {status.contexts.map((c) => <option key={c.name} value={c.name}>{c.name} · {c.address}</option>)}
          </select>
          <span className="muted small">A "context" is a Docker Engine the docker command knows: this computer, a build server, a VM.</span>
        </label>
      )}

      {status && !available && status.error && <ErrorBanner error={status.error} testId="docker-error" />}
      {error && <ErrorBanner error={error} testId="docker-error" />}

      {status && available && (
        <ul className="base-list" data-testid="base-images">
          <li>
            <span className={`chip ${status.defaultBasePresent ? 'chip-ok' : 'chip-warning'}`} data-testid="default-base-state">{status.defaultBasePresent ? 'on this machine' : 'not downloaded'}</span>
            <span className="mono">{status.defaultBase}</span>
            <span className="muted">the official Node image{status.defaultBasePresent ? '' : ': Docker downloads it on the first build (needs internet)'}</span>
          </li>
          <li>
            <span className={`chip ${status.offlineBasePresent ? 'chip-ok' : 'chip-warning'}`} data-testid="offline-base-state">{status.offlineBasePresent ? 'on this machine' : 'not made yet'}</span>
            <span className="mono">{status.offlineBase}</span>
            <span className="muted">made from this computer's own Node, for machines without internet</span>
            {!status.offlineBasePresent && !docker.makingBase && (
              <button type="button" className="button button-small" onClick={() => void docker.makeBase()} data-testid="make-base">Create offline base</button>
            )}
          </li>
        </ul>
      )}
      {docker.makingBase && (
        <ProgressBar testId="make-base-progress" value={docker.baseProgress ? (docker.baseProgress.index + 0.5) / Math.max(1, docker.baseProgress.total) : null}
          label={docker.baseProgress ? `Step ${docker.baseProgress.index + 1}/${docker.baseProgress.total}: ${docker.baseProgress.step}` : 'Creating the offline base image…'} />
      )}
      {docker.baseError && <ErrorBanner error={docker.baseError} testId="make-base-error" />}

      <Why summary="What is a base image?">
        <p>Every image starts from a base: a small Linux with the programs your server needs (here, Node.js). ModelDock adds only its server, ONNX Runtime and your model on top, so the base is most of the image and is shared by every version you build.</p>
        <p>Without internet, Docker cannot download the official base. The offline base is made from the Node already installed on this computer, in about a second, and works the same way.</p>
      </Why>
    </Card>
  );
}

import type { BuildRecord, ContainerStatus } from '../../../shared/schemas/docker';
import { Card } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { Why } from '../../components/Why';
import { bytesText, coresText, msText, timeAgo } from '../../format';
import type { ContainerDraft, DraftCheck } from './container-settings';
import { ServingPlanFacts } from './ServingPlanFacts';
import type { ModelContainer } from './use-container';

type ShownState = ContainerStatus['state'] | 'not-running';

const STATE_TEXT: Record<ShownState, string> = {
  'not-running': 'Not running',
  starting: 'Starting…',
  ready: 'Ready',
  unhealthy: 'Not answering',
  stopping: 'Stopping…',
  exited: 'Exited',
  removed: 'Stopped and removed',
};

/** Reuses the local server's pill colours: same meaning, same look. */
const PILL_CLASS: Record<ShownState, string> = {
  'not-running': 'not-running', starting: 'starting', ready: 'ready', unhealthy: 'failed', stopping: 'stopping', exited: 'failed', removed: 'stopped',
};

interface ContainerCardProps {
  container: ModelContainer;
  builds: BuildRecord[] | null;
  draft: ContainerDraft;
  onDraftChange: (draft: ContainerDraft) => void;
  check: DraftCheck;
  onOpenPackage: () => void;
}

/** The container at a glance (state, URL, limits) and, while none runs, the settings to start one with. */
export function ContainerCard({ container, builds, draft, onDraftChange, check, onOpenPackage }: ContainerCardProps) {
  const { status, starting, stopping, progress } = container;
  const state: ShownState = starting ? 'starting' : stopping ? 'stopping' : status?.state ?? 'not-running';
  const live = state === 'starting' || state === 'ready' || state === 'unhealthy' || state === 'stopping';
  const error = container.error ?? (status?.state === 'exited' ? status.error : null);
  // One entry per image: rebuilding an unchanged model gives the same image again.
  const images = (builds ?? []).filter((b, i, all) => b.present && all.findIndex((o) => o.imageId === b.imageId) === i);
  const shownName = status ? builds?.find((b) => b.imageId === status.imageId || b.imageId === status.image)?.reference ?? status.image : '';
  const set = (patch: Partial<ContainerDraft>) => onDraftChange({ ...draft, ...patch });
  const { problems } = check;

  return (
    <Card
      title="Run in a Docker container"
      subtitle="Starts the image you built in the Package step, exactly as a server would run it, but on this computer: the last check before deploying."
      testId="container-card"
      className="serve-card"
    >
      <div className="serve-status-row">
        <span className={`serve-state serve-state-${PILL_CLASS[state]}`} data-testid="container-state" data-state={state}>
          <span className="serve-state-dot" aria-hidden="true" />
          {STATE_TEXT[state]}
        </span>
        {status?.url && (state === 'ready' || state === 'stopping' || state === 'unhealthy') && (
          <span className="serve-url">
            <a className="mono" href={status.url} target="_blank" rel="noreferrer" data-testid="container-url">{status.url}</a>
            <CopyButton text={status.url} label="Copy URL" testId="container-url-copy" />
          </span>
        )}
        <span className="spacer" />
        {status && state !== 'not-running' && !starting && (
          <span className="serve-facts muted" data-testid="container-facts">
            <span className="mono" data-testid="container-image-name">{shownName}</span>
            {state === 'ready' && status.readyMs !== null && <> · ready in <span data-testid="container-ready-ms">{msText(status.readyMs)}</span></>}
            {live && <> · {status.cpus ? coresText(status.cpus) : 'no CPU limit'}, {status.memoryMB ? `${status.memoryMB} MB` : 'no memory limit'}</>}
            {!live && status.exitCode !== null && <> · exit code {status.exitCode}</>}
          </span>
        )}
      </div>

      {starting && (
        <div className="progress-with-cancel serve-progress">
          <ProgressBar testId="container-progress" value={progress ? (progress.index + 0.5) / Math.max(1, progress.total) : null}
            label={progress ? `Step ${progress.index + 1}/${progress.total}: ${progress.step}` : 'Starting the container…'} />
          <button type="button" className="button" onClick={container.cancelStart} data-testid="container-cancel">Cancel</button>
        </div>
      )}

      {error && !starting && <ErrorBanner error={error} onDismiss={container.error ? container.dismissError : undefined} testId="container-error" />}

      {state === 'ready' && status?.plan && <ServingPlanFacts plan={status.plan} testId="container-plan" />}

      {builds && images.length === 0 && !live && (
        <div className="empty-inline" data-testid="container-no-image">
          <p>No image of this model yet. Build one in the Package step; it appears here.</p>
          <button type="button" className="button" onClick={onOpenPackage} data-testid="goto-package">Go to Package</button>
        </div>
      )}

      {!live && images.length > 0 && (
        <div className="settings settings-aligned">
          <div className="setting">
            <label className="setting-label" htmlFor="container-image">Image</label>
            <div className="setting-control">
              <select id="container-image" className="input mono select-wide" value={draft.image} onChange={(e) => set({ image: e.target.value })} data-testid="container-image">
                {images.map((b) => (
                  <option key={b.imageId} value={b.imageId}>{b.reference} · {b.imageId.replace(/^sha256:/, '').slice(0, 12)} · {bytesText(b.sizeBytes)} · {timeAgo(b.builtAt)}</option>
                ))}
              </select>
            </div>
            <p className="setting-help">A version you built in the Package step: your model and its server in one file that runs the same anywhere.</p>
          </div>
          <Field id="container-port" label="Port" value={draft.port} placeholder="any" problem={problems.port}
            onChange={(port) => set({ port })}
            help="The door on this computer (127.0.0.1) that leads to the server inside the container. Empty: any free one." />
          <Field id="container-cpus" label="CPU limit" value={draft.cpus} placeholder="no limit" unit="cores" problem={problems.cpus}
            onChange={(cpus) => set({ cpus })}
            help="How many processor cores the container may use (0.5 = half a core). Match what a production server gives it, so the load test tells the truth." />
          <Field id="container-memory" label="Memory limit" value={draft.memoryMB} placeholder="no limit" unit="MB" problem={problems.memoryMB}
            onChange={(memoryMB) => set({ memoryMB })}
            help="The most memory it may use. Above that Docker stops it (out of memory), just as Kubernetes would." />
          <div className="setting setting-top">
            <label className="setting-label" htmlFor="container-env">Environment</label>
            <div className="setting-control">
              <textarea id="container-env" className="json-editor mono env-editor" rows={3} spellCheck={false} value={draft.env}
                placeholder="MODELDOCK_MAX_BATCH_SIZE=16" onChange={(e) => set({ env: e.target.value })} data-testid="container-env" />
              {problems.env && <div className="field-error" data-testid="container-env-problem">{problems.env}</div>}
            </div>
            <p className="setting-help">Settings handed to the server when it starts, one NAME=value per line; they override the spec without rebuilding.</p>
          </div>
        </div>
      )}

      <Why summary="What is a container, and why limits?">
        <p>A container is a sealed box started from the image: its own files, its own network and its own share of the computer. The server inside listens on its own port (8080 unless the spec says otherwise); Docker forwards the port you choose on this computer to it, on 127.0.0.1 only, so nothing outside this computer can reach it.</p>
        <p>Limits make this run look like production. In Kubernetes each copy of your model gets a fixed number of cores and a memory ceiling; with the same limits here, the latency and requests per second you measure below are the ones you will get there, and a model that needs more memory than you planned fails here rather than in production.</p>
      </Why>
    </Card>
  );
}

interface FieldProps {
  id: string;
  label: string;
  value: string;
  placeholder: string;
  unit?: string;
  problem?: string;
  help: string;
  onChange: (value: string) => void;
}

function Field({ id, label, value, placeholder, unit, problem, help, onChange }: FieldProps) {
  return (
    <div className="setting">
      <label className="setting-label" htmlFor={id}>{label}</label>
      <div className="setting-control">
        <span className="input-with-unit">
          <input id={id} className="input input-number" inputMode="decimal" placeholder={placeholder} value={value}
            onChange={(e) => onChange(e.target.value.trim())} data-testid={id} aria-invalid={problem ? true : undefined} />
          {unit && <span className="muted">{unit}</span>}
        </span>
        {problem && <div className="field-error" data-testid={`${id}-problem`}>{problem}</div>}
      </div>
      <p className="setting-help">{help}</p>
    </div>
  );
}

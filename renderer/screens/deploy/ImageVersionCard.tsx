import type { ErrorInfo } from '../../../shared/errors';
import type { BuildRecord } from '../../../shared/schemas/docker';
import { Card } from '../../components/Card';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Why } from '../../components/Why';
import { coresText, msText, timeAgo } from '../../format';
import type { ImageChoice } from './deploy-settings';

interface ImageVersionCardProps {
  builds: BuildRecord[] | null;
  error: ErrorInfo | null;
  choice: ImageChoice | null;
  onChoose: (buildId: string) => void;
  /** Start-to-ready of a container of this image, as measured in the Run step (ms), when one is known. */
  measuredColdStartMs: number | null;
  /** The cold start the manifests are sized with (seconds), from the spec. */
  coldStartSeconds: number | undefined;
  onUseColdStart: (seconds: number) => void;
  onPackage: () => void;
}

/** Which built image the cluster runs: by tag, pinned by digest once it was pushed. */
export function ImageVersionCard({ builds, error, choice, onChoose, measuredColdStartMs, coldStartSeconds, onUseColdStart, onPackage }: ImageVersionCardProps) {
  const measuredSeconds = measuredColdStartMs === null ? null : Math.ceil(measuredColdStartMs / 100) / 10;
  return (
    <Card title="Image version" subtitle="The image your cluster will run: one of the versions you built in the Package step." testId="deploy-image">
      {error && <ErrorBanner error={error} testId="deploy-image-error" />}
      {builds && builds.length === 0 && (
        <div className="deploy-empty" data-testid="deploy-no-image">
          <p>No image of this model yet. Build one in the Package step: the manifests need an image a cluster can pull.</p>
          <button type="button" className="button" onClick={onPackage} data-testid="deploy-goto-package">Go to Package</button>
        </div>
      )}
      {builds && builds.length > 0 && (
        <div className="settings">
          <div className="setting setting-top">
            <label className="setting-label" htmlFor="deploy-image-select">Version</label>
            <div className="setting-control">
              <select id="deploy-image-select" className="input mono deploy-image-select" value={choice?.build.id ?? ''}
                onChange={(e) => onChoose(e.target.value)} data-testid="deploy-image-select">
                {builds.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.reference} · {timeAgo(b.builtAt)}{b.pushes.length > 0 ? ' · pushed' : ''}{b.loadTests.length > 0 ? ' · load-tested' : ''}
                  </option>
                ))}
              </select>
            </div>
            <p className="setting-help">Each build is a version. The newest is picked; choose an older one to deploy it again (a rollback is just that).</p>
          </div>
          {choice && (
            <div className="setting setting-top">
              <div className="setting-label">Pulled as</div>
              <div className="setting-control image-ref">
                <code className="mono" data-testid="deploy-image-ref">{choice.image}</code>
                {choice.digest
                  ? <span className="chip chip-ok" data-testid="deploy-image-digest" title={choice.digest}>digest {choice.digest.slice(7, 19)}</span>
                  : <span className="chip chip-warning" data-testid="deploy-image-local">not pushed</span>}
                {!choice.pushed && <button type="button" className="button button-small" onClick={onPackage} data-testid="deploy-goto-push">Push it in Package</button>}
              </div>
              <p className="setting-help">
                {choice.pushed
                  ? 'The registry name and digest from your latest push: every pod runs exactly these bytes, even if the tag moves later.'
                  : 'Only on this computer so far. A cluster pulls images from a registry: push this version in the Package step first.'}
              </p>
            </div>
          )}
          {choice && (
            <div className="setting setting-top">
              <div className="setting-label">Measured</div>
              <div className="setting-control facts" data-testid="deploy-image-facts">
                {choice.loadTest
                  ? <span>Load test: <strong>{choice.loadTest.requestsPerSecond.toFixed(1)} req/s</strong>, p99 {msText(choice.loadTest.p99Ms)} under {choice.loadTest.cpus ? coresText(choice.loadTest.cpus) : 'no CPU limit'}</span>
                  : <span className="muted">No load test yet</span>}
                <span>
                  Start-up: {coldStartSeconds !== undefined ? <strong data-testid="deploy-cold-start">{coldStartSeconds} s</strong> : <span className="muted">not set (10 s assumed)</span>}
                  {measuredSeconds !== null && measuredSeconds !== coldStartSeconds && (
                    <button type="button" className="link-button" onClick={() => onUseColdStart(measuredSeconds)} data-testid="deploy-use-cold-start">
                      use the measured {measuredSeconds} s
                    </button>
                  )}
                </span>
              </div>
              <p className="setting-help">What the Run step measured with this image: the capacity planner sizes pods from the load test, and the start-up time gives a new pod long enough to load the model.</p>
            </div>
          )}
        </div>
      )}
      <Why testId="why-image">
        <p>Kubernetes never builds anything: each of its machines (nodes) downloads your image from a registry and starts it. A tag like <code>iris:3</code> can be moved to another build later; a digest (<code>sha256:…</code>) names the exact bytes, so every pod runs the same model, including pods started months from now.</p>
        <p>A cluster also restarts and adds pods on its own. The start-up time tells it how long to wait before deciding a new pod is stuck: too short and slow-loading models are killed in a loop.</p>
      </Why>
    </Card>
  );
}

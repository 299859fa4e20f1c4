import { useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { BuildRecord } from '../../../shared/schemas/docker';
import { Card } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Why } from '../../components/Why';
import { bytesText, coresText, msText, timeAgo } from '../../format';

interface VersionsCardProps {
  builds: BuildRecord[] | null;
  error: ErrorInfo | null;
  onRun: (record: BuildRecord) => void;
  onRemove: (record: BuildRecord) => Promise<void>;
}

/** Every image built of this model, newest first: what it is, how it performed, where it was pushed. */
export function VersionsCard({ builds, error, onRun, onRemove }: VersionsCardProps) {
  const [removing, setRemoving] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  async function remove(record: BuildRecord) {
    setRemoving(record.imageId);
    try {
      await onRemove(record);
    } finally {
      setRemoving(null);
      setConfirming(null);
    }
  }
  return (
    <Card
      title="Versions"
      subtitle="Each image you built of this model. Run any of them again, compare their load tests, remove the ones you no longer need."
      testId="versions"
    >
      {error && <ErrorBanner error={error} testId="versions-error" />}
      {builds && builds.length === 0 && <p className="muted" data-testid="versions-empty">No images yet. Build one above; every build is listed here.</p>}
      {builds && builds.length > 0 && (
        <div className="table-scroll">
          <table className="table versions-table" data-testid="versions-table">
            <thead>
              <tr>
                <th>Image</th>
                <th>Built</th>
                <th className="num">Size</th>
                <th>Model sha256</th>
                <th>Load test</th>
                <th>Pushed</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {builds.map((b, i) => {
                const test = b.loadTests[b.loadTests.length - 1];
                const push = b.pushes[b.pushes.length - 1];
                // Building the same name:tag again moves the tag; the older image stays, reachable by its id.
                const tagMoved = builds.slice(0, i).some((newer) => newer.reference === b.reference && newer.imageId !== b.imageId);
                return (
                  <tr key={`${b.imageId}-${b.builtAt}`} data-testid="version-row" data-reference={b.reference} data-present={b.present}>
                    <td>
                      <span className="mono" data-testid="version-reference">{b.reference}</span>
                      {i === 0 && <span className="chip chip-type version-chip">latest</span>}
                      {tagMoved && b.present && <span className="chip version-chip" title="A newer build took this name:tag; this image is still here under its id" data-testid="version-tag-moved">now {b.imageId.replace(/^sha256:/, '').slice(0, 12)}</span>}
                      {!b.present && <span className="chip chip-warning version-chip" title="Docker no longer has this image (removed outside ModelDock)">gone from Docker</span>}
                    </td>
                    <td title={new Date(b.builtAt).toLocaleString()}>
                      {timeAgo(b.builtAt)}
                      <div className="muted small">{msText(b.buildMs)}, {b.cachedSteps}/{b.totalSteps} cached</div>
                    </td>
                    <td className="num">{bytesText(b.sizeBytes)}</td>
                    <td><span className="mono" title={b.modelSha256}>{b.modelSha256.slice(0, 12)}</span><div className="muted small">v{b.modelVersion}</div></td>
                    <td data-testid="version-load-test">
                      {test ? (
                        <>
                          <strong>{test.requestsPerSecond.toFixed(0)} req/s</strong> · p99 {msText(test.p99Ms)}
                          <div className="muted small">{test.concurrency} at once, {test.cpus ? coresText(test.cpus) : 'no CPU limit'}</div>
                        </>
                      ) : b.benchmark ? (
                        <span className="muted" title="From the Test step's benchmark of the same model file">bench p50 {msText(b.benchmark.p50Ms)}</span>
                      ) : <span className="muted">—</span>}
                    </td>
                    <td data-testid="version-push">
                      {push ? (
                        <span className="push-cell">
                          <span className="mono small" title={`${push.reference}@${push.digest}`}>{push.digest.slice(0, 19)}…</span>
                          <CopyButton text={`${push.reference.replace(/:[^:/]+$/, '')}@${push.digest}`} label="Copy" />
                        </span>
                      ) : <span className="muted">—</span>}
                    </td>
                    <td className="row-actions">
                      <button type="button" className="button button-small" disabled={!b.present} onClick={() => onRun(b)} data-testid="version-run">Run</button>
                      {confirming === b.imageId ? (
                        <>
                          <button type="button" className="button button-small button-danger" disabled={removing !== null} onClick={() => void remove(b)} data-testid="version-remove-confirm">
                            {removing === b.imageId ? 'Removing…' : 'Remove'}
                          </button>
                          <button type="button" className="button button-small button-quiet" onClick={() => setConfirming(null)}>Keep</button>
                        </>
                      ) : (
                        <button type="button" className="button button-small button-quiet" onClick={() => setConfirming(b.imageId)} data-testid="version-remove">Remove…</button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Why summary="Why keep versions?">
        <p>When a new model misbehaves in production, the fastest fix is to run the previous image again: it is still here, unchanged, with the numbers it had. The model's sha256 is a fingerprint of the exact model file inside each image.</p>
      </Why>
    </Card>
  );
}

import { useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { BundleRequestInput, BundleResult } from '../../../shared/schemas/bundle';
import type { StepProgress } from '../../../shared/schemas/validation';
import { api } from '../../api/client';
import { errorInfoOf } from '../../api/api-error';
import { CodeBlock } from '../../components/CodeBlock';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { bytesText } from '../../format';

interface BundleExportProps {
  defaultDir: string;
  /** Everything but the folder and zip choice; null while the manifests cannot be made. */
  request: Omit<BundleRequestInput, 'outDir' | 'zip'> | null;
  /** Why the bundle cannot be written now (shared with the manifests export), or null. */
  reason: string | null;
  /** Saves the settings first, so the bundle's modeldock.yaml holds them. */
  beforeExport: () => Promise<void>;
}

/** The deploy bundle: model, spec, Dockerfile and build context, manifests, compose file, README: rebuildable anywhere. */
export function BundleExport({ defaultDir, request, reason, beforeExport }: BundleExportProps) {
  const [dir, setDir] = useState(defaultDir);
  const [zip, setZip] = useState(false);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<StepProgress | null>(null);
  const [result, setResult] = useState<BundleResult | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function run() {
    if (!request) return;
    setRunning(true);
    setError(null);
    setResult(null);
    setProgress(null);
    try {
      await beforeExport();
      setResult(await api.call('deploy.bundle', { ...request, outDir: dir.trim(), zip }, { onProgress: setProgress }));
    } catch (e) {
      setError(errorInfoOf(e));
    } finally {
      setRunning(false);
      setProgress(null);
    }
  }

  const disabled = !request || !!reason || running || dir.trim() === '';
  return (
    <div className="bundle-export" data-testid="bundle">
      <h3 className="group-title">Deploy bundle</h3>
      <p className="muted small">One folder anyone can rebuild the image from and deploy, without ModelDock: the model, modeldock.yaml, the Dockerfile and its files, these manifests, a docker-compose.yml and a README with the commands.</p>
      <div className="export-row">
        <label className="setting-label" htmlFor="bundle-dir">Folder</label>
        <input id="bundle-dir" className="input mono export-dir" value={dir} onChange={(e) => setDir(e.target.value)} data-testid="bundle-dir" />
        <label className="toggle-row">
          <input type="checkbox" checked={zip} onChange={(e) => setZip(e.target.checked)} data-testid="bundle-zip" />
          <span>also as .zip</span>
        </label>
        <button type="button" className="button" onClick={() => void run()} disabled={disabled} data-testid="bundle-run">
          {running && <span className="spinner" aria-hidden="true" />}
          Write bundle
        </button>
      </div>
      {reason && !running && <p className="export-blocked" data-testid="bundle-blocked">{reason}</p>}
      {running && <ProgressBar value={progress ? progress.index / Math.max(1, progress.total) : null}
        label={progress ? `Step ${progress.index}/${progress.total}: ${progress.step}` : 'Starting…'} testId="bundle-progress" />}
      {error && <ErrorBanner error={error} testId="bundle-error" />}
      {result && (
        <div className="export-result" data-testid="bundle-result">
          <p className="status-text status-text-ok">
            <strong data-testid="bundle-count">{result.files.length}</strong> files, {bytesText(result.totalBytes)}
            {result.zipBytes !== null && <>, zipped to {bytesText(result.zipBytes)}</>} in <span className="mono" data-testid="bundle-path">{result.path}</span>
          </p>
          {result.failedChecks.length > 0 && <p className="muted small">{result.failedChecks.length} check{result.failedChecks.length === 1 ? '' : 's'} failed; they are listed in the bundle&apos;s README.</p>}
          {result.warnings.length > 0 && (
            <ul className="capacity-warnings" data-testid="bundle-warnings">{result.warnings.map((w) => <li key={w}>{w}</li>)}</ul>
          )}
          {result.format === 'folder' && <CodeBlock code={`cd ${result.path}\ncat README.md`} language="shell" testId="bundle-next" />}
        </div>
      )}
    </div>
  );
}

import type { ReactNode } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { DeployExportResult, DeployManifests } from '../../../shared/schemas/kubernetes';
import { Card } from '../../components/Card';
import { CodeBlock } from '../../components/CodeBlock';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Why } from '../../components/Why';

export interface ExportState {
  running: boolean;
  result: DeployExportResult | null;
  error: ErrorInfo | null;
}

interface ExportCardProps {
  outDir: string;
  onOutDir: (dir: string) => void;
  manifests: DeployManifests | null;
  /** Why export cannot run at all right now (no image, settings with problems...), or null. */
  blocked: string | null;
  allowFailed: boolean;
  onAllowFailed: (allow: boolean) => void;
  state: ExportState;
  onExport: () => void;
  /** The CLI command that writes the same files from the saved spec. */
  cliCommand: string | null;
  /** The deploy bundle's part of the card. */
  bundle: ReactNode;
}

/** Writes the manifests to a folder; refuses while a required check fails unless the user says otherwise. */
export function ExportCard({ outDir, onOutDir, manifests, blocked, allowFailed, onAllowFailed, state, onExport, cliCommand, bundle }: ExportCardProps) {
  const failedRequired = manifests?.summary.failedRequired ?? 0;
  const refused = failedRequired > 0 && !allowFailed;
  const disabled = !!blocked || !manifests || refused || state.running || outDir.trim() === '';
  const reason = blocked
    ?? (!manifests ? 'Waiting for the manifests.' : null)
    ?? (refused ? `${failedRequired} required check${failedRequired === 1 ? '' : 's'} failed (see Checks): fix the settings, or export anyway below.` : null)
    ?? (outDir.trim() === '' ? 'Choose a folder.' : null);
  const prod = state.result ? `${state.result.outDir}/k8s/kustomize/overlays/prod` : null;
  return (
    <Card title="Export" subtitle="Write the manifests into a folder you can commit, hand to your platform team, or apply; or the whole deploy bundle." testId="deploy-export">
      <div className="export-row">
        <label className="setting-label" htmlFor="export-dir">Folder</label>
        <input id="export-dir" className="input mono export-dir" value={outDir} onChange={(e) => onOutDir(e.target.value)} data-testid="export-dir"
          placeholder="/path/to/deploy" />
        <button type="button" className="button button-primary" onClick={onExport} disabled={disabled} data-testid="export-run">
          {state.running && <span className="spinner" aria-hidden="true" />}
          {failedRequired > 0 && allowFailed ? 'Export anyway' : 'Export manifests'}
        </button>
      </div>
      <p className="muted small">The files go to <span className="mono">k8s/</span> inside it (replaced on each export); the settings are saved in modeldock.yaml too.</p>
      {reason && <p className="export-blocked" data-testid="export-blocked">{reason}</p>}
      {failedRequired > 0 && (
        <label className="toggle-row export-anyway">
          <input type="checkbox" checked={allowFailed} onChange={(e) => onAllowFailed(e.target.checked)} data-testid="export-allow-failed" />
          <span>Export anyway, with {failedRequired} failed required check{failedRequired === 1 ? '' : 's'} (for a test cluster, or to fix by hand)</span>
        </label>
      )}
      {state.error && <ErrorBanner error={state.error} testId="export-error" />}
      {state.result && (
        <div className="export-result" data-testid="export-result">
          <p className="status-text status-text-ok"><strong data-testid="export-count">{state.result.written.length}</strong> files written to <span className="mono" data-testid="export-out">{state.result.outDir}</span></p>
          <ul className="export-files mono small" data-testid="export-files">
            {state.result.written.map((f) => <li key={f}>{f.startsWith(state.result!.outDir) ? f.slice(state.result!.outDir.length + 1) : f}</li>)}
          </ul>
          {prod && <CodeBlock code={`kubectl apply -k ${prod}`} language="shell" testId="export-apply" />}
        </div>
      )}
      {cliCommand && (
        <details className="disclosure">
          <summary>The same from a terminal</summary>
          <CodeBlock code={cliCommand} language="shell" testId="export-cli" />
        </details>
      )}
      {bundle}
      <Why testId="why-export">
        <p>ModelDock does not talk to your cluster here: it writes files. Commit them to Git, send them to the team that runs the cluster, or apply them yourself with the command shown after the export.</p>
        <p>The settings are kept in the <code>kubernetes:</code> section of modeldock.yaml next to your model, so <code>modeldock export</code> in a terminal or CI produces the same files.</p>
      </Why>
    </Card>
  );
}

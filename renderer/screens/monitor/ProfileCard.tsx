import { useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { MonitorProfileResult } from '../../../shared/schemas/monitoring';
import { api } from '../../api/client';
import { errorInfoOf } from '../../api/api-error';
import { Card } from '../../components/Card';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Why } from '../../components/Why';
import { PathDialog } from './PathDialog';

/**
 * "What normal looks like": a reference profile computed from a sample the user provides (CSV, .npy, JSON or a
 * folder of test inputs), written beside the model. The served model compares its live inputs with it.
 */
export function ProfileCard({ modelPath }: { modelPath: string }) {
  const folder = modelPath.replace(/[\\/][^\\/]*$/, '') || '/';
  const [dataPath, setDataPath] = useState('');
  const [browsing, setBrowsing] = useState(false);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<MonitorProfileResult | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function capture() {
    setRunning(true);
    setError(null);
    try {
      setResult(await api.call('monitor.profile', { modelPath, dataPath: dataPath.trim() }));
    } catch (e) {
      setError(errorInfoOf(e));
    } finally {
      setRunning(false);
    }
  }

  return (
    <Card title="Reference profile" subtitle="What normal inputs look like. Drift is measured against it." testId="monitor-profile">
      <div className="export-row">
        <label className="setting-label" htmlFor="profile-data">Sample data</label>
        <input id="profile-data" className="input mono monitor-path monitor-path-full" value={dataPath} onChange={(e) => setDataPath(e.target.value)} placeholder="/path/to/training-sample.csv"
          spellCheck={false} data-testid="profile-data-input" />
        <button type="button" className="button" onClick={() => setBrowsing(true)} data-testid="profile-browse">Browse…</button>
        <button type="button" className="button button-primary" onClick={() => void capture()} disabled={running || dataPath.trim() === ''} data-testid="profile-capture">
          {running && <span className="spinner" aria-hidden="true" />}Capture profile
        </button>
      </div>
      <p className="muted small">A CSV with a header row, a .npy array, a JSON file, or a folder of test inputs: a few hundred rows or more of the data the model was trained or validated on.</p>
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} testId="profile-error" />}
      {result && (
        <div className="monitor-profile-result" data-testid="profile-result">
          <p className="status-text status-text-ok">
            Profile of <strong data-testid="profile-rows">{result.sampleCount}</strong> rows and {result.features.length} features written to <span className="mono">{result.profilePath}</span>
          </p>
          <p className="muted small">Baked into the next image build; a local server picks it up when it is started again.</p>
          <table className="monitor-means small">
            <thead><tr><th>Feature</th><th>Type</th><th>Mean</th><th>Range</th></tr></thead>
            <tbody>
              {result.features.map((f) => (
                <tr key={f.name}><td className="mono">{f.name}</td><td>{f.type}</td><td>{round(f.mean)}</td><td>{round(f.min)} … {round(f.max)}</td></tr>
              ))}
            </tbody>
          </table>
          {result.notes.map((n) => <p key={n} className="small muted">{n}</p>)}
        </div>
      )}
      <Why summary="Why a profile?" testId="why-profile">
        <p>Drift means the inputs in production no longer look like the data the model learned from. To notice it, the server needs to know what "normal" was: for each input feature, how its values were spread (ten bins), plus the classes the model predicted on that data.</p>
        <p>The profile is a small JSON file beside the model. ModelDock puts it into the image with the model at the next build, so every copy of the server, local, in Docker or in Kubernetes, exports a drift score per feature on /metrics.</p>
      </Why>
      {browsing && <PathDialog mode="file" start={folder} onClose={() => setBrowsing(false)} onPick={(p) => { setDataPath(p); setBrowsing(false); }} />}
    </Card>
  );
}

function round(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

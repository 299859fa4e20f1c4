import { useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { MonitorExportResult } from '../../../shared/schemas/monitor-live';
import { api } from '../../api/client';
import { errorInfoOf } from '../../api/api-error';
import { Card } from '../../components/Card';
import { CodeBlock } from '../../components/CodeBlock';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Why } from '../../components/Why';
import { PathDialog } from './PathDialog';

/** Grafana dashboard + Prometheus scrape config + alert rules for a production monitoring stack, written to a folder. */
export function ExportRulesCard({ modelPath, beforeExport }: { modelPath: string; beforeExport?: () => Promise<void> }) {
  const folder = modelPath.replace(/[\\/][^\\/]*$/, '') || '/';
  const [outDir, setOutDir] = useState(`${folder}/monitoring`);
  const [browsing, setBrowsing] = useState(false);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<MonitorExportResult | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);

  async function run() {
    setRunning(true);
    setError(null);
    try {
      await beforeExport?.();
      setResult(await api.call('monitor.exportRules', { modelPath, outDir: outDir.trim() }));
    } catch (e) {
      setError(errorInfoOf(e));
    } finally {
      setRunning(false);
    }
  }

  return (
    <Card title="Export for Prometheus and Grafana" subtitle="A dashboard, a scrape configuration and alert rules with your thresholds, for the monitoring your team runs." testId="monitor-export">
      <div className="export-row">
        <label className="setting-label" htmlFor="rules-dir">Folder</label>
        <input id="rules-dir" className="input mono monitor-path" value={outDir} onChange={(e) => setOutDir(e.target.value)} spellCheck={false} data-testid="export-rules-dir" />
        <button type="button" className="button" onClick={() => setBrowsing(true)} data-testid="export-rules-browse">Browse…</button>
        <button type="button" className="button button-primary" onClick={() => void run()} disabled={running || outDir.trim() === ''} data-testid="export-rules-run">
          {running && <span className="spinner" aria-hidden="true" />}Export files
        </button>
      </div>
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} testId="export-rules-error" />}
      {result && (
        <div className="export-result" data-testid="export-rules-result">
          <p className="status-text status-text-ok"><strong>{result.files.length}</strong> files written to <span className="mono" data-testid="export-rules-out">{result.outDir}</span></p>
          <ul className="export-files mono small" data-testid="export-rules-files">
            {result.files.map((f) => <li key={f.path}>{f.path.slice(result.outDir.length + 1)} <span className="muted">({Math.round(f.bytes / 102.4) / 10} KB)</span></li>)}
          </ul>
          <CodeBlock code={`promtool check rules ${result.outDir}/alert-rules.yml`} language="shell" testId="export-rules-check" />
        </div>
      )}
      <p className="muted small">The deploy bundle (Deploy step) carries the same files in its <span className="mono">monitoring/</span> folder.</p>
      <Why testId="why-export-rules">
        <p><span className="mono">prometheus.yml</span> tells Prometheus where the server's /metrics are (a local run and the pods in Kubernetes) and loads <span className="mono">alert-rules.yml</span>: high error rate, latency above your p99 target, drift per feature, a server not ready, a full queue and pods that keep restarting.</p>
        <p>Import <span className="mono">grafana-dashboard.json</span> in Grafana (Dashboards, New, Import) for traffic, latency, CPU and memory, and the model itself: predicted classes, drift per feature with its threshold, feedback accuracy and input means against the reference.</p>
      </Why>
      {browsing && <PathDialog mode="folder" start={folder} onClose={() => setBrowsing(false)} onPick={(p) => { setOutDir(p); setBrowsing(false); }} />}
    </Card>
  );
}

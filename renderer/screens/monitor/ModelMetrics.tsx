import type { MonitorSample } from '../../../shared/schemas/monitor-live';
import { HorizontalBarChart } from '../../charts/HorizontalBarChart';
import { Card } from '../../components/Card';
import { Stat } from '../../components/Stat';
import { Why } from '../../components/Why';
import { Sparkline } from '../run/Sparkline';
import { DriftBars } from './DriftBars';

/** Model level: what it predicts, whether its inputs still look like the reference, and how often it is right. */
export function ModelMetrics({ latest, history, driftThreshold }: { latest: MonitorSample | null; history: MonitorSample[]; driftThreshold: number }) {
  const predictions = Object.entries(latest?.predictions ?? {}).sort((a, b) => b[1] - a[1]);
  const total = predictions.reduce((n, [, v]) => n + v, 0);
  const features = latest?.features ?? [];
  const hasDrift = features.some((f) => f.psi !== null);
  return (
    <div className="monitor-model-grid">
      <Card title="Predictions" subtitle={total ? `${total.toLocaleString('en-US')} rows predicted since the server started` : 'Predicted classes appear with traffic (classifiers).'} testId="monitor-predictions">
        {predictions.length > 0
          ? <HorizontalBarChart bars={predictions.map(([label, value]) => ({ label, value, note: `${((value / total) * 100).toFixed(1)}%` }))} valueLabel="predicted rows" testId="mon-predictions-chart" />
          : <p className="muted">No predictions yet.</p>}
        <div className="monitor-accuracy">
          <Stat label="Accuracy from feedback" value={latest?.feedbackAccuracy != null ? (latest.feedbackAccuracy * 100).toFixed(1) : '—'} unit={latest?.feedbackAccuracy != null ? '%' : undefined}
            hint="Share of predictions that were right, over the last ones your system reported the truth for (POST /feedback)." testId="mon-accuracy" />
          <Sparkline values={history.map((s) => s.feedbackAccuracy)} label="Feedback accuracy" testId="mon-spark-accuracy" />
          <p className="muted small">{latest?.feedbackRows ? `${latest.feedbackRows} scored rows` : 'Send the true outcome to POST /feedback with the answer\'s X-Request-Id to see it.'}</p>
        </div>
      </Card>
      <Card title="Drift per feature" subtitle={hasDrift
        ? `Live inputs (last ${latest?.windowRows ?? 0} rows) against the reference profile. Red: above the threshold.`
        : 'Needs a reference profile in the served model (capture one below, then restart the server or rebuild the image).'} testId="monitor-drift">
        {features.length > 0 ? <DriftBars features={features} threshold={driftThreshold} /> : <p className="muted">No input features reported yet.</p>}
        {latest?.predictionDriftPsi != null && (
          <p className={`small ${latest.predictionDriftPsi > driftThreshold ? 'drift-value-over' : 'muted'}`} data-testid="mon-prediction-drift">
            Predictions vs the reference: PSI {latest.predictionDriftPsi.toFixed(2)}
          </p>
        )}
        {features.some((f) => f.mean !== null) && (
          <table className="monitor-means small" data-testid="mon-feature-means">
            <thead><tr><th>Feature</th><th>Mean now</th><th>Reference</th></tr></thead>
            <tbody>
              {features.map((f) => (
                <tr key={f.name}><td className="mono">{f.name}</td><td>{fmt(f.mean)}</td><td>{fmt(f.referenceMean)}</td></tr>
              ))}
            </tbody>
          </table>
        )}
        <Why summary="What is drift?" testId="why-drift">
          <p>A model learns from one sample of the world. When the data it sees in production moves away from that sample (a sensor recalibrated, a new customer group, a changed upstream unit), its answers get worse without any error appearing.</p>
          <p>For each input feature the server compares the share of recent values in each bin of the reference with the reference's own shares: the population stability index (PSI). Under 0.1 is stable, 0.1 to 0.2 is a moderate shift, above 0.2 is significant.</p>
        </Why>
      </Card>
    </div>
  );
}

function fmt(v: number | null): string {
  return v === null ? '—' : String(Math.round(v * 1000) / 1000);
}

import { useEffect, useState } from 'react';
import { Card } from '../../components/Card';
import { ErrorBanner } from '../../components/ErrorBanner';
import type { Thresholds, ThresholdSave } from './use-monitor-spec';

interface Field { key: keyof Thresholds; label: string; unit: string; help: string; scale: number; min: number; max: number; optional?: boolean }

const FIELDS: Field[] = [
  { key: 'driftThreshold', label: 'Drift (PSI) above', unit: '', help: '0.1 notices moderate shifts, 0.2 (usual) significant ones.', scale: 1, min: 0.001, max: 100 },
  { key: 'errorRate', label: 'Server errors above', unit: '%', help: 'Share of answers with a 5xx status.', scale: 100, min: 0, max: 100 },
  { key: 'latencyP99Ms', label: 'p99 latency above', unit: 'ms', help: 'Your latency target (SLO) for 99 in 100 requests.', scale: 1, min: 0.001, max: 3_600_000 },
  { key: 'minAccuracy', label: 'Accuracy below', unit: '%', help: 'Only with feedback; leave empty for none.', scale: 100, min: 0, max: 100, optional: true },
];

/** The thresholds that raise the alert banner here and fire the exported Prometheus rules; kept in modeldock.yaml. */
export function ThresholdsCard({ thresholds, onChange, save, specPath }: { thresholds: Thresholds; onChange: (t: Thresholds) => void; save: ThresholdSave; specPath: string | null }) {
  return (
    <Card title="Alert thresholds" subtitle="When a reading crosses one, the banner above turns on; the exported Prometheus alert rules use the same numbers." testId="monitor-thresholds">
      <div className="monitor-threshold-grid">
        {FIELDS.map((f) => <ThresholdField key={f.key} field={f} value={thresholds[f.key]} onChange={(v) => onChange({ ...thresholds, [f.key]: v })} />)}
      </div>
      <p className="muted small" data-testid="threshold-save" data-state={save.kind}>
        {save.kind === 'saving' || save.kind === 'pending' ? 'Saving…'
          : save.kind === 'saved' ? <>Saved in <span className="mono">{specPath ?? 'modeldock.yaml'}</span> (monitoring:)</>
            : save.kind === 'blocked' ? save.reason
              : save.kind === 'idle' ? <>Kept in the <span className="mono">monitoring:</span> section of modeldock.yaml.</> : null}
      </p>
      {save.kind === 'error' && <ErrorBanner error={save.error} testId="threshold-error" />}
    </Card>
  );
}

function ThresholdField({ field, value, onChange }: { field: Field; value: number | null; onChange: (v: number | null) => void }) {
  const shown = (v: number | null) => (v === null ? '' : String(Math.round(v * field.scale * 1000) / 1000));
  const [text, setText] = useState(shown(value));
  useEffect(() => { setText(shown(value)); }, [value]); // eslint-disable-line react-hooks/exhaustive-deps
  const parsed = text.trim() === '' ? null : Number(text);
  const problem = parsed === null
    ? (field.optional ? null : 'Needed')
    : !Number.isFinite(parsed) || parsed < field.min || parsed > field.max ? `Between ${field.min} and ${field.max}` : null;
  const id = `threshold-${field.key}`;
  return (
    <div className="monitor-threshold">
      <label className="setting-label" htmlFor={id}>{field.label}</label>
      <div className="monitor-threshold-input">
        <input id={id} className="input input-number" inputMode="decimal" value={text} data-testid={id}
          onChange={(e) => {
            setText(e.target.value);
            const t = e.target.value.trim();
            const n = t === '' ? null : Number(t);
            if (n === null ? field.optional : Number.isFinite(n) && n >= field.min && n <= field.max) onChange(n === null ? null : n / field.scale);
          }} />
        {field.unit && <span className="stat-unit">{field.unit}</span>}
      </div>
      <span className={`small ${problem ? 'field-problem' : 'muted'}`}>{problem ?? field.help}</span>
    </div>
  );
}

import { useState } from 'react';
import type { MonitorTarget } from '../../shared/schemas/monitor-live';
import { Card } from '../components/Card';
import { ErrorBanner } from '../components/ErrorBanner';
import { usePrimaryAction } from '../state/primary-action';
import { useWorkbench } from '../state/workbench';
import { AlertBanner } from './monitor/AlertBanner';
import { ExportRulesCard } from './monitor/ExportRulesCard';
import { LiveMetrics } from './monitor/LiveMetrics';
import { ModelMetrics } from './monitor/ModelMetrics';
import { ProfileCard } from './monitor/ProfileCard';
import { TargetCard } from './monitor/TargetCard';
import { ThresholdsCard } from './monitor/ThresholdsCard';
import { useMonitorSnapshot } from './monitor/use-monitor-snapshot';
import { toRequestThresholds, useMonitorSpec } from './monitor/use-monitor-spec';
import './run/run.css';
import './monitor/monitor.css';

/**
 * Monitor step: a running copy of the model watched live at three levels (system: CPU, memory; application:
 * requests, errors, latency; model: predictions, drift, accuracy), with the user's thresholds raising an alert,
 * the reference profile drift is measured against, and the files for Prometheus and Grafana.
 */
export function MonitorScreen() {
  const { model, spec, setStep } = useWorkbench();
  usePrimaryAction(null);
  if (!model || model.format !== 'onnx') {
    return (
      <div className="screen narrow" data-testid="monitor-empty">
        <Card title="Monitor a served model" subtitle="Open an ONNX model first, then serve it in the Run step.">
          <button type="button" className="button button-primary" onClick={() => setStep(model ? 'run' : 'model')} data-testid="monitor-go">{model ? 'Go to Run' : 'Open a model'}</button>
        </Card>
      </div>
    );
  }
  return <Monitor key={model.path} modelPath={model.path} modelName={spec?.spec?.model.name ?? null} />;
}

function Monitor({ modelPath, modelName }: { modelPath: string; modelName: string | null }) {
  const [target, setTarget] = useState<MonitorTarget | null>(null);
  const { thresholds, setThresholds, save, doc, flush } = useMonitorSpec(modelPath);
  const { snapshot, error } = useMonitorSnapshot(target, toRequestThresholds(thresholds));
  const latest = snapshot?.latest ?? null;
  const history = snapshot?.history ?? [];
  const stale = !!snapshot && snapshot.state !== 'live';
  const name = modelName ?? doc?.spec?.model.name ?? modelPath.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  return (
    <div className="screen monitor-screen" data-testid="monitor-screen">
      <AlertBanner alerts={snapshot?.alerts ?? []} />
      <TargetCard modelPath={modelPath} modelName={name} target={target} onTarget={setTarget} snapshot={snapshot} />
      {error && <ErrorBanner error={error} testId="monitor-error" />}
      <h2 className="monitor-level">System and application</h2>
      <LiveMetrics latest={latest} history={history} thresholds={thresholds} stale={stale} />
      <h2 className="monitor-level">Model</h2>
      <ModelMetrics latest={latest} history={history} driftThreshold={thresholds.driftThreshold} />
      <div className="monitor-two">
        <ThresholdsCard thresholds={thresholds} onChange={setThresholds} save={save} specPath={doc?.specPath ?? null} />
        <ProfileCard modelPath={modelPath} />
      </div>
      <ExportRulesCard modelPath={modelPath} beforeExport={flush} />
    </div>
  );
}

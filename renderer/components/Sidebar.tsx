import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { ConnectionState } from '../api/web-transport';
import { stepStatus, useWorkbench, type StepId } from '../state/workbench';
import { STATUS_TEXT, StatusDot } from './StatusDot';

export const STEPS: { id: StepId; label: string; blurb: string; later?: boolean }[] = [
  { id: 'model', label: 'Model', blurb: 'Open, inspect, validate' },
  { id: 'test', label: 'Test', blurb: 'Predict, benchmark' },
  { id: 'package', label: 'Package', blurb: 'Docker image, versions' },
  { id: 'run', label: 'Run', blurb: 'Locally or in Docker' },
  { id: 'deploy', label: 'Deploy', blurb: 'Kubernetes manifests, export' },
  { id: 'monitor', label: 'Monitor', blurb: 'Metrics, drift, alerts' },
];

/** The deployment pipeline as navigation: one button per step, with its status for the open model. */
export function Sidebar() {
  const wb = useWorkbench();
  return (
    <nav className="sidebar" aria-label="Deployment pipeline">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">◆</span>
        <span className="brand-name">ModelDock</span>
      </div>
      <ol className="step-list">
        {STEPS.map((step, index) => {
          const status = stepStatus(step.id, wb);
          const current = wb.step === step.id;
          return (
            <li key={step.id}>
              <button
                type="button"
                className={`step ${current ? 'step-current' : ''} ${step.later ? 'step-later' : ''}`}
                aria-current={current ? 'step' : undefined}
                onClick={() => wb.setStep(step.id)}
                data-testid={`step-${step.id}`}
                data-status={status}
              >
                <span className="step-index" aria-hidden="true">{index + 1}</span>
                <span className="step-text">
                  <span className="step-label">{step.label}</span>
                  <span className="step-blurb">{step.later ? 'Coming later' : step.blurb}</span>
                </span>
                <StatusDot status={status} testId={`step-dot-${step.id}`} />
                <span className="visually-hidden">, {STATUS_TEXT[status]}</span>
              </button>
            </li>
          );
        })}
      </ol>
      <ConnectionNote />
    </nav>
  );
}


function ConnectionNote() {
  const [state, setState] = useState<ConnectionState>('open');
  useEffect(() => (api.transportKind === 'web' ? api.onConnection(setState) : undefined), []);
  if (state === 'open') return <div className="sidebar-foot">{api.transportKind === 'web' ? 'Web mode · local engine' : 'Desktop'}</div>;
  return (
    <div className="sidebar-foot connection-lost" role="status" data-testid="connection-state">
      {state === 'lost' ? 'Engine unreachable, reconnecting…' : 'Connecting to the engine…'}
    </div>
  );
}

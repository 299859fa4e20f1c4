import { useState, type ReactNode } from 'react';
import type { ModelReport } from '../../shared/schemas/model';
import { Card } from '../components/Card';
import { usePrimaryAction } from '../state/primary-action';
import { useWorkbench } from '../state/workbench';
import { DockerRun } from './run/DockerRun';
import { LogPanel } from './run/LogPanel';
import { MetricsCards } from './run/MetricsCards';
import { runMode, setRunMode, type RunMode } from './run/run-choice';
import { ServerCard } from './run/ServerCard';
import { TryPanel } from './run/TryPanel';
import { useLocalServer } from './run/use-local-server';
import './run/run.css';

/**
 * Run step: serve the open ONNX model on this computer (no Docker needed) or run its image in a Docker container;
 * either way watch its log and numbers, and try it in every protocol.
 */
export function RunScreen() {
  const { model, setStep } = useWorkbench();
  const [mode, setMode] = useState<RunMode>(runMode);
  if (!model || model.format !== 'onnx' || !model.onnx) return <NoModel hasModel={!!model} onOpen={() => setStep('model')} />;
  const choose = (next: RunMode) => {
    setRunMode(next);
    setMode(next);
  };
  const switcher = <ModeSwitch mode={mode} onChange={choose} />;
  return mode === 'docker'
    ? <Screen switcher={switcher}><DockerRun key={model.path} model={model} /></Screen>
    : <ServeLocally key={model.path} model={model} switcher={switcher} />;
}

function Screen({ switcher, children }: { switcher: ReactNode; children: ReactNode }) {
  return (
    <div className="screen" data-testid="run-screen">
      {switcher}
      {children}
    </div>
  );
}

function ModeSwitch({ mode, onChange }: { mode: RunMode; onChange: (mode: RunMode) => void }) {
  return (
    <div className="run-mode">
      <div className="segmented" role="radiogroup" aria-label="Where to run the model">
        <button type="button" role="radio" aria-checked={mode === 'local'} className="segment" onClick={() => onChange('local')} data-testid="run-mode-local">On this computer</button>
        <button type="button" role="radio" aria-checked={mode === 'docker'} className="segment" onClick={() => onChange('docker')} data-testid="run-mode-docker">In a Docker container</button>
      </div>
      <span className="muted run-mode-help">
        {mode === 'local'
          ? 'Quick: ModelDock\'s server as a process on this machine, no Docker needed.'
          : 'Exact: the image you built, as a server would run it, with CPU and memory limits.'}
      </span>
    </div>
  );
}

function ServeLocally({ model, switcher }: { model: ModelReport; switcher: ReactNode }) {
  const server = useLocalServer(model.path);
  const [port, setPort] = useState('');
  const portNumber = port === '' ? undefined : Number(port);
  const portProblem = portNumber === undefined || (Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535)
    ? null : 'A port is a whole number from 1 to 65535 (or leave it empty).';
  const state = server.status?.state;
  const running = state === 'ready' || state === 'starting';
  const busy = server.starting || server.stopping || server.loading;

  usePrimaryAction(running && !server.starting ? {
    label: server.stopping ? 'Stopping…' : 'Stop server',
    run: () => void server.stop(),
    busy: server.stopping,
    testId: 'serve-stop',
  } : {
    label: server.starting ? 'Starting…' : 'Start server',
    run: () => void server.start(portNumber),
    busy,
    disabled: !!portProblem,
    hint: portProblem ? 'Fix the port first' : undefined,
    testId: 'serve-start',
  });

  const live = state === 'ready' || state === 'starting' || state === 'stopping' || server.starting;
  return (
    <Screen switcher={switcher}>
      <ServerCard server={server} port={port} onPortChange={setPort} portProblem={portProblem} />
      <MetricsCards modelPath={model.path} live={state === 'ready'} />
      <div className="run-columns">
        <TryPanel modelPath={model.path} serverUrl={state === 'ready' ? server.status?.url ?? null : null} ready={state === 'ready' && !server.stopping} />
        <LogPanel modelPath={model.path} live={live} />
      </div>
    </Screen>
  );
}

function NoModel({ hasModel, onOpen }: { hasModel: boolean; onOpen: () => void }) {
  usePrimaryAction({ label: 'Open a model', run: onOpen, testId: 'goto-model' });
  return (
    <div className="screen narrow">
      <Card title="Run: serve your model on this machine" testId="run-empty">
        <p className="lead">
          {hasModel
            ? 'The open file is not an ONNX model. Convert it to ONNX (the Model step shows how), then open the .onnx file to serve it here.'
            : 'Open an ONNX model in the Model step; then start it here as a local prediction server, watch its log and metrics, and send it requests the way real clients will.'}
        </p>
        <ul className="plain-list">
          <li>Start and stop the server with one button; it listens on this computer only.</li>
          <li>Try it in the lesson's /predict format, TF Serving / KServe V1 and the V2 protocol, with the curl command for each.</li>
          <li>Or run the Docker image you built in the Package step, with CPU and memory limits, and load-test it.</li>
        </ul>
      </Card>
    </div>
  );
}

import { useState } from 'react';
import type { ModelReport } from '../../shared/schemas/model';
import { Card } from '../components/Card';
import { usePrimaryAction } from '../state/primary-action';
import { useWorkbench } from '../state/workbench';
import { LogPanel } from './run/LogPanel';
import { MetricsCards } from './run/MetricsCards';
import { ServerCard } from './run/ServerCard';
import { TryPanel } from './run/TryPanel';
import { useLocalServer } from './run/use-local-server';
import './run/run.css';

/** Run step: serve the open ONNX model locally, watch its log and metrics, and try it in every protocol. */
export function RunScreen() {
  const { model, setStep } = useWorkbench();
  if (!model || model.format !== 'onnx' || !model.onnx) return <NoModel hasModel={!!model} onOpen={() => setStep('model')} />;
  return <ServeLocally key={model.path} model={model} />;
}

function ServeLocally({ model }: { model: ModelReport }) {
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
    <div className="screen" data-testid="run-screen">
      <ServerCard server={server} port={port} onPortChange={setPort} portProblem={portProblem} />
      <MetricsCards modelPath={model.path} live={state === 'ready'} />
      <div className="run-columns">
        <TryPanel modelPath={model.path} serverUrl={state === 'ready' ? server.status?.url ?? null : null} ready={state === 'ready' && !server.stopping} />
        <LogPanel modelPath={model.path} live={live} />
      </div>
    </div>
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
          <li>Running it in a Docker container comes with packaging in a later release.</li>
        </ul>
      </Card>
    </div>
  );
}

import { useState } from 'react';
import { Card } from '../components/Card';
import { usePrimaryAction } from '../state/primary-action';
import { useWorkbench } from '../state/workbench';
import { BenchPanel } from './test/BenchPanel';
import { PredictPanel } from './test/PredictPanel';

type Tab = 'predict' | 'bench';

/** Test step: predictions on the user's own inputs, and a latency/throughput benchmark. */
export function TestScreen() {
  const { model, setStep } = useWorkbench();
  const [tab, setTab] = useState<Tab>('predict');

  if (!model || model.format !== 'onnx' || !model.onnx) {
    return <NoModel hasModel={!!model} onOpen={() => setStep('model')} />;
  }
  return (
    <div className="screen" data-testid="test-screen">
      <div className="tabs" role="tablist" aria-label="Test">
        <button type="button" role="tab" id="tab-predict" aria-selected={tab === 'predict'} aria-controls="panel-predict" className="tab" onClick={() => setTab('predict')} data-testid="tab-predict">Predict</button>
        <button type="button" role="tab" id="tab-bench" aria-selected={tab === 'bench'} aria-controls="panel-bench" className="tab" onClick={() => setTab('bench')} data-testid="tab-bench">Benchmark</button>
      </div>
      {/* Both panels stay mounted so switching tabs keeps what the user typed and the last results. */}
      <div role="tabpanel" id="panel-predict" aria-labelledby="tab-predict" hidden={tab !== 'predict'}>
        <PredictPanel key={model.path} model={model} summary={model.onnx} active={tab === 'predict'} />
      </div>
      <div role="tabpanel" id="panel-bench" aria-labelledby="tab-bench" hidden={tab !== 'bench'}>
        <BenchPanel key={model.path} summary={model.onnx} modelPath={model.path} active={tab === 'bench'} />
      </div>
    </div>
  );
}

function NoModel({ hasModel, onOpen }: { hasModel: boolean; onOpen: () => void }) {
  usePrimaryAction({ label: 'Open a model', run: onOpen, testId: 'goto-model' });
  return (
    <div className="screen narrow" data-testid="test-empty">
      <Card title="Nothing to test yet">
        <p className="lead">
          {hasModel
            ? 'The open file is not an ONNX model. Convert it to ONNX (the Model step shows how), then open the .onnx file to try predictions.'
            : 'Open an ONNX model in the Model step; then try predictions on your own data here and measure how fast it answers.'}
        </p>
      </Card>
    </div>
  );
}

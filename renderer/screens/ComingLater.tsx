import { Card } from '../components/Card';
import { usePrimaryAction } from '../state/primary-action';
import type { StepId } from '../state/workbench';

const LATER: Record<'monitor', { title: string; what: string; points: string[] }> = {
  monitor: {
    title: 'Monitor: know how it behaves in production',
    what: 'This step will show how your served model is doing: requests per second, latency and errors at the system level, and whether the inputs it sees drift away from the data it was trained on.',
    points: [
      'Live latency and throughput charts with targets.',
      'Error rates and resource use per instance.',
      'Input drift against a reference sample.',
    ],
  },
};

/** Later steps are calm previews of what they will do, never broken screens. */
export function ComingLater({ step }: { step: Exclude<StepId, 'model' | 'test' | 'run' | 'package' | 'deploy'> }) {
  usePrimaryAction(null);
  const text = LATER[step];
  return (
    <div className="screen narrow" data-testid={`coming-later-${step}`}>
      <Card title={text.title} subtitle="Coming in a later release">
        <p className="lead">{text.what}</p>
        <ul className="plain-list">
          {text.points.map((point) => <li key={point}>{point}</li>)}
        </ul>
        <p className="muted">For now, open a model in <strong>Model</strong>, check it, and try predictions and a benchmark in <strong>Test</strong>: a model that passes there is ready for packaging.</p>
      </Card>
    </div>
  );
}

import { Card } from '../components/Card';
import { usePrimaryAction } from '../state/primary-action';
import type { StepId } from '../state/workbench';

const LATER: Record<'deploy' | 'monitor', { title: string; what: string; points: string[] }> = {
  deploy: {
    title: 'Deploy: serve it from a Kubernetes cluster',
    what: 'This step will turn your image into a deployment on Kubernetes, the system that keeps several instances of your model running, replaces any that crash, and adds more when traffic grows.',
    points: [
      'Choose how many instances (pods) and how much CPU and memory each gets.',
      'Scale out automatically under load (Horizontal Pod Autoscaler).',
      'Or export a bundle of files to hand to your platform team.',
    ],
  },
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
export function ComingLater({ step }: { step: Exclude<StepId, 'model' | 'test' | 'run' | 'package'> }) {
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

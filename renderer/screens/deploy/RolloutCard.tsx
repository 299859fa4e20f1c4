import type { RolloutSteps } from '../../../shared/schemas/kubernetes';
import type { KubernetesSettings, RolloutStrategy } from '../../../shared/schemas/kubernetes-settings';
import { Card } from '../../components/Card';
import { CodeBlock } from '../../components/CodeBlock';
import { Why } from '../../components/Why';
import type { SettingProblems } from './deploy-settings';
import { NumberField, Segmented, SettingRow, TextField } from './fields';

interface RolloutCardProps {
  settings: KubernetesSettings;
  problems: SettingProblems;
  set: (path: string, value: unknown) => void;
}

const STRATEGY_HELP: Record<RolloutStrategy, string> = {
  rolling: 'Pods are replaced a few at a time; old and new versions serve side by side for a minute.',
  'blue-green': 'A full second copy starts next to the running one; traffic switches to it at once, and back as fast.',
  canary: 'The new version gets a small share of the requests first; promote it when its numbers look right.',
};

/** "25%" stays a percentage; "1" becomes the number 1, as Kubernetes writes maxSurge. */
function intOrPercent(text: string): string | number {
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** How a new version replaces the running one, with the parameters of the chosen strategy. */
export function RolloutCard({ settings, problems, set }: RolloutCardProps) {
  const r = settings.rollout;
  return (
    <Card title="Rollout strategy" subtitle="How a new version replaces the one in production." testId="deploy-rollout">
      <div className="settings settings-aligned">
        <SettingRow label="Strategy" testId="strategy" help={STRATEGY_HELP[r.strategy]}>
          <Segmented label="Rollout strategy" value={r.strategy} testIdPrefix="strategy" onChange={(v) => set('rollout.strategy', v)}
            options={[{ value: 'rolling', label: 'Rolling' }, { value: 'blue-green', label: 'Blue-green' }, { value: 'canary', label: 'Canary' }]} />
        </SettingRow>
        {r.strategy === 'rolling' && (
          <SettingRow label="Extra / missing pods" htmlFor="max-surge" testId="rolling" problem={problems['rollout.rolling.maxSurge'] ?? problems['rollout.rolling.maxUnavailable']}
            help="During an update: how many pods above the wanted count may start, and how many may be missing (0: capacity never drops).">
            <span className="range-row">
              <TextField id="max-surge" value={String(r.rolling.maxSurge)} onChange={(t) => set('rollout.rolling.maxSurge', intOrPercent(t))} wide={false} />
              <TextField id="max-unavailable" value={String(r.rolling.maxUnavailable)} onChange={(t) => set('rollout.rolling.maxUnavailable', intOrPercent(t))} wide={false} />
            </span>
          </SettingRow>
        )}
        {r.strategy === 'blue-green' && (
          <>
            <SettingRow label="Live colour" testId="active-color" help="The copy serving traffic now. The new version is deployed to the other colour and checked before the switch.">
              <Segmented label="Live colour" value={r.blueGreen.activeColor} testIdPrefix="active-color" onChange={(v) => set('rollout.blueGreen.activeColor', v)}
                options={[{ value: 'blue', label: 'Blue' }, { value: 'green', label: 'Green' }]} />
            </SettingRow>
            <SettingRow label="Image live now" htmlFor="previous-image" testId="previous-image" problem={problems['rollout.blueGreen.previousImage']}
              help="The image the live colour runs today, so it keeps running it. Empty on a first deploy: both colours run this version.">
              <TextField id="previous-image" value={r.blueGreen.previousImage ?? ''} placeholder="registry.example.com/team/model:2"
                onChange={(t) => set('rollout.blueGreen.previousImage', t || undefined)} />
            </SettingRow>
          </>
        )}
        {r.strategy === 'canary' && (
          <>
            <SettingRow label="First share" htmlFor="canary-percent" testId="canary-percent" problem={problems['rollout.canary.percent']}
              help="The part of the requests the new version answers before you promote it.">
              <NumberField id="canary-percent" label="First share" value={r.canary.percent} min={1} max={50} integer unit="%" onChange={(n) => set('rollout.canary.percent', n)} />
            </SettingRow>
            <SettingRow label="Split by" testId="canary-method" problem={problems['rollout.canary.method']}
              help={r.canary.method === 'replicas'
                ? 'The share follows the number of pods: works on any cluster, but only roughly (1 canary pod next to 2 stable ones is 33%).'
                : 'An exact weight set on an NGINX Ingress (needs the Ingress above turned on).'}>
              <Segmented label="Split by" value={r.canary.method} testIdPrefix="canary-method" onChange={(v) => set('rollout.canary.method', v)}
                options={[{ value: 'replicas', label: 'Pod count' }, { value: 'ingress-weight', label: 'Ingress weight' }]} />
            </SettingRow>
            <SettingRow label="Image live now" htmlFor="stable-image" testId="stable-image" problem={problems['rollout.canary.stableImage']}
              help="The image the stable pods run today. Empty on a first deploy: stable and canary pods both run this version.">
              <TextField id="stable-image" value={r.canary.stableImage ?? ''} placeholder="registry.example.com/team/model:2"
                onChange={(t) => set('rollout.canary.stableImage', t || undefined)} />
            </SettingRow>
          </>
        )}
      </div>
      <Why testId="why-rollout">
        <p>Replacing a model in production is the riskiest moment of its life: the new version may be slower, use more memory, or simply predict worse on real traffic.</p>
        <p>Rolling is the default and needs nothing extra. Blue-green runs two full copies for a while (double the pods) but switches, and switches back, instantly. Canary exposes only a few requests to the new version, so a bad model hurts few users while you compare its errors and latency with the stable one.</p>
      </Why>
    </Card>
  );
}

/** The commands to deploy, promote and roll back, in order, as the manifests' ROLLOUT.md writes them. */
export function RolloutStepsCard({ steps }: { steps: RolloutSteps | null }) {
  return (
    <Card title="Deploy, promote, roll back" subtitle="The commands your platform team (or you) run, in order, from the exported folder." testId="deploy-rollout-steps">
      {!steps && <p className="muted">The steps appear with the manifests.</p>}
      {steps && (
        <div className="rollout-steps">
          <StepBlock title="1. Deploy" lines={steps.deploy} testId="rollout-deploy" />
          <StepBlock title="2. Promote" lines={steps.promote} testId="rollout-promote" />
          <StepBlock title="Roll back" lines={steps.rollback} testId="rollout-rollback" />
        </div>
      )}
    </Card>
  );
}

function StepBlock({ title, lines, testId }: { title: string; lines: string[]; testId: string }) {
  return (
    <div className="rollout-step">
      <h3 className="group-title">{title}</h3>
      {lines.length === 0 ? <p className="muted">Nothing to do.</p> : <CodeBlock code={lines.join('\n')} language="shell" testId={testId} />}
    </div>
  );
}

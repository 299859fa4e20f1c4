import type { KubernetesSettings } from '../../../shared/schemas/kubernetes-settings';
import { Card } from '../../components/Card';
import { Why } from '../../components/Why';
import type { SettingProblems } from './deploy-settings';
import { NumberField, Segmented, SettingRow } from './fields';

interface CardProps {
  settings: KubernetesSettings;
  problems: SettingProblems;
  set: (path: string, value: unknown) => void;
}

/** How many copies of the model run: a fixed number, or a range the autoscaler moves within. */
export function ScalingCard({ settings, problems, set }: CardProps) {
  const a = settings.autoscaling;
  return (
    <Card title="Replicas and autoscaling" subtitle="How many copies (pods) of the model run at once." testId="deploy-scaling">
      <div className="settings settings-aligned">
        <SettingRow label="Scaling" testId="autoscaling" help={a.enabled
          ? 'Kubernetes adds pods when they get busy and removes them when load drops.'
          : 'Always the same number of pods, busy or idle.'}>
          <Segmented label="Scaling" value={a.enabled ? 'auto' : 'fixed'} testIdPrefix="autoscaling"
            options={[{ value: 'auto', label: 'Automatic' }, { value: 'fixed', label: 'Fixed' }]}
            onChange={(v) => set('autoscaling.enabled', v === 'auto')} />
        </SettingRow>
        {!a.enabled && (
          <SettingRow label="Pods" htmlFor="replicas" testId="replicas" problem={problems.replicas}
            help="2 or more keeps the model answering while one pod restarts or its machine is serviced.">
            <NumberField id="replicas" label="Pods" value={settings.replicas} min={1} max={1000} integer onChange={(n) => set('replicas', n)} />
          </SettingRow>
        )}
        {a.enabled && (
          <>
            <SettingRow label="Pods" htmlFor="min-replicas" testId="replica-range" problem={problems['autoscaling.maxReplicas'] ?? problems['autoscaling.minReplicas']}
              help="The fewest pods even at night, and the most under a traffic peak (a cost ceiling).">
              <span className="range-row">
                <NumberField id="min-replicas" label="Minimum" value={a.minReplicas} min={1} max={1000} integer onChange={(n) => set('autoscaling.minReplicas', n)} />
                <span className="muted">to</span>
                <NumberField id="max-replicas" label="Maximum" value={a.maxReplicas} min={1} max={1000} integer onChange={(n) => set('autoscaling.maxReplicas', n)} />
              </span>
            </SettingRow>
            <SettingRow label="CPU target" htmlFor="cpu-target" testId="cpu-target" problem={problems['autoscaling.cpuTargetPercent']}
              help="Add a pod when the pods' average CPU use passes this share of what each one reserved. Lower: faster reaction, more idle pods.">
              <NumberField id="cpu-target" label="CPU target" value={a.cpuTargetPercent} min={10} max={100} integer unit="%" onChange={(n) => set('autoscaling.cpuTargetPercent', n)} />
            </SettingRow>
            <SettingRow label="Scale-down delay" htmlFor="scale-down" testId="scale-down" problem={problems['autoscaling.scaleDownStabilizationSeconds']}
              help="Wait this long after traffic drops before removing pods, so a short lull does not shrink the pool right before the next burst.">
              <NumberField id="scale-down" label="Scale-down delay" value={a.scaleDownStabilizationSeconds} min={0} max={3600} integer unit="s"
                onChange={(n) => set('autoscaling.scaleDownStabilizationSeconds', n)} />
            </SettingRow>
          </>
        )}
      </div>
      <Why testId="why-scaling">
        <p>A pod is one running copy of your image. Several pods share the requests, so one crashing or being moved never takes the model offline.</p>
        <p>With automatic scaling, a HorizontalPodAutoscaler watches the CPU the pods use. When they are busier than the target, it starts more (up to the maximum); when they are idle, it removes some (never below the minimum). The capacity planner below picks these numbers from your load test.</p>
      </Why>
    </Card>
  );
}

/** CPU and memory each pod reserves (requests) and may use at most (limits). */
export function ResourcesCard({ settings, problems, set }: CardProps) {
  const r = settings.resources;
  return (
    <Card title="Resources per pod" subtitle="The CPU and memory each pod reserves, and the most it may use." testId="deploy-resources">
      <div className="settings settings-aligned">
        <SettingRow label="CPU" htmlFor="cpu-request" testId="cpu" problem={problems['resources.limits.cpu'] ?? problems['resources.requests.cpu']}
          help="Cores: 0.5 is half a core. Reserved is guaranteed; above the limit the pod is slowed down, not stopped.">
          <span className="range-row">
            <NumberField id="cpu-request" label="CPU reserved" value={r.requests.cpu} min={0.01} max={256} step={0.1} onChange={(n) => set('resources.requests.cpu', n)} />
            <span className="muted">reserved, at most</span>
            <NumberField id="cpu-limit" label="CPU limit" value={r.limits.cpu} min={0.01} max={256} step={0.1} unit="cores" onChange={(n) => set('resources.limits.cpu', n)} />
          </span>
        </SettingRow>
        <SettingRow label="Memory" htmlFor="memory-request" testId="memory" problem={problems['resources.limits.memoryMiB'] ?? problems['resources.requests.memoryMiB']}
          help="MiB. A pod that goes above its memory limit is killed and restarted, so leave room above what the load test used.">
          <span className="range-row">
            <NumberField id="memory-request" label="Memory reserved" value={r.requests.memoryMiB} min={16} max={1048576} integer onChange={(n) => set('resources.requests.memoryMiB', n)} />
            <span className="muted">reserved, at most</span>
            <NumberField id="memory-limit" label="Memory limit" value={r.limits.memoryMiB} min={16} max={1048576} integer unit="MiB" onChange={(n) => set('resources.limits.memoryMiB', n)} />
          </span>
        </SettingRow>
      </div>
      <Why testId="why-resources">
        <p>The cluster places pods on machines by what they reserve (the requests): a pod reserving 1 core only goes where a core is free. The limits are a ceiling that protects the other programs on the same machine.</p>
        <p>CPU over the limit only makes requests slower. Memory over the limit ends the pod (an &quot;OOMKill&quot;) and Kubernetes restarts it, dropping the requests it was serving. That is why the memory limit must sit well above the peak your load test measured.</p>
      </Why>
    </Card>
  );
}

import { useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { CapacityPlan } from '../../../shared/schemas/kubernetes';
import type { KubernetesSettings } from '../../../shared/schemas/kubernetes-settings';
import { api } from '../../api/client';
import { errorInfoOf } from '../../api/api-error';
import { Card } from '../../components/Card';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Stat } from '../../components/Stat';
import { Why } from '../../components/Why';
import { coresText, msText, timeAgo } from '../../format';
import type { ImageChoice } from './deploy-settings';
import { NumberField } from './fields';

interface CapacityCardProps {
  choice: ImageChoice | null;
  settings: KubernetesSettings;
  onApply: (settings: KubernetesSettings) => void;
  onMeasure: () => void;
}

/**
 * From "how many requests, how fast" to pods, CPU, memory and the autoscaler's range, using the load test
 * measured against this image's container. Every step of the arithmetic is shown, so it can be checked.
 */
export function CapacityCard({ choice, settings, onApply, onMeasure }: CapacityCardProps) {
  const [targetRps, setTargetRps] = useState(100);
  const [p99GoalMs, setP99GoalMs] = useState(250);
  const [plan, setPlan] = useState<CapacityPlan | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [applied, setApplied] = useState(false);
  const loadTest = choice?.loadTest ?? null;
  const cpuTarget = settings.autoscaling.cpuTargetPercent;
  const callId = useRef(0);

  useEffect(() => {
    const id = ++callId.current;
    if (!loadTest) { setPlan(null); return; }
    const timer = setTimeout(async () => {
      try {
        const next = await api.call('deploy.capacity', { targetRps, p99GoalMs, loadTest, cpuTargetPercent: cpuTarget });
        if (id === callId.current) { setPlan(next); setError(null); setApplied(false); }
      } catch (e) {
        if (id === callId.current) setError(errorInfoOf(e));
      }
    }, 250);
    return () => clearTimeout(timer);
  }, [targetRps, p99GoalMs, loadTest, cpuTarget]);

  function apply() {
    if (!plan) return;
    // Onto the settings as they are now: only the sized parts change.
    onApply({ ...settings, resources: plan.resources, autoscaling: { ...settings.autoscaling, ...plan.autoscaling } });
    setApplied(true);
  }

  return (
    <Card title="Capacity planner" subtitle="Size the pods from your load test: say how much traffic and how fast, get the numbers." testId="deploy-capacity">
      {!loadTest && (
        <div className="deploy-empty" data-testid="capacity-no-load-test">
          <p>
            {choice
              ? 'This image has no load test yet. The planner needs one real measurement: run the image in a container in the Run step and press "Run load test" (10 seconds); the result is kept with the image.'
              : 'Pick an image above; the planner uses the load test measured against it.'}
          </p>
          {choice && <button type="button" className="button" onClick={onMeasure} data-testid="capacity-goto-run">Measure it in the Run step</button>}
        </div>
      )}
      {loadTest && (
        <>
          <div className="capacity-inputs">
            <label className="field field-inline" htmlFor="target-rps">
              <span className="field-label">Peak traffic</span>
              <NumberField id="target-rps" label="Peak traffic" value={targetRps} min={0.01} max={10_000_000} unit="requests/s" onChange={setTargetRps} />
            </label>
            <label className="field field-inline" htmlFor="p99-goal">
              <span className="field-label">p99 latency goal</span>
              <NumberField id="p99-goal" label="p99 goal" value={p99GoalMs} min={0.01} max={600_000} unit="ms" onChange={setP99GoalMs} />
            </label>
            <span className="muted small" data-testid="capacity-source">
              From the load test {timeAgo(loadTest.at)}: {loadTest.requestsPerSecond.toFixed(1)} req/s at {loadTest.concurrency} clients, p99 {msText(loadTest.p99Ms)}, {loadTest.cpus ? coresText(loadTest.cpus) : 'no CPU limit'}.
            </span>
          </div>
          {error && <ErrorBanner error={error} testId="capacity-error" />}
          {plan && (
            <div className="capacity-plan" data-testid="capacity-plan" data-meets-goal={plan.meetsGoal}>
              <div className="stat-grid stat-grid-5">
                <Stat label="One pod serves" value={plan.perPodRps >= 100 ? Math.round(plan.perPodRps) : plan.perPodRps} unit="req/s" testId="capacity-per-pod" />
                <Stat label="Pods for the peak" value={plan.podsForTarget} testId="capacity-pods" />
                <Stat label="Autoscaling" value={`${plan.autoscaling.minReplicas}–${plan.autoscaling.maxReplicas}`} unit="pods" testId="capacity-range" />
                <Stat label="CPU per pod" value={plan.resources.requests.cpu} unit="cores" testId="capacity-cpu" />
                <Stat label="Memory per pod" value={plan.resources.limits.memoryMiB} unit="MiB limit" testId="capacity-memory" hint={`${plan.resources.requests.memoryMiB} MiB reserved, ${plan.resources.limits.memoryMiB} MiB at most`} />
              </div>
              {!plan.meetsGoal && <p className="capacity-verdict capacity-verdict-bad" data-testid="capacity-verdict">The latency goal cannot be met by adding pods; see below.</p>}
              <ol className="capacity-lines mono" data-testid="capacity-lines">
                {plan.lines.map((line) => <li key={line}>{line}</li>)}
              </ol>
              {plan.warnings.length > 0 && (
                <ul className="capacity-warnings" data-testid="capacity-warnings">
                  {plan.warnings.map((w) => <li key={w}>{w}</li>)}
                </ul>
              )}
              <div className="capacity-actions">
                <button type="button" className="button button-primary" onClick={apply} data-testid="capacity-apply">Apply these numbers</button>
                {applied && <span className="status-text status-text-ok" data-testid="capacity-applied">Applied to the settings below.</span>}
                {!applied && <span className="muted small">Sets CPU, memory and the autoscaling range below; you can still change them.</span>}
              </div>
            </div>
          )}
        </>
      )}
      <Why testId="why-capacity">
        <p>Guessing pod sizes wastes money (too big) or drops requests (too small). The load test measured how many requests one container answers per second under its CPU limit and how long they took.</p>
        <p>The planner keeps each pod below the autoscaler&apos;s CPU target (so there is headroom while new pods start), divides your peak traffic by what one pod serves, and keeps room for bursts. Memory comes from the peak the test saw, plus a margin. Measure with a CPU limit close to what a pod will get for the firmest numbers.</p>
      </Why>
    </Card>
  );
}

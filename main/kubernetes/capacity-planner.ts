import type { CapacityPlan, CapacityRequest, KubernetesSettings } from '../../shared/schemas/kubernetes';

/** Memory is requested in steps of this, so small measurement noise does not change the manifests. */
const MEMORY_STEP_MIB = 64;
const MIN_MEMORY_MIB = 128;
/** Memory request and limit above the measured peak: batches and larger inputs than the test's. */
const MEMORY_REQUEST_FACTOR = 1.25;
const MEMORY_LIMIT_FACTOR = 1.5;
/** maxReplicas leaves room for bursts to this multiple of the target rate. */
const BURST_FACTOR = 2;
const MAX_REPLICAS = 1000;

/**
 * Sizes pods from a load test of one container: CPU as measured under, pods so the target rate is served at the
 * autoscaler's CPU target, memory above the measured peak. Every step is written out as a line, so the user can
 * follow (and challenge) the arithmetic.
 */
export function planCapacity(request: CapacityRequest): CapacityPlan {
  const { loadTest: t, targetRps, p99GoalMs, cpuTargetPercent } = request;
  const lines: string[] = [];
  const warnings: string[] = [];
  const u = cpuTargetPercent / 100;

  const limitText = t.cpus === null ? 'no CPU limit' : `a ${fmt(t.cpus)}-core CPU limit`;
  lines.push(`Load test: ${fmt(t.requestsPerSecond)} req/s at concurrency ${t.concurrency} under ${limitText}${t.peakCpuCores !== null ? `, ${fmt(t.peakCpuCores)} cores busy at peak` : ''}; p50 ${fmt(t.p50Ms)} ms, p99 ${fmt(t.p99Ms)} ms.`);

  if (t.requests > 0 && t.errors / t.requests > 0.01) {
    warnings.push(`${fmt((100 * t.errors) / t.requests)}% of the load test's requests failed: the measured rate overstates what a pod serves. Fix the errors (or lower the concurrency) and measure again.`);
  }

  // CPU a pod gets: what the test ran under, else what it used at peak.
  let podCpu: number;
  if (t.cpus !== null) {
    podCpu = t.cpus;
    lines.push(`CPU per pod: ${fmt(podCpu)} cores, the limit the load test ran under.`);
  } else if (t.peakCpuCores !== null && t.peakCpuCores > 0) {
    podCpu = Math.max(0.1, Math.ceil(t.peakCpuCores * 10) / 10);
    lines.push(`CPU per pod: the ${fmt(t.peakCpuCores)} cores the test used at peak, rounded up to ${fmt(podCpu)}.`);
    warnings.push('The load test ran without a CPU limit, so the pod size comes from the CPU it happened to use. Measure again with a CPU limit (the size you want per pod) for a firmer plan.');
  } else {
    podCpu = 1;
    lines.push('CPU per pod: 1 core (the load test recorded neither a CPU limit nor CPU use).');
    warnings.push('The load test has no CPU figures; 1 core per pod is an assumption. Measure again with a CPU limit.');
  }
  const busy = t.peakCpuCores !== null && t.peakCpuCores > 0 ? Math.min(t.peakCpuCores, t.cpus ?? Infinity) : podCpu;

  if (t.requestsPerSecond <= 0) {
    warnings.push('The load test served no requests, so nothing can be sized from it. Run it again against a ready container.');
    return finish(request, { meetsGoal: false, perPodRps: 0, podsForTarget: 0, podCpu, lines, warnings });
  }

  const cpuMsPerRequest = (busy / t.requestsPerSecond) * 1000;
  lines.push(`CPU per request: ${fmt(busy)} cores / ${fmt(t.requestsPerSecond)} req/s = ${fmt(cpuMsPerRequest)} ms of CPU.`);
  const atTarget = (t.requestsPerSecond / busy) * u * podCpu;
  let perPod = Math.min(t.requestsPerSecond, atTarget);
  lines.push(`One pod at the ${cpuTargetPercent}% CPU target: ${fmt(t.requestsPerSecond)} / ${fmt(busy)} x ${fmt(u)} x ${fmt(podCpu)} = ${fmt(atTarget)} req/s${perPod < atTarget ? `, capped at the measured ${fmt(perPod)} req/s (higher rates were not measured)` : ''}.`);

  let meetsGoal = true;
  if (t.p99Ms <= p99GoalMs) {
    lines.push(`Latency: measured p99 ${fmt(t.p99Ms)} ms <= goal ${fmt(p99GoalMs)} ms at full load, so no reduction (at the CPU target it will be lower still).`);
  } else if (t.p50Ms <= p99GoalMs) {
    const factor = p99GoalMs / t.p99Ms;
    perPod *= factor;
    lines.push(`Latency: measured p99 ${fmt(t.p99Ms)} ms > goal ${fmt(p99GoalMs)} ms, so each pod takes fewer requests: x ${fmt(factor)} (goal / p99) = ${fmt(perPod)} req/s.`);
    warnings.push(`The p99 goal of ${fmt(p99GoalMs)} ms was missed at concurrency ${t.concurrency} (p99 ${fmt(t.p99Ms)} ms); the plan spreads the load over more pods, which is an estimate. Measure again at a lower concurrency to confirm.`);
  } else {
    meetsGoal = false;
    lines.push(`Latency: even the median request took ${fmt(t.p50Ms)} ms > goal ${fmt(p99GoalMs)} ms: more pods do not make one request faster.`);
    warnings.push(`The p99 goal of ${fmt(p99GoalMs)} ms cannot be met: a typical request alone takes ${fmt(t.p50Ms)} ms. Give each pod more CPU, make the model smaller or faster, or relax the goal.`);
  }

  const exact = targetRps / perPod;
  const podsForTarget = Math.max(1, Math.ceil(exact - 1e-9));
  lines.push(`Pods for ${fmt(targetRps)} req/s: ${fmt(targetRps)} / ${fmt(perPod)} = ${fmt(exact)} -> ${podsForTarget}.`);
  return finish(request, { meetsGoal, perPodRps: perPod, podsForTarget, podCpu, lines, warnings });
}

interface PlanSoFar {
  meetsGoal: boolean;
  perPodRps: number;
  podsForTarget: number;
  podCpu: number;
  lines: string[];
  warnings: string[];
}

function finish(request: CapacityRequest, p: PlanSoFar): CapacityPlan {
  const { loadTest: t, settings } = request;
  const { lines, warnings } = p;

  let minReplicas = Math.max(2, p.podsForTarget);
  if (p.podsForTarget > 0) {
    lines.push(`minReplicas = max(2, ${p.podsForTarget}) = ${minReplicas}: the target rate is served without waiting for a scale-up (a new pod needs its cold start).`);
  }
  let maxReplicas = Math.max(minReplicas + 1, Math.ceil(p.podsForTarget * BURST_FACTOR));
  lines.push(`maxReplicas = max(${minReplicas} + 1, ${BURST_FACTOR} x ${p.podsForTarget}) = ${maxReplicas}: room for bursts up to ${BURST_FACTOR}x the target.`);
  if (maxReplicas > MAX_REPLICAS) {
    warnings.push(`The plan needs ${maxReplicas} pods, more than the ${MAX_REPLICAS} allowed; capped. Give each pod more CPU so fewer pods are needed.`);
    maxReplicas = MAX_REPLICAS;
    minReplicas = Math.min(minReplicas, MAX_REPLICAS);
  }

  let memoryRequest = settings.resources.requests.memoryMiB;
  let memoryLimit = settings.resources.limits.memoryMiB;
  if (t.peakMemoryBytes !== null && t.peakMemoryBytes > 0) {
    const peakMiB = t.peakMemoryBytes / 1024 / 1024;
    memoryRequest = roundUpMemory(peakMiB * MEMORY_REQUEST_FACTOR);
    memoryLimit = Math.max(memoryRequest, roundUpMemory(peakMiB * MEMORY_LIMIT_FACTOR));
    lines.push(`Memory: peak ${fmt(peakMiB)} MiB x ${MEMORY_REQUEST_FACTOR} -> request ${memoryRequest} MiB; x ${MEMORY_LIMIT_FACTOR} -> limit ${memoryLimit} MiB (rounded up to ${MEMORY_STEP_MIB} MiB, at least ${MIN_MEMORY_MIB}).`);
  } else {
    warnings.push(`The load test recorded no memory use; memory stays at request ${memoryRequest} MiB, limit ${memoryLimit} MiB.`);
  }
  lines.push(`CPU: request = limit = ${fmt(p.podCpu)} cores, the CPU the measurement was made with.`);

  const resources = {
    requests: { cpu: p.podCpu, memoryMiB: memoryRequest },
    limits: { cpu: p.podCpu, memoryMiB: memoryLimit },
  };
  const autoscaling = { ...settings.autoscaling, enabled: true, minReplicas, maxReplicas, cpuTargetPercent: request.cpuTargetPercent };
  const merged: KubernetesSettings = { ...settings, resources, autoscaling };
  return {
    meetsGoal: p.meetsGoal,
    perPodRps: round2(p.perPodRps),
    podsForTarget: p.podsForTarget,
    resources,
    autoscaling,
    lines,
    warnings,
    settings: merged,
  };
}

function roundUpMemory(mib: number): number {
  return Math.max(MIN_MEMORY_MIB, Math.ceil(mib / MEMORY_STEP_MIB) * MEMORY_STEP_MIB);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Numbers as a person writes them: at most 3 significant decimals, no trailing zeros. */
function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return String(Number(n.toFixed(digits)));
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planCapacity } from '../../main/kubernetes/capacity-planner';
import type { LoadTestResult } from '../../shared/schemas/docker';
import { CapacityRequestSchema, type CapacityPlan } from '../../shared/schemas/kubernetes';
import { generate } from './kubernetes-support';

const MiB = 1024 * 1024;

function loadTest(over: Partial<LoadTestResult> = {}): LoadTestResult {
  return {
    at: '2025-01-01T00:00:00Z', imageId: 'sha256:abc', reference: 'iris:3', protocol: 'lesson', concurrency: 8, durationSeconds: 10,
    cpus: 1, memoryMB: 512, requests: 12000, errors: 0, requestsPerSecond: 1200, p50Ms: 4, p90Ms: 7, p99Ms: 9.8, maxMs: 20,
    histogram: [], peakCpuCores: 0.96, peakMemoryBytes: 180 * MiB, ...over,
  };
}

function plan(over: Partial<LoadTestResult> = {}, targetRps = 5000, p99GoalMs = 50): CapacityPlan {
  return planCapacity(CapacityRequestSchema.parse({ targetRps, p99GoalMs, loadTest: loadTest(over) }));
}

describe('capacity planner arithmetic', () => {
  it('sizes pods from a load test that meets the goal', () => {
    const p = plan();
    // 1200 req/s on 0.96 busy cores -> 1250 req/s per core; x 0.7 target x 1 core = 875 req/s per pod.
    assert.equal(p.perPodRps, 875);
    assert.equal(p.podsForTarget, 6); // 5000 / 875 = 5.71
    assert.equal(p.autoscaling.minReplicas, 6);
    assert.equal(p.autoscaling.maxReplicas, 12);
    assert.equal(p.autoscaling.cpuTargetPercent, 70);
    assert.equal(p.autoscaling.enabled, true);
    assert.deepEqual(p.resources, { requests: { cpu: 1, memoryMiB: 256 }, limits: { cpu: 1, memoryMiB: 320 } }); // 180 x 1.25 = 225 -> 256; x 1.5 = 270 -> 320
    assert.equal(p.meetsGoal, true);
    assert.deepEqual(p.warnings, []);
    const text = p.lines.join('\n');
    assert.match(text, /0\.96 cores \/ 1200 req\/s = 0\.8 ms of CPU/);
    assert.match(text, /1200 \/ 0\.96 x 0\.7 x 1 = 875 req\/s/);
    assert.match(text, /5000 \/ 875 = 5\.71 -> 6/);
    assert.match(text, /minReplicas = max\(2, 6\) = 6/);
    assert.match(text, /maxReplicas = max\(6 \+ 1, 2 x 6\) = 12/);
    assert.match(text, /peak 180 MiB x 1\.25 -> request 256 MiB; x 1\.5 -> limit 320 MiB/);
    assert.equal(p.settings.resources.limits.memoryMiB, 320);
    assert.equal(p.settings.rollout.strategy, 'rolling', 'other settings kept');
  });

  it('spreads the load over more pods when p99 misses the goal but p50 does not', () => {
    const p = plan({ p99Ms: 100, p50Ms: 20 });
    assert.equal(p.perPodRps, 437.5); // 875 x 50/100
    assert.equal(p.podsForTarget, 12); // 5000 / 437.5 = 11.43
    assert.equal(p.autoscaling.maxReplicas, 24);
    assert.equal(p.meetsGoal, true);
    assert.ok(p.warnings.some((w) => /estimate/.test(w)));
    assert.match(p.lines.join('\n'), /x 0\.5 \(goal \/ p99\) = 438 req\/s/);
  });

  it('says plainly when the goal cannot be met by adding pods', () => {
    const p = plan({ p50Ms: 60, p99Ms: 120 });
    assert.equal(p.meetsGoal, false);
    assert.ok(p.warnings.some((w) => /cannot be met/.test(w) && /60 ms/.test(w)));
  });

  it('without a CPU limit sizes the pod from the peak CPU used, and warns', () => {
    const p = plan({ cpus: null, peakCpuCores: 1.234 });
    assert.equal(p.resources.requests.cpu, 1.3);
    assert.equal(p.resources.limits.cpu, 1.3);
    // 1200 / 1.234 x 0.7 x 1.3 = 884.93
    assert.equal(p.perPodRps, 884.93);
    assert.equal(p.podsForTarget, 6);
    assert.ok(p.warnings.some((w) => /without a CPU limit/.test(w)));
  });

  it('keeps at least two pods and one above the minimum for a small target', () => {
    const p = plan({}, 100);
    assert.equal(p.podsForTarget, 1);
    assert.equal(p.autoscaling.minReplicas, 2);
    assert.equal(p.autoscaling.maxReplicas, 3);
  });

  it('warns about failed requests and about a test with no requests served', () => {
    assert.ok(plan({ errors: 600 }).warnings.some((w) => /5% of the load test's requests failed/.test(w)));
    const empty = plan({ requestsPerSecond: 0, requests: 0 });
    assert.equal(empty.meetsGoal, false);
    assert.ok(empty.warnings.some((w) => /served no requests/.test(w)));
  });

  it('keeps the memory settings when the test recorded none', () => {
    const p = planCapacity(CapacityRequestSchema.parse({
      targetRps: 10, p99GoalMs: 50, loadTest: loadTest({ peakMemoryBytes: null }), settings: { resources: { requests: { memoryMiB: 300 }, limits: { memoryMiB: 600 } } },
    }));
    assert.equal(p.resources.requests.memoryMiB, 300);
    assert.equal(p.resources.limits.memoryMiB, 600);
    assert.ok(p.warnings.some((w) => /no memory use/.test(w)));
  });

  it('the plan\'s settings produce manifests that pass every required check, memory check included', () => {
    const p = plan();
    const result = generate(p.settings, { loadTest: loadTest() });
    assert.equal(result.summary.failedRequired, 0, result.checks.filter((c) => !c.passed).map((c) => c.reason).join('\n'));
    assert.equal(result.checks.find((c) => c.id === 'memory-fits-measurement')?.passed, true);
  });
});

// The pure parts of apply: the line diff, what the diff leaves out, the apply order, and the rollout verdict.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sortForApply } from '../../main/kubernetes/cluster/apply-order';
import { lineDiff } from '../../main/kubernetes/cluster/line-diff';
import { objectDiff } from '../../main/kubernetes/cluster/object-diff';
import { judgeRollout } from '../../main/kubernetes/cluster/rollout-status';

describe('apply parts', () => {
  it('lineDiff: removals before additions, context around changes, "@@" where lines are skipped', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const after = ['a', 'b', 'c', 'd', 'e', 'F', 'g', 'h', 'i', 'j', 'k'];
    assert.deepEqual(lineDiff(before, after, 1).map((l) => `${l.op[0]}${l.text}`), [
      'h@@ line 5 @@', 'ce', 'rf', 'aF', 'cg', 'h@@ line 10 @@', 'cj', 'ak',
    ]);
    assert.deepEqual(lineDiff(['x'], ['x']), []);
    assert.deepEqual(lineDiff([], ['new']).map((l) => l.op), ['add']);
  });

  it('objectDiff: server bookkeeping and status are no change; a real field is', () => {
    const desired = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ml' }, data: { a: '1' } };
    const live = {
      ...desired,
      metadata: { ...desired.metadata, uid: 'u1', resourceVersion: '5', generation: 1, creationTimestamp: '2025-01-01T00:00:00Z', managedFields: [{ manager: 'x' }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      status: { anything: true },
    };
    const planned = { ...desired, metadata: { ...desired.metadata, uid: 'u1', resourceVersion: '6', generation: 2, managedFields: [{ manager: 'modeldock' }] } };
    assert.equal(objectDiff(desired, live, planned).change, 'unchanged');
    const changed = objectDiff(desired, live, { ...planned, data: { a: '2' } });
    assert.equal(changed.change, 'changed');
    assert.deepEqual(changed.lines.filter((l) => l.op === 'add' || l.op === 'remove').map((l) => `${l.op} ${l.text.trim()}`), ["remove a: \"1\"", "add a: \"2\""]);
    assert.equal(changed.ref, 'ConfigMap/c');
    const created = objectDiff(desired, null, planned);
    assert.equal(created.change, 'new');
    assert.equal(created.lines[0].text, 'apiVersion: v1');
    assert.ok(!created.lines.some((l) => /uid|resourceVersion|managedFields|generation/.test(l.text)));
  });

  it('sortForApply: config before workloads before what points at them; stable within a kind', () => {
    const kinds = ['ServiceMonitor', 'NetworkPolicy', 'Service', 'Deployment', 'Ingress', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ConfigMap', 'ServiceAccount'];
    const objects = kinds.map((kind, i) => ({ kind, n: i }));
    objects.splice(4, 0, { kind: 'Deployment', n: 99 });
    assert.deepEqual(sortForApply(objects).map((o) => `${o.kind}${o.kind === 'Deployment' ? o.n : ''}`), [
      'ServiceAccount', 'ConfigMap', 'Deployment3', 'Deployment99', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Ingress', 'NetworkPolicy', 'ServiceMonitor',
    ]);
  });

  it('judgeRollout follows kubectl rollout status', () => {
    const d = (status: object, generation = 2, replicas = 3) => ({ metadata: { name: 'iris', generation }, spec: { replicas }, status });
    assert.match(judgeRollout(d({ observedGeneration: 1 })).message, /waiting for the cluster/);
    assert.equal(judgeRollout(d({ observedGeneration: 2, updatedReplicas: 2, replicas: 3, availableReplicas: 2 })).message, '2 of 3 new pods updated');
    assert.equal(judgeRollout(d({ observedGeneration: 2, updatedReplicas: 3, replicas: 4, availableReplicas: 3 })).message, '1 old pod still shutting down');
    assert.equal(judgeRollout(d({ observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 })).message, '2 of 3 updated pods available');
    const done = judgeRollout(d({ observedGeneration: 2, updatedReplicas: 3, replicas: 3, readyReplicas: 3, availableReplicas: 3 }));
    assert.deepEqual([done.done, done.failed, done.message], [true, false, 'rollout complete: 3 of 3 pods available']);
    const stuck = judgeRollout(d({ observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' }] }));
    assert.deepEqual([stuck.done, stuck.failed, stuck.message], [false, true, 'stopped: timed out']);
  });
});

// The thread budget follows the CPUs a container may use: cgroup v2 cpu.max or v1 CFS quota files, written here
// as the kernel writes them; and inside a real container started with --cpus=1 (tests/docker covers that path).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { availableCpus, planThreads, readCgroupQuota, readCgroupV1Quota } from '../../resources/serving/src/cpu-budget';

test('cgroup v2 and v1 quotas become whole CPUs, rounded up; "no limit" leaves the machine\'s count', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-cgroup-'));
  try {
    const v2 = path.join(dir, 'cpu.max');
    fs.writeFileSync(v2, '150000 100000\n');
    assert.equal(readCgroupQuota(v2), 2);
    fs.writeFileSync(v2, 'max 100000\n');
    assert.equal(readCgroupQuota(v2), null);

    const v1 = path.join(dir, 'v1');
    fs.mkdirSync(v1);
    fs.writeFileSync(path.join(v1, 'cpu.cfs_quota_us'), '50000\n');
    fs.writeFileSync(path.join(v1, 'cpu.cfs_period_us'), '100000\n');
    assert.equal(readCgroupV1Quota(v1), 1);
    const limited = availableCpus(path.join(dir, 'missing'), v1);
    if (os.availableParallelism() > 1) assert.deepEqual(limited, { cpus: 1, source: 'cgroup v1 cpu.cfs_quota_us' });
    fs.writeFileSync(path.join(v1, 'cpu.cfs_quota_us'), '-1\n');
    assert.equal(readCgroupV1Quota(v1), null);
    assert.equal(availableCpus(path.join(dir, 'missing'), v1).cpus, os.availableParallelism());
    assert.ok(planThreads(0, null).budget <= os.availableParallelism());
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

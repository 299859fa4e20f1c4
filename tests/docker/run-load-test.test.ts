// The load generator and the stats arithmetic against a plain local HTTP server: percentiles, the histogram,
// progress, a server that refuses everything, and docker-stats CPU/memory as `docker stats` computes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleFromStats } from '../../main/docker/container-stats';
import { latencyHistogram, percentile, runLoadTest } from '../../main/docker/load-test';
import { rejection } from '../support/rejection';

async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void>; connections: () => number }> {
  let connections = 0;
  const server = http.createServer(handler);
  server.on('connection', () => { connections++; });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
    connections: () => connections,
  };
}

test('percentiles by nearest rank; a log-spaced histogram that counts every request once', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 0.5), 50);
  assert.equal(percentile(sorted, 0.99), 99);
  assert.equal(percentile([7], 0.99), 7);
  const histogram = latencyHistogram(sorted, 10);
  assert.equal(histogram.length, 10);
  assert.equal(histogram.reduce((n, b) => n + b.count, 0), 100);
  assert.equal(histogram[histogram.length - 1].ms, 100);
  for (let i = 1; i < histogram.length; i++) assert.ok(histogram[i].ms > histogram[i - 1].ms);
  assert.deepEqual(latencyHistogram([]), []);
  assert.equal(latencyHistogram([3, 3, 3]).reduce((n, b) => n + b.count, 0), 3, 'all equal: still counted');
});

test('a load test keeps `concurrency` keep-alive connections busy and reports what it measured', async () => {
  const server = await serve((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.end('{"ok":true}'), 2));
  });
  try {
    const progress: number[] = [];
    const result = await runLoadTest(
      { url: `${server.url}/predict`, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"instances":[[1,2,3,4]]}' },
      { concurrency: 3, durationSeconds: 1, progressIntervalMs: 100, onProgress: (p) => progress.push(p.requests) },
    );
    assert.ok(result.requests > 30, `${result.requests}`);
    assert.equal(result.errors, 0);
    assert.ok(result.p50Ms >= 2 && result.p50Ms <= result.p99Ms && result.p99Ms <= result.maxMs);
    assert.ok(result.requestsPerSecond > 30);
    assert.equal(server.connections(), 3, 'one kept-alive connection per client');
    assert.ok(progress.length >= 5);
    assert.ok(progress.every((n, i) => i === 0 || n >= progress[i - 1]), 'progress only grows');
  } finally {
    await server.close();
  }
});

test('a server that refuses every request: a plain error naming the first answer, not a hang', async () => {
  const server = await serve((req, res) => { req.resume(); res.statusCode = 400; res.end('{"error":"Input \\"input\\" expects float32"}'); });
  try {
    const error = await rejection(runLoadTest({ url: server.url, method: 'POST', headers: {}, body: '{}' }, { concurrency: 2, durationSeconds: 1 }));
    assert.equal(error.code, 'load-test-failed');
    assert.match(error.message, /none answered successfully \(first: HTTP 400: .*expects float32/);
  } finally {
    await server.close();
  }
});

test('cancelling a load test ends it promptly', async () => {
  const server = await serve((req, res) => { req.resume(); res.end('ok'); });
  try {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    const started = Date.now();
    const error = await rejection(runLoadTest({ url: server.url, method: 'GET', headers: {}, body: '' }, { concurrency: 2, durationSeconds: 30, signal: abort.signal }));
    assert.equal(error.code, 'cancelled');
    assert.ok(Date.now() - started < 3000);
  } finally {
    await server.close();
  }
});

test('stats: CPU cores from the usage deltas, memory without the page cache, no limit reported as null', () => {
  const base = {
    cpu_stats: { cpu_usage: { total_usage: 3_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 4 },
    precpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 16_000_000_000 },
    networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
  };
  const limited = sampleFromStats({ ...base, memory_stats: { usage: 100 * 2 ** 20, limit: 256 * 2 ** 20, stats: { cache: 20 * 2 ** 20 } } }, 8 * 2 ** 30)!;
  assert.equal(limited.cpuCores, 1, '1 s of CPU over 4 s of 4 CPUs = one core');
  assert.equal(limited.memoryBytes, 80 * 2 ** 20);
  assert.equal(limited.memoryLimitBytes, 256 * 2 ** 20);
  assert.equal(limited.networkRxBytes, 11);
  assert.equal(limited.networkTxBytes, 22);
  const unlimited = sampleFromStats({ ...base, memory_stats: { usage: 50, limit: 8 * 2 ** 30, stats: { inactive_file: 10 } } }, 8 * 2 ** 30)!;
  assert.equal(unlimited.memoryLimitBytes, null);
  assert.equal(unlimited.memoryBytes, 40);
  const first = sampleFromStats({ cpu_stats: base.cpu_stats, precpu_stats: {}, memory_stats: { usage: 1 } }, null)!;
  assert.equal(first.cpuCores, 0, 'the first sample has no previous reading');
  assert.equal(sampleFromStats({}, null), null);
});

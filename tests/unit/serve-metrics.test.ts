import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsTracker } from '../../main/serving/metrics-summary';
import { bucketDelta, histogramBuckets, histogramQuantile, parsePrometheusText, sumOf } from '../../main/serving/prometheus-text';

/** Captured from the serving runtime's /metrics after 3 good /predict calls, 1 bad one (400) and 1 V2 infer. */
const REAL_EXPOSITION = `# HELP modeldock_requests_total HTTP requests answered, by route template, method and status code.
# TYPE modeldock_requests_total counter
modeldock_requests_total{route="/predict",method="POST",status="200"} 3
modeldock_requests_total{route="/predict",method="POST",status="400"} 1
modeldock_requests_total{route="/v2/models/{name}/infer",method="POST",status="200"} 1
# HELP modeldock_request_duration_seconds Time from request arrival to the end of the response, by route template.
# TYPE modeldock_request_duration_seconds histogram
modeldock_request_duration_seconds_bucket{route="/predict",le="0.0005"} 0
modeldock_request_duration_seconds_bucket{route="/predict",le="0.001"} 0
modeldock_request_duration_seconds_bucket{route="/predict",le="0.0025"} 3
modeldock_request_duration_seconds_bucket{route="/predict",le="0.005"} 4
modeldock_request_duration_seconds_bucket{route="/predict",le="0.01"} 4
modeldock_request_duration_seconds_bucket{route="/predict",le="30"} 4
modeldock_request_duration_seconds_bucket{route="/predict",le="+Inf"} 4
modeldock_request_duration_seconds_sum{route="/predict"} 0.010659573000000365
modeldock_request_duration_seconds_count{route="/predict"} 4
modeldock_request_duration_seconds_bucket{route="/v2/models/{name}/infer",le="0.0005"} 0
modeldock_request_duration_seconds_bucket{route="/v2/models/{name}/infer",le="0.001"} 0
modeldock_request_duration_seconds_bucket{route="/v2/models/{name}/infer",le="0.0025"} 0
modeldock_request_duration_seconds_bucket{route="/v2/models/{name}/infer",le="0.005"} 1
modeldock_request_duration_seconds_bucket{route="/v2/models/{name}/infer",le="0.01"} 1
modeldock_request_duration_seconds_bucket{route="/v2/models/{name}/infer",le="30"} 1
modeldock_request_duration_seconds_bucket{route="/v2/models/{name}/infer",le="+Inf"} 1
modeldock_request_duration_seconds_sum{route="/v2/models/{name}/infer"} 0.0049015950000002705
modeldock_request_duration_seconds_count{route="/v2/models/{name}/infer"} 1
# HELP modeldock_in_flight_requests Requests being received, computed or answered right now.
# TYPE modeldock_in_flight_requests gauge
modeldock_in_flight_requests 1
# HELP modeldock_queue_depth Requests waiting for an inference thread.
# TYPE modeldock_queue_depth gauge
modeldock_queue_depth 0
# HELP modeldock_predictions_total Predicted rows by class (classifiers only).
# TYPE modeldock_predictions_total counter
modeldock_predictions_total{class="setosa"} 3
modeldock_predictions_total{class="virginica"} 1
# HELP modeldock_model_info The model being served (value is always 1).
# TYPE modeldock_model_info gauge
modeldock_model_info{name="iris",version="1"} 1
# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 0.41
# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 98877440
`;

test('parses samples, labels, types and special values', () => {
  const exp = parsePrometheusText(`${REAL_EXPOSITION}weird{a="x \\"q\\" \\\\ y",b="line\\nbreak"} NaN 1700000000000\nneg -Inf\nbad line here\n`);
  assert.equal(exp.types.get('modeldock_request_duration_seconds'), 'histogram');
  assert.equal(exp.types.get('modeldock_requests_total'), 'counter');
  assert.equal(sumOf(exp, 'modeldock_requests_total'), 5);
  assert.equal(sumOf(exp, 'modeldock_requests_total', (l) => l.status === '400'), 1);
  const weird = exp.samples.find((s) => s.name === 'weird');
  assert.deepEqual(weird?.labels, { a: 'x "q" \\ y', b: 'line\nbreak' });
  assert.ok(Number.isNaN(weird?.value));
  assert.equal(exp.samples.find((s) => s.name === 'neg')?.value, -Infinity);
  assert.equal(exp.samples.some((s) => s.name === 'bad'), false, 'an unreadable line is skipped');
  assert.equal(sumOf(exp, 'no_such_metric'), null);
});

test('histogram quantiles interpolate inside buckets, summed across routes', () => {
  const buckets = histogramBuckets(parsePrometheusText(REAL_EXPOSITION), 'modeldock_request_duration_seconds');
  assert.equal(buckets.get(Infinity), 5);
  assert.equal(buckets.get(0.0025), 3);
  // rank 2.5 of 5 falls in (0.001, 0.0025] holding 3: 0.001 + 0.0015 * 2.5/3.
  assert.ok(Math.abs(histogramQuantile(0.5, buckets)! - 0.00225) < 1e-12);
  // rank 4.95 falls in (0.0025, 0.005] holding 2 (counts 3 -> 5).
  assert.ok(Math.abs(histogramQuantile(0.99, buckets)! - 0.0049375) < 1e-12);
  assert.equal(histogramQuantile(0.5, new Map()), null);
  assert.equal(histogramQuantile(0.5, new Map([[0.1, 0], [Infinity, 0]])), null);
  // Everything beyond the last finite bound: answer that bound, not infinity.
  assert.equal(histogramQuantile(0.99, new Map([[0.1, 0], [1, 0], [Infinity, 10]])), 1);
  // Deltas between scrapes; a counter reset uses the new counts.
  assert.deepEqual([...bucketDelta(new Map([[1, 5], [Infinity, 7]]), new Map([[1, 2], [Infinity, 3]]))], [[1, 3], [Infinity, 4]]);
  assert.deepEqual([...bucketDelta(new Map([[1, 1], [Infinity, 1]]), new Map([[1, 2], [Infinity, 3]]))], [[1, 1], [Infinity, 1]]);
});

test('the tracker summarises totals, errors, rates and recent latency, and keeps 60 samples', () => {
  const tracker = new MetricsTracker();
  const first = tracker.add(REAL_EXPOSITION, 1_000_000);
  assert.equal(first.requests, 5);
  assert.equal(first.errors, 1);
  assert.equal(first.clientErrors, 1);
  assert.equal(first.serverErrors, 0);
  assert.equal(first.requestsPerSecond, null, 'no rate from a single scrape');
  assert.equal(first.latencyScope, 'all');
  assert.ok(Math.abs(first.p50Ms! - 2.25) < 1e-9);
  assert.equal(first.inFlight, 0, 'the scrape itself is not counted as traffic');
  assert.equal(first.rssBytes, 98877440);
  assert.equal(first.cpuSeconds, 0.41);
  assert.deepEqual(first.predictions, { setosa: 3, virginica: 1 });

  // Two seconds later: 10 more /predict calls, all in the (0.01, 30] s bucket, one 500, and the app's own scrapes.
  const later = REAL_EXPOSITION
    .replace('status="200"} 3', 'status="200"} 12')
    .replace('modeldock_requests_total{route="/v2/models/{name}/infer",method="POST",status="200"} 1',
      'modeldock_requests_total{route="/v2/models/{name}/infer",method="POST",status="200"} 1\nmodeldock_requests_total{route="/predict",method="POST",status="500"} 1\nmodeldock_requests_total{route="/metrics",method="GET",status="200"} 40')
    .replace('route="/predict",le="30"} 4', 'route="/predict",le="30"} 14')
    .replace('route="/predict",le="+Inf"} 4', 'route="/predict",le="+Inf"} 14')
    .replace('process_cpu_seconds_total 0.41', 'process_cpu_seconds_total 1.41');
  const second = tracker.add(later, 1_002_000);
  assert.equal(second.requests, 15, '/metrics requests are not traffic');
  assert.equal(second.serverErrors, 1);
  assert.equal(second.errors, 2);
  assert.equal(second.requestsPerSecond, 5);
  assert.equal(second.errorsPerSecond, 0.5);
  assert.equal(second.cpuCores, 0.5);
  assert.equal(second.latencyScope, 'recent');
  // Only the 10 new calls count: rank 5 of 10 in (0.01, 30] -> 0.01 + 29.99 * 0.5 s.
  assert.ok(Math.abs(second.p50Ms! - 15_005) < 1e-6, `recent p50 ${second.p50Ms} ms`);

  for (let i = 0; i < 70; i++) tracker.add(later, 1_004_000 + i * 1000);
  assert.equal(tracker.history.length, 60);
  assert.equal(tracker.latest?.requestsPerSecond, 0);
  assert.equal(tracker.latest?.latencyScope, 'all', 'no new requests: latency over all of them');
});

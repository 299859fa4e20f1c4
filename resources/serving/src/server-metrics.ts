import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Registry, type Counter, type Gauge, type Histogram } from './metrics';

/** The metrics the runtime exposes on /metrics (names agreed with the app, which summarises them). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];

export interface ServerMetrics {
  registry: Registry;
  requests: Counter;
  requestSeconds: Histogram;
  queueSeconds: Histogram;
  inferenceSeconds: Histogram;
  batchSize: Histogram;
  inFlight: Gauge;
  queueDepth: Gauge;
  bodyWaiting: Gauge;
  imageQueueDepth: Gauge;
  rejected: Counter;
  compressedBytes: Counter;
  handedToNode: Counter;
  modelLoadSeconds: Gauge;
  predictions: Counter;
  modelInfo: Gauge;
  ready: Gauge;
  stop(): void;
}

export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  const metrics: ServerMetrics = {
    registry,
    requests: registry.counter('modeldock_requests_total', 'HTTP requests answered, by route template, method and status code.', ['route', 'method', 'status']),
    requestSeconds: registry.histogram('modeldock_request_duration_seconds', 'Time from request arrival to the end of the response, by route template.', LATENCY_BUCKETS, ['route']),
    queueSeconds: registry.histogram('modeldock_queue_duration_seconds', 'Time a validated request waited for an inference thread.', LATENCY_BUCKETS),
    inferenceSeconds: registry.histogram('modeldock_inference_duration_seconds', 'Time inside ONNX Runtime per model call (one call may serve a batch of requests).', LATENCY_BUCKETS),
    batchSize: registry.histogram('modeldock_batch_size', 'Rows per model call after dynamic batching.', BATCH_BUCKETS),
    inFlight: registry.gauge('modeldock_in_flight_requests', 'Requests being received, computed or answered right now.'),
    queueDepth: registry.gauge('modeldock_queue_depth', 'Requests waiting for an inference thread.'),
    bodyWaiting: registry.gauge('modeldock_body_waiting_requests', 'Requests whose body is left unread until the buffered-body budget (maxBufferedMB) has room.'),
    imageQueueDepth: registry.gauge('modeldock_image_queue_depth', 'Encoded images waiting for an image thread to decode them (image models only).'),
    rejected: registry.counter('modeldock_rejected_requests_total', 'Requests refused with 503 because the queue was full.'),
    compressedBytes: registry.counter('modeldock_response_compression_saved_bytes_total', 'Bytes that compressing answers (for clients sending Accept-Encoding) kept off the network.', ['coding']),
    handedToNode: registry.counter('modeldock_http_handed_to_node_total', 'Connections the fast lane gave to node:http, for framing it leaves to it (chunked bodies, Upgrade, unusual heads).'),
    modelLoadSeconds: registry.gauge('modeldock_model_load_seconds', 'Seconds ONNX Runtime took to load the model.'),
    predictions: registry.counter('modeldock_predictions_total', 'Predicted rows by class (classifiers only).', ['class']),
    modelInfo: registry.gauge('modeldock_model_info', 'The model being served (value is always 1).', ['name', 'version']),
    ready: registry.gauge('modeldock_ready', '1 when the model is loaded, warmed up and the server is not shutting down.'),
    stop: () => {},
  };

  const cpu = registry.counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.');
  const rss = registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.');
  const heap = registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use, in bytes.');
  const start = registry.gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.');
  const lag = registry.gauge('nodejs_eventloop_lag_seconds', 'Mean event loop delay since the previous scrape, in seconds.');
  start.set(Math.round((Date.now() / 1000 - process.uptime()) * 1000) / 1000);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  registry.onCollect(() => {
    const usage = process.cpuUsage();
    cpu.set((usage.user + usage.system) / 1e6);
    rss.set(process.memoryUsage.rss());
    heap.set(process.memoryUsage().heapUsed);
    lag.set(Number.isFinite(delay.mean) ? delay.mean / 1e9 : 0);
    delay.reset();
  });
  metrics.stop = () => delay.disable();
  return metrics;
}

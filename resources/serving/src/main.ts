import * as http from 'node:http';
import * as os from 'node:os';
import type { AddressInfo } from 'node:net';
import { cleanOrtMessage, explainOrtMessage } from '../../../main/inference/ort-errors';
import { copyFeeds } from '../../../main/inference/host-tensor';
import { makeSampleInputs } from '../../../main/inference/sample-inputs';
import { inspectOnnx } from '../../../main/model/onnx-inspect';
import { ConfigError, USAGE, loadStartOptions, type StartOptions } from './config';
import { NodeExchange, type HttpExchange } from './exchange';
import { FastLane } from './fast-lane';
import { calibrateBatching } from './batch-calibration';
import { planThreads } from './cpu-budget';
import { FeedbackTracker } from './feedback';
import { Logger, errorText } from './log';
import { ModelMonitor, MonitorSetupError } from './model-monitor';
import { describeModel } from './model-info';
import { ImageThreads } from './image-threads';
import { memoryLimitBytes } from './memory-limit';
import { imagePixelBudget, imageThreadCount } from '../../../main/serving/image-decode-budget';
import { Scheduler } from './scheduler';
import { outputKind } from '../../../main/monitoring/output-kind';
import { RUNTIME_VERSION, ModelServer, type ServerMonitoring } from './server';
import { createServerMetrics } from './server-metrics';
import { chooseInferencePlacement } from './inference-placement';
import { chooseSideBySide, modelFileBytes, type SideBySide } from './side-by-side';
import { ModelLoadError, WorkerPool, type InferenceRunner } from './worker-pool';

/**
 * modeldock-serve: the model server inside every ModelDock image (and behind `modeldock serve`).
 * Start: node modeldock-serve.js [--config FILE] [--model FILE] [--port N] [--host ADDR]. It binds the port first
 * (liveness answers at once), loads the model in the inference threads, runs a warm-up inference, then reports
 * ready. SIGTERM/SIGINT drain: readiness turns false, new requests get 503, in-flight ones finish, exit 0.
 * Configuration errors exit 2 with a JSON log line and one plain sentence on stderr.
 */
const EXIT_CONFIG = 2;
const log = new Logger('info');

function fail(message: string, cause?: string): never {
  log.error('config-error', { error: message, ...(cause ? { cause } : {}) });
  log.flush();
  process.stderr.write(`modeldock-serve: ${message}\n`);
  process.exit(EXIT_CONFIG);
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let options: StartOptions;
  try {
    options = loadStartOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const { config } = options;
  const settings = config.serving;
  log.setLevel(settings.logLevel);
  const plan = planThreads(settings.threads, options.workers);
  if (settings.threads > plan.cpus) {
    log.warn('threads-capped', { error: `threads=${settings.threads} is more than the ${plan.cpus} CPUs this container may use; using ${plan.cpus}.`, cause: plan.cpuSource });
  }
  const metrics = createServerMetrics();
  metrics.modelInfo.set(1, { name: config.model.name, version: config.model.version });

  const pool = new WorkerPool(WorkerPool.defaultScript(), { modelPath: config.model.path, intraOpThreads: plan.intraOpThreads }, plan.workers, log);
  // What shutdown closes: the thread pool, or the server-thread session that replaced it (tiny models).
  let runner: InferenceRunner = pool;
  let server: ModelServer | null = null;
  let images: ImageThreads | null = null;
  /** The inference runner and the image threads, released before exit. */
  const release = () => Promise.all([runner.close(), images?.close()]);
  const timeouts = { requestMs: settings.requestTimeoutMs + 1000, headersMs: Math.min(settings.requestTimeoutMs, 60000), keepAliveMs: 65000 };
  const dispatch = (exchange: HttpExchange) => {
    if (server) server.handle(exchange);
    else {
      // Liveness answers while the model loads; everything else waits for it.
      const live = exchange.url === '/healthz' || exchange.url === '/v2/health/live';
      const body = live ? JSON.stringify({ status: 'live' }) : JSON.stringify({ error: 'The model is still loading; retry shortly.' });
      exchange.send(live ? 200 : 503, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), ...(live ? {} : { 'Retry-After': '1' }) }, body);
    }
  };
  const httpServer = http.createServer({
    requestTimeout: timeouts.requestMs,
    headersTimeout: timeouts.headersMs,
    keepAliveTimeout: timeouts.keepAliveMs,
  }, (req, res) => dispatch(new NodeExchange(req, res)));
  httpServer.keepAliveTimeout = timeouts.keepAliveMs;
  const lane = options.fastLane ? FastLane.install(httpServer, timeouts, dispatch, () => metrics.handedToNode.inc()) : null;

  await new Promise<void>((resolve) => {
    httpServer.once('error', (error: NodeJS.ErrnoException) => {
      fail(error.code === 'EADDRINUSE' ? `Port ${options.port} on ${options.host} is already in use; choose another with --port or PORT.`
        : error.code === 'EACCES' ? `Port ${options.port} needs privileges; use a port above 1023.` : `Cannot listen on ${options.host}:${options.port}: ${error.message}.`);
    });
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const address = httpServer.address() as AddressInfo;
  log.lifecycle('listening', { host: options.host, port: address.port, version: RUNTIME_VERSION, config: options.source, http: lane ? 'fast lane, node:http for the rest' : 'node:http' });

  let shuttingDown = false;
  let exitCode = 0;
  const exit = (code: number) => {
    metrics.stop();
    log.flush(() => process.exit(code));
  };
  const shutdown = (signal: string) => {
    if (shuttingDown) {
      log.warn('shutdown', { signal, note: 'second signal: exiting now', inFlight: server?.active ?? 0 });
      exit(1);
      return;
    }
    shuttingDown = true;
    metrics.ready.set(0);
    const startedAt = performance.now();
    log.lifecycle('shutdown', { signal, phase: 'draining', inFlight: server?.active ?? 0, graceSeconds: settings.gracePeriodSeconds });
    if (!server) {
      void release().finally(() => exit(0));
      return;
    }
    const s = server;
    s.ready = false;
    s.draining = true;
    httpServer.closeIdleConnections();
    lane?.closeIdleConnections();
    const done = (drained: boolean) => {
      clearTimeout(grace);
      s.onIdle = () => {};
      exitCode = drained ? 0 : 1;
      log.lifecycle('shutdown', { signal, phase: 'done', drained, abandoned: s.active, ms: Math.round(performance.now() - startedAt) });
      if (!drained) {
        // An inference thread is still inside ONNX Runtime, and a normal exit would tear its environment down under
        // it (onnxruntime-node then aborts with a C++ error). End the way the orchestrator would have: SIGKILL.
        log.flush(() => process.kill(process.pid, 'SIGKILL'));
        return;
      }
      // Responses written while draining carry Connection: close, so their sockets close once flushed; wait for
      // that (briefly) rather than cutting the last answer short.
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        httpServer.closeAllConnections();
        lane?.closeAllConnections();
        void release().finally(() => exit(exitCode));
      };
      httpServer.close(finish);
      httpServer.closeIdleConnections();
      lane?.closeIdleConnections();
      setTimeout(finish, Math.max(100, settings.gracePeriodSeconds * 1000 - (performance.now() - startedAt))).unref();
    };
    const grace = setTimeout(() => done(false), settings.gracePeriodSeconds * 1000);
    if (s.active === 0) done(true);
    else s.onIdle = () => done(true);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  const loadStarted = performance.now();
  try {
    await pool.start();
  } catch (error) {
    const raw = errorText(error);
    const known = explainOrtMessage(raw);
    await pool.close();
    fail(`ONNX Runtime cannot load ${config.model.path}: ${known ? known.why : cleanOrtMessage(raw)}.`, error instanceof ModelLoadError ? cleanOrtMessage(raw) : raw);
  }
  const loadMs = performance.now() - loadStarted;
  metrics.modelLoadSeconds.set(Math.round(loadMs) / 1000);

  let labels = config.labels;
  if (!labels && options.bareModel) {
    // A bare --model has no config: class names may still sit in the model's metadata.
    labels = await inspectOnnx(config.model.path).then((s) => s.labels, () => null);
  }
  const model = describeModel(config, pool.io, labels);
  const warmStarted = performance.now();
  try {
    const sample = makeSampleInputs(model.inputs, 'sample', 1, { firstDim: 1 });
    await Promise.all(Array.from({ length: pool.threadCount }, () => pool.run(copyFeeds(sample))));
  } catch (error) {
    log.warn('warmup-failed', { error: 'The warm-up inference with sample inputs failed; serving anyway.', cause: cleanOrtMessage(errorText(error)) });
  }
  const batching = await calibrateBatching(pool, model.inputs, model.batchable, settings.maxBatchSize);
  const placement = await chooseInferencePlacement(pool, model.inputs, config.model.path, {
    batchRows: model.batchable ? batching.effective : 1,
    workersRequested: options.workers !== null,
    mode: options.inferencePlacement,
  });
  let sideBySide: SideBySide | null = null;
  if (placement.inline) {
    runner = placement.inline;
    await pool.close();
  } else {
    pool.runAhead = placement.runAhead;
    const unbatched = !model.batchable || batching.effective <= 1;
    if (options.sideBySide && options.workers === null && plan.workers === 1 && unbatched && !placement.runAhead && placement.runMs !== null) {
      sideBySide = await chooseSideBySide(pool, model.inputs, {
        budget: plan.intraOpThreads, runMs: placement.runMs, modelBytes: modelFileBytes(config.model.path),
        rssBytes: process.memoryUsage.rss(), limitBytes: memoryLimitBytes(), freeBytes: os.freemem(),
      });
    }
  }
  const warmupMs = performance.now() - warmStarted;
  if (model.imageInputs.size > 0) {
    // Sized once the model is loaded and warm, so the memory left for decoding is known.
    const threads = imageThreadCount(plan.cpus);
    const imagePixels = imagePixelBudget({
      configuredPixels: Math.round(settings.maxImageMegapixels * 1e6),
      limitBytes: memoryLimitBytes(),
      rssBytes: process.memoryUsage.rss(),
      bufferedBytes: settings.maxBufferedMB * 1024 * 1024,
      imageThreads: threads,
    });
    if (imagePixels.lowered) log.warn('image-limit-lowered', { error: imagePixels.lowered });
    images = new ImageThreads(threads, log, { maxPixels: imagePixels.maxPixels, onQueueDepth: (n) => metrics.imageQueueDepth.set(n) });
  }
  const monitoring = config.monitoring!;
  metrics.registry.gauge('modeldock_monitoring_enabled', '1 when model monitoring (input summaries, drift, feedback) is on.').set(monitoring.enabled ? 1 : 0);
  let monitor: ModelMonitor | null = null;
  const serverMonitoring: ServerMonitoring = { enabled: monitoring.enabled, feedback: null, feedbackOff: 'Feedback is off because model monitoring is off (monitoring.enabled or MODELDOCK_MONITORING).' };
  if (monitoring.enabled) {
    try {
      monitor = new ModelMonitor(model, config.inputs, monitoring, metrics.registry);
    } catch (error) {
      await release();
      if (error instanceof MonitorSetupError) fail(error.message);
      throw error;
    }
    monitor.onFault = (error) => log.error('monitoring-failed', { error: 'Model monitoring failed and is now off; serving continues.', cause: errorText(error) });
    const kind = model.primaryOutput ? outputKind(model.primaryOutput) : 'other';
    const feedbackKind = kind === 'class-ids' || kind === 'class-scores' ? 'classes' : kind === 'values' ? 'values' : null;
    if (feedbackKind && monitoring.rememberPredictions > 0) {
      serverMonitoring.feedback = new FeedbackTracker(feedbackKind, model.labels, monitoring.rememberPredictions, monitoring.feedbackWindow, metrics.registry);
    } else {
      serverMonitoring.feedbackOff = feedbackKind
        ? 'Feedback is off: monitoring.rememberPredictions is 0, so no prediction is remembered.'
        : `Feedback needs a classifier or a one-value regression; the output "${model.primaryOutput?.name ?? '(none)'}" is neither.`;
    }
  }
  const scheduler = new Scheduler(runner, {
    batchable: model.batchable,
    singleRow: model.singleRow,
    maxBatchSize: batching.effective,
    maxBatchDelayMs: settings.maxBatchDelayMs,
    maxQueue: settings.maxQueue,
  }, metrics, monitor);

  server = new ModelServer(model, scheduler, settings, metrics, log, serverMonitoring, images ?? undefined);
  server.compression = options.compression;
  if (shuttingDown) {
    exit(0);
    return;
  }
  server.ready = true;
  metrics.ready.set(1);
  log.lifecycle('ready', {
    loadMs: Math.round(loadMs),
    warmupMs: Math.round(warmupMs),
    model: model.name,
    version: model.version,
    inputs: model.inputs.map((i) => ({ name: i.name, type: i.elementType, dims: i.dims })),
    // maxBatchSize is the effective size (what the scheduler uses); configured/effective/reason say how it was chosen.
    batching: model.batchable ? { maxBatchSize: batching.effective, maxBatchDelayMs: settings.maxBatchDelayMs, ...batching } : false,
    workers: placement.inline ? 0 : plan.workers,
    ...(images ? { imageThreads: images.threadCount, maxImageMegapixels: Math.round(images.maxPixels / 1e4) / 100 } : {}),
    intraOpThreads: placement.inline ? 1 : plan.intraOpThreads,
    inference: placement.reason,
    ...(sideBySide ? { sideBySide } : {}),
    cpus: plan.cpus,
    monitoring: monitor ? { features: monitor.features.length, profile: monitoring.profile !== null, windowSize: monitoring.windowSize, feedback: serverMonitoring.feedback !== null } : false,
  });
}

process.on('uncaughtException', (error) => {
  log.error('uncaught-exception', { error: 'An unexpected error reached the top level; the server keeps running.', cause: errorText(error) });
});
process.on('unhandledRejection', (reason) => {
  log.error('unhandled-rejection', { error: 'A promise failed without a handler; the server keeps running.', cause: errorText(reason) });
});

main().catch((error: unknown) => fail(`The server could not start: ${errorText(error)}`));

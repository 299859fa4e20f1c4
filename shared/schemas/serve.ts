import { z } from 'zod';
import { ErrorInfoSchema } from '../errors';

/**
 * "Serve locally": the serving runtime (resources/serving) run by the engine as a child process on 127.0.0.1, with
 * its logs, a metrics summary scraped from its /metrics, and sample requests in each protocol it speaks.
 */

export const ServerStateSchema = z.enum(['starting', 'ready', 'stopping', 'stopped', 'failed']);
export type ServerState = z.infer<typeof ServerStateSchema>;

/**
 * How the runtime runs the model, as its "ready" line says: it measures the model at warm-up and decides where
 * batches run and whether batching pays. The reasons are the runtime's own sentences, with the measured figures.
 */
export const ServingPlanSchema = z.object({
  /** "server thread (...)" or "inference threads (...)". */
  inference: z.string(),
  onServerThread: z.boolean(),
  /** Inference threads, each with its own ONNX Runtime session (0 on the server thread). */
  workers: z.number().int(),
  /** ONNX Runtime's threads per session. */
  intraOpThreads: z.number().int(),
  /** CPUs the runtime may use (cgroup-aware). */
  cpus: z.number().int(),
  /** null: the model cannot batch (its inputs and outputs share no dynamic first axis). */
  batching: z.object({
    configured: z.number().int(),
    effective: z.number().int(),
    maxBatchDelayMs: z.number(),
    reason: z.string(),
  }).nullable(),
  /**
   * Under load, one-thread sessions side by side instead of the one session with every thread (measured at warm-up;
   * a lone request keeps the wide session). null: not considered (the model batches, runs ahead, or has one CPU).
   */
  sideBySide: z.object({
    adopted: z.boolean(),
    workers: z.number().int(),
    reason: z.string(),
  }).nullable(),
});
export type ServingPlan = z.infer<typeof ServingPlanSchema>;

export const ServerStatusSchema = z.object({
  /** Stable per model path: names the folder holding the resolved config. */
  id: z.string(),
  modelPath: z.string(),
  /** The spec the config came from; null when the model has none (defaults were used). */
  specPath: z.string().nullable(),
  /** The name in the API routes (/v1/models/{name}, /v2/models/{name}). */
  modelName: z.string(),
  modelVersion: z.string(),
  state: ServerStateSchema,
  host: z.string(),
  port: z.number().int().nullable(),
  /** http://127.0.0.1:PORT once the socket is bound. */
  url: z.string().nullable(),
  pid: z.number().int().nullable(),
  startedAt: z.string().nullable(),
  readyAt: z.string().nullable(),
  stoppedAt: z.string().nullable(),
  /** Model load and warm-up times the runtime reported with "ready". */
  loadMs: z.number().nullable(),
  warmupMs: z.number().nullable(),
  /** What the runtime decided at warm-up; null until ready (or from a runtime that does not say). */
  plan: ServingPlanSchema.nullable(),
  exitCode: z.number().int().nullable(),
  exitSignal: z.string().nullable(),
  /** Why the server failed (state "failed"), with the runtime's own error lines in `detail`. */
  error: ErrorInfoSchema.nullable(),
  configPath: z.string(),
});
export type ServerStatus = z.infer<typeof ServerStatusSchema>;

export const ServeStartRequestSchema = z.object({
  modelPath: z.string().min(1),
  specPath: z.string().min(1).optional(),
  /** 0 or absent: any free port. */
  port: z.number().int().min(0).max(65535).optional(),
  /** When a server for this model is already running: false returns it, true stops it and starts a fresh one. */
  restart: z.boolean().default(false),
}).strict();

export const ServeModelRequestSchema = z.object({ modelPath: z.string().min(1) }).strict();

export const ServeStatusRequestSchema = z.object({ modelPath: z.string().min(1).optional() }).strict();
export const ServeStatusListSchema = z.object({ servers: z.array(ServerStatusSchema) });

export const LogLevelSchema = z.enum(['debug', 'info', 'warn', 'error']);
export type LogLevel = z.infer<typeof LogLevelSchema>;

/** One line the runtime wrote, parsed when it is a JSON log line. */
export const LogLineSchema = z.object({
  /** Increases by one per line for a model path, across restarts: poll with the last one seen. */
  seq: z.number().int(),
  time: z.string(),
  level: LogLevelSchema,
  stream: z.enum(['stdout', 'stderr', 'app']),
  /** The runtime's "event" field ("request", "ready"...); null for plain text. */
  event: z.string().nullable(),
  /** A readable one-line summary (e.g. "POST /predict 200 1.2 ms"). */
  message: z.string(),
  /** The line as written (JSON text for structured lines), capped in length. */
  raw: z.string(),
});
export type LogLine = z.infer<typeof LogLineSchema>;

export const ServeLogsRequestSchema = z.object({
  modelPath: z.string().min(1),
  /** Lines with a seq greater than this; 0 (default) from the oldest kept. */
  afterSeq: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(2000).default(500),
}).strict();
export const ServeLogsResponseSchema = z.object({
  lines: z.array(LogLineSchema),
  /** Pass as afterSeq next time. */
  nextSeq: z.number().int(),
  /** Lines between afterSeq and the oldest kept that the bounded buffer already dropped. */
  dropped: z.number().int(),
});

/** One scrape of /metrics, summarised. Rates and latency quantiles cover the time since the previous scrape. */
export const MetricsSampleSchema = z.object({
  at: z.string(),
  /** Requests served since start (the app's own /metrics scrapes not counted). */
  requests: z.number(),
  /** Answers with a 4xx or 5xx status since start. */
  errors: z.number(),
  clientErrors: z.number(),
  serverErrors: z.number(),
  requestsPerSecond: z.number().nullable(),
  errorsPerSecond: z.number().nullable(),
  /** Estimated from the request-duration histogram buckets (milliseconds). */
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  /** "recent": requests since the previous scrape; "all": none arrived since, so all requests since start. */
  latencyScope: z.enum(['recent', 'all']).nullable(),
  inFlight: z.number().nullable(),
  queueDepth: z.number().nullable(),
  rssBytes: z.number().nullable(),
  cpuSeconds: z.number().nullable(),
  /** CPU use since the previous scrape, 1 = one core busy. */
  cpuCores: z.number().nullable(),
  predictions: z.record(z.string(), z.number()),
});
export type MetricsSample = z.infer<typeof MetricsSampleSchema>;

export const ServeMetricsResponseSchema = z.object({
  state: ServerStateSchema,
  latest: MetricsSampleSchema.nullable(),
  /** Oldest first, up to 60 samples, for sparklines. */
  history: z.array(MetricsSampleSchema),
  /** Why there is no fresh sample (e.g. the server is not running), in plain words. */
  note: z.string().nullable(),
});
export type ServeMetricsResponse = z.infer<typeof ServeMetricsResponseSchema>;

export const TRY_PROTOCOLS = ['lesson', 'v1', 'v2', 'v2-binary'] as const;
export const TryProtocolSchema = z.enum(TRY_PROTOCOLS);
export type TryProtocol = z.infer<typeof TryProtocolSchema>;

/**
 * A photo the Try panel sends to an image model instead of a JSON body. The renderer reads the file it was given
 * (it has no file system) and passes the bytes as base64; the engine builds each protocol's request from them.
 */
export const TryImageSchema = z.object({
  /** The model input it feeds (the example's imageInput). */
  input: z.string().min(1),
  fileName: z.string().min(1).max(255),
  base64: z.string().max(48 * 1024 * 1024).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 text'),
  /** For a model with other inputs besides the image: one row's value for each, as JSON text, by input name. */
  values: z.record(z.string(), z.string().max(1024 * 1024)).optional(),
}).strict();
export type TryImage = z.infer<typeof TryImageSchema>;

/** An input sent beside the photo (image models with other inputs): what it takes and a value to start from. */
export const TryImageOtherSchema = z.object({
  name: z.string(),
  /** e.g. "float32 [batch, 1]". */
  type: z.string(),
  /** One row's sample value, as JSON text. */
  sample: z.string(),
});
export type TryImageOther = z.infer<typeof TryImageOtherSchema>;

export const ServeExampleRequestSchema = z.object({
  modelPath: z.string().min(1),
  protocol: TryProtocolSchema,
  /** The body as the user edited it: the answer then carries the curl command for exactly that body. */
  body: z.string().max(64 * 1024 * 1024).optional(),
  /** Send this image instead of a body. */
  image: TryImageSchema.optional(),
}).strict();

/** The request a client would send, before it is sent: for prefilling the Try panel's editor. */
export const TryExampleSchema = z.object({
  protocol: TryProtocolSchema,
  method: z.string(),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  /** Editable JSON text. For v2-binary this is the V2 JSON form; the tensors are sent as raw bytes. */
  body: z.string(),
  curl: z.string(),
  /** How the body is sent, when that is not obvious from the text (v2-binary, images). */
  note: z.string().nullable(),
  /** The input a photo can be sent to instead of values: the model's one image input. */
  imageInput: z.string().nullable(),
  /** The model's other inputs, which a photo request carries values for (empty when the image is the only input). */
  imageOthers: z.array(TryImageOtherSchema),
});
export type TryExample = z.infer<typeof TryExampleSchema>;

export const ServeTryRequestSchema = z.object({
  modelPath: z.string().min(1),
  protocol: TryProtocolSchema,
  /** JSON text; absent: sample values generated from the model's inputs. */
  body: z.string().max(64 * 1024 * 1024).optional(),
  /** Send this image instead of a body. */
  image: TryImageSchema.optional(),
}).strict();

export const TryPredictionSchema = z.object({
  index: z.number().int(),
  label: z.string().nullable(),
  score: z.number().nullable(),
});

export const ServeTryResponseSchema = z.object({
  protocol: TryProtocolSchema,
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    /** The body as text; binary bytes shown as a short hex preview. */
    bodyPreview: z.string(),
    bodyBytes: z.number().int(),
  }),
  status: z.number().int(),
  statusText: z.string(),
  headers: z.record(z.string(), z.string()),
  /** Response body as text, cut at a readable size. */
  body: z.string(),
  bodyBytes: z.number().int(),
  truncated: z.boolean(),
  ms: z.number(),
  curl: z.string(),
  note: z.string().nullable(),
  /** Top class of the first row, read from the answer with the model's labels, when the output looks like scores. */
  prediction: TryPredictionSchema.nullable(),
});
export type ServeTryResponse = z.infer<typeof ServeTryResponseSchema>;

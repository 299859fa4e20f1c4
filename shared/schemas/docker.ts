import { z } from 'zod';
import { ErrorInfoSchema } from '../errors';
import { LogLineSchema, ServingPlanSchema, TryImageSchema, TryProtocolSchema } from './serve';
import { PlatformSchema } from './spec';

/**
 * Docker: the engine the user already has (DOCKER_HOST, the default socket, or a docker context), the serving
 * image built from a model, containers run from it on 127.0.0.1, load tests against them, and pushes to a
 * registry. Everything goes through dockerode; nothing here shells out to the docker CLI.
 */

/** Which engine to talk to. Absent: DOCKER_HOST, else the current docker context, else the default socket. */
export const DockerTargetSchema = z.object({
  context: z.string().min(1).max(200).optional(),
}).strict();

export const DockerEndpointSchema = z.object({
  /** "unix:///var/run/docker.sock", "tcp://host:2376", "ssh://user@host", "npipe:////./pipe/docker_engine". */
  address: z.string(),
  source: z.enum(['DOCKER_HOST', 'context', 'default']),
  /** The docker context the address came from, when it came from one. */
  context: z.string().nullable(),
});
export type DockerEndpoint = z.infer<typeof DockerEndpointSchema>;

export const DockerContextSchema = z.object({
  name: z.string(),
  address: z.string(),
  current: z.boolean(),
});

export const DockerStatusSchema = z.object({
  endpoint: DockerEndpointSchema,
  /** True when the engine answered. When false, `error` says why in plain words and what to do. */
  available: z.boolean(),
  error: ErrorInfoSchema.nullable(),
  serverVersion: z.string().nullable(),
  apiVersion: z.string().nullable(),
  /** "linux/amd64": what images built here run on without emulation. */
  platform: z.string().nullable(),
  cpus: z.number().nullable(),
  memoryBytes: z.number().nullable(),
  /** Images and containers this app made (labelled dev.modeldock.managed=true). */
  managedImages: z.number().int().nullable(),
  managedContainers: z.number().int().nullable(),
  /** The default base image and whether the engine has it locally (no pull needed). */
  defaultBase: z.string(),
  defaultBasePresent: z.boolean().nullable(),
  /** The offline base image `docker.makeBase` creates, and whether it exists already. */
  offlineBase: z.string(),
  offlineBasePresent: z.boolean().nullable(),
  contexts: z.array(DockerContextSchema),
  /** The context picked in the app (docker.useContext); null: DOCKER_HOST, the docker CLI's current context, or the default. */
  chosenContext: z.string().nullable().default(null),
});
export type DockerStatus = z.infer<typeof DockerStatusSchema>;

export const UseContextRequestSchema = z.object({
  /** A context name from DockerStatus.contexts; null goes back to the docker CLI's own choice. */
  context: z.string().min(1).max(200).nullable(),
}).strict();

export const MakeBaseRequestSchema = DockerTargetSchema.extend({
  /** Defaults to the offline base name (see DockerStatus.offlineBase). */
  tag: z.string().min(1).max(255).optional(),
  /** Recreate it even when it exists. */
  force: z.boolean().default(false),
}).strict();
export const MakeBaseResultSchema = z.object({
  reference: z.string(),
  imageId: z.string(),
  sizeBytes: z.number(),
  nodeVersion: z.string(),
  /** False when it existed already and force was not set. */
  created: z.boolean(),
});

// ---- Build ----

export const ImageBuildRequestSchema = DockerTargetSchema.extend({
  modelPath: z.string().min(1),
  /** The spec to build from; absent: modeldock.yaml beside the model, else defaults. */
  specPath: z.string().min(1).optional(),
  /** "name:tag"; absent: the spec's image settings, else "<model name>:<model version>". */
  tag: z.string().min(1).max(255).optional(),
  /** Absent: the spec's image.base, else the pinned default. */
  base: z.string().min(1).max(255).optional(),
  platform: PlatformSchema.optional(),
  /** Ignore the build cache (every layer rebuilt). */
  noCache: z.boolean().default(false),
}).strict();
export type ImageBuildRequest = z.infer<typeof ImageBuildRequestSchema>;

export const ContextFileSchema = z.object({
  /** Path inside the build context, e.g. "model/model.onnx". */
  path: z.string(),
  bytes: z.number(),
  /** Which Dockerfile layer copies it: "runtime", "onnxruntime", "model", "config". */
  layer: z.string(),
});

/** What a build will do, before it runs: shown on the Package screen and saved in the bundle. */
export const ImagePlanSchema = z.object({
  reference: z.string(),
  base: z.string(),
  platform: PlatformSchema,
  dockerfile: z.string(),
  files: z.array(ContextFileSchema),
  contextBytes: z.number(),
  modelName: z.string(),
  modelVersion: z.string(),
  modelSha256: z.string(),
  modelBytes: z.number(),
  /** The OCI labels the image gets (title, version, created, source, model sha256, model name...). */
  labels: z.record(z.string(), z.string()),
  /** Port the server listens on inside the container. */
  containerPort: z.number().int(),
  /** Things to know before building (e.g. base image not present and no registry reachable). */
  warnings: z.array(z.string()),
});
export type ImagePlan = z.infer<typeof ImagePlanSchema>;

export const ImageBuildProgressSchema = z.object({
  phase: z.enum(['context', 'build', 'inspect']),
  /** "Step 4/9: COPY model/ ..." as Docker numbers it; null outside the build phase. */
  stepIndex: z.number().int().nullable(),
  stepTotal: z.number().int().nullable(),
  stepText: z.string().nullable(),
  /** A raw output line from the build, when this event carries one. */
  line: z.string().nullable(),
  /** True when the current step came from the cache. */
  cached: z.boolean(),
  /** 0..1 across the whole build. */
  fraction: z.number(),
});
export type ImageBuildProgress = z.infer<typeof ImageBuildProgressSchema>;

export const LoadTestResultSchema = z.object({
  at: z.string(),
  imageId: z.string(),
  reference: z.string(),
  protocol: TryProtocolSchema,
  concurrency: z.number().int(),
  durationSeconds: z.number(),
  /** The container's limits during the test; null = unlimited. */
  cpus: z.number().nullable(),
  memoryMB: z.number().nullable(),
  requests: z.number().int(),
  errors: z.number().int(),
  requestsPerSecond: z.number(),
  p50Ms: z.number(),
  p90Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
  /** Latency histogram: upper bound in ms and count, for the chart. */
  histogram: z.array(z.object({ ms: z.number(), count: z.number().int() })),
  /** Peak container CPU (1 = one core) and memory seen during the test, from Docker stats. */
  peakCpuCores: z.number().nullable(),
  peakMemoryBytes: z.number().nullable(),
});
export type LoadTestResult = z.infer<typeof LoadTestResultSchema>;

export const PushRecordSchema = z.object({
  reference: z.string(),
  digest: z.string(),
  at: z.string(),
});

/** One built image, kept in the app's history: the model's versions. */
export const BuildRecordSchema = z.object({
  id: z.string(),
  modelPath: z.string(),
  specPath: z.string().nullable(),
  modelName: z.string(),
  modelVersion: z.string(),
  modelSha256: z.string(),
  modelBytes: z.number(),
  reference: z.string(),
  imageId: z.string(),
  sizeBytes: z.number(),
  baseImage: z.string(),
  baseSizeBytes: z.number().nullable(),
  platform: PlatformSchema,
  builtAt: z.string(),
  buildMs: z.number(),
  cachedSteps: z.number().int(),
  totalSteps: z.number().int(),
  dockerfile: z.string(),
  /** Whether the engine still has this image (checked when the history is read). */
  present: z.boolean(),
  loadTests: z.array(LoadTestResultSchema),
  pushes: z.array(PushRecordSchema),
  /** Slowest container start to ready measured by the Run step (ms); sizes the Kubernetes startup probe. */
  coldStartMs: z.number().nullable().default(null),
  /** Latency/throughput from the Test step's benchmark of the same model file, when one was saved. */
  benchmark: z.object({ p50Ms: z.number(), throughput: z.number(), batch: z.number().int() }).nullable(),
});
export type BuildRecord = z.infer<typeof BuildRecordSchema>;

export const ImageHistoryRequestSchema = DockerTargetSchema.extend({
  /** Only this model's builds; absent: all. */
  modelPath: z.string().min(1).optional(),
}).strict();
export const ImageHistorySchema = z.object({ builds: z.array(BuildRecordSchema) });

export const ImageRefRequestSchema = DockerTargetSchema.extend({
  /** "name:tag" or an image id. */
  image: z.string().min(1).max(255),
}).strict();

// ---- Run ----

export const ContainerRunRequestSchema = DockerTargetSchema.extend({
  image: z.string().min(1).max(255),
  /** Host port on 127.0.0.1; 0 or absent: a free one. */
  port: z.number().int().min(0).max(65535).optional(),
  /** CPU limit in cores (0.5 = half a core); absent: unlimited. */
  cpus: z.number().min(0.05).max(256).optional(),
  memoryMB: z.number().int().min(32).max(1024 * 1024).optional(),
  /** Environment overrides, e.g. MODELDOCK_MAX_BATCH_SIZE=16 (see resources/serving/README.md). */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
  readyTimeoutSeconds: z.number().min(1).max(3600).default(60),
}).strict();
export type ContainerRunRequest = z.infer<typeof ContainerRunRequestSchema>;

export const ContainerStateSchema = z.enum(['starting', 'ready', 'unhealthy', 'stopping', 'exited', 'removed']);

export const ContainerStatusSchema = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  imageId: z.string(),
  state: ContainerStateSchema,
  hostPort: z.number().int().nullable(),
  /** http://127.0.0.1:PORT */
  url: z.string().nullable(),
  cpus: z.number().nullable(),
  memoryMB: z.number().nullable(),
  env: z.record(z.string(), z.string()),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  /** Start to ready as measured by the app (container start call to the first ready /readyz). */
  readyMs: z.number().nullable(),
  exitCode: z.number().int().nullable(),
  /** Why it failed, with its last log lines in detail. */
  error: ErrorInfoSchema.nullable(),
  modelName: z.string().nullable(),
  /** What the runtime measured at warm-up and decided (from its ready log line); null until it is ready. */
  plan: ServingPlanSchema.nullable(),
});
export type ContainerStatus = z.infer<typeof ContainerStatusSchema>;

export const ContainerRefSchema = DockerTargetSchema.extend({ id: z.string().min(1) }).strict();
export const ContainerStopRequestSchema = DockerTargetSchema.extend({
  id: z.string().min(1),
  /** Remove the container after it stopped (default). */
  remove: z.boolean().default(true),
}).strict();
export const ContainerListSchema = z.object({ containers: z.array(ContainerStatusSchema) });

export const ContainerLogsRequestSchema = DockerTargetSchema.extend({
  id: z.string().min(1),
  afterSeq: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(2000).default(500),
}).strict();
export const ContainerLogsResponseSchema = z.object({
  lines: z.array(LogLineSchema),
  nextSeq: z.number().int(),
  dropped: z.number().int(),
});

export const ContainerStatsSampleSchema = z.object({
  at: z.string(),
  /** 1 = one core busy. */
  cpuCores: z.number(),
  memoryBytes: z.number(),
  memoryLimitBytes: z.number().nullable(),
  networkRxBytes: z.number(),
  networkTxBytes: z.number(),
});
export const ContainerStatsSchema = z.object({
  state: ContainerStateSchema,
  latest: ContainerStatsSampleSchema.nullable(),
  /** Oldest first, up to 60 samples. */
  history: z.array(ContainerStatsSampleSchema),
});

export const ContainerTryRequestSchema = DockerTargetSchema.extend({
  id: z.string().min(1),
  protocol: TryProtocolSchema,
  body: z.string().max(64 * 1024 * 1024).optional(),
  /** Send this image instead of a body. */
  image: TryImageSchema.optional(),
}).strict();

export const LoadTestRequestSchema = DockerTargetSchema.extend({
  id: z.string().min(1),
  protocol: TryProtocolSchema.default('lesson'),
  /** The request body as JSON text; absent: the sample request for the protocol. */
  body: z.string().max(16 * 1024 * 1024).optional(),
  concurrency: z.number().int().min(1).max(512).default(8),
  durationSeconds: z.number().min(1).max(600).default(10),
}).strict();
export const LoadTestProgressSchema = z.object({
  elapsedSeconds: z.number(),
  durationSeconds: z.number(),
  requests: z.number().int(),
  errors: z.number().int(),
  requestsPerSecond: z.number(),
});

export const CleanupResultSchema = z.object({
  removedContainers: z.array(z.string()),
  /** Dangling images this app left (untagged older builds). */
  removedImages: z.array(z.string()),
  reclaimedBytes: z.number(),
});

// ---- Push ----

export const RegistryLoginRequestSchema = DockerTargetSchema.extend({
  /** "localhost:5000", "ghcr.io", "docker.io". */
  registry: z.string().min(1).max(255),
  username: z.string().min(1).max(255),
  password: z.string().min(1).max(4096),
  /** Keep it for later pushes (the OS keychain in the desktop app); false: this session only. */
  remember: z.boolean().default(true),
}).strict();
export const RegistryLoginResultSchema = z.object({
  registry: z.string(),
  username: z.string(),
  /** Where the credential is kept: "keychain" (desktop app), "session" (until the app quits). */
  storedIn: z.enum(['keychain', 'session']),
});
export const RegistryRefSchema = z.object({ registry: z.string().min(1).max(255) }).strict();
export const RegistryListSchema = z.object({
  registries: z.array(z.object({ registry: z.string(), username: z.string(), storedIn: z.enum(['keychain', 'session', 'docker-config']) })),
});

export const ImagePushRequestSchema = DockerTargetSchema.extend({
  /** The local image, "name:tag" or id. */
  image: z.string().min(1).max(255),
  /** Where to push: "registry.example.com/team/iris:3". Absent: the image's own name (must include a registry). */
  target: z.string().min(1).max(255).optional(),
}).strict();
export const ImagePushProgressSchema = z.object({
  /** Per layer id: "Pushing", "Pushed", "Layer already exists". */
  layers: z.record(z.string(), z.string()),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  fraction: z.number(),
  line: z.string().nullable(),
});
export const ImagePushResultSchema = z.object({
  reference: z.string(),
  /** sha256:... as the registry reported it: pull with reference@digest. */
  digest: z.string(),
  /** "registry/name@sha256:..." */
  pinned: z.string(),
  at: z.string(),
});

import { z } from 'zod';
import { AppInfoSchema, ListDirResponseSchema, SpecDocumentSchema } from './schemas/app';
import { BundleRequestSchema, BundleResultSchema } from './schemas/bundle';
import { BenchProgressSchema, BenchRequestSchema, BenchResultSchema } from './schemas/bench';
import {
  ConvertPlanRequestSchema, ConvertPlanSchema, ConvertProgressSchema, ConvertPythonsRequestSchema, ConvertPythonsSchema,
  ConvertResultSchema, ConvertRunRequestSchema,
} from './schemas/convert';
import {
  PredictRequestSchema, PredictResponseSchema, SampleInputsRequestSchema, SampleInputsResponseSchema,
} from './schemas/inference';
import { ModelReportSchema, RecentModelSchema } from './schemas/model';
import { ScanReportSchema } from './schemas/scan';
import {
  ServeExampleRequestSchema, ServeLogsRequestSchema, ServeLogsResponseSchema, ServeMetricsResponseSchema,
  ServeModelRequestSchema, ServeStartRequestSchema, ServeStatusListSchema, ServeStatusRequestSchema,
  ServeTryRequestSchema, ServeTryResponseSchema, ServerStatusSchema, TryExampleSchema,
} from './schemas/serve';
import {
  BuildRecordSchema, CleanupResultSchema, ContainerListSchema, ContainerLogsRequestSchema, ContainerLogsResponseSchema,
  ContainerRefSchema, ContainerRunRequestSchema, ContainerStatsSchema, ContainerStatusSchema, ContainerStopRequestSchema,
  ContainerTryRequestSchema, DockerStatusSchema, DockerTargetSchema, ImageBuildProgressSchema, ImageBuildRequestSchema,
  ImageHistoryRequestSchema, ImageHistorySchema, ImagePlanSchema, ImagePushProgressSchema, ImagePushRequestSchema,
  ImagePushResultSchema, ImageRefRequestSchema, LoadTestProgressSchema, LoadTestRequestSchema, LoadTestResultSchema,
  MakeBaseRequestSchema, MakeBaseResultSchema, RegistryListSchema, RegistryLoginRequestSchema, RegistryLoginResultSchema,
  RegistryRefSchema, UseContextRequestSchema,
} from './schemas/docker';
import {
  CapacityPlanSchema, CapacityRequestSchema, DeployExportRequestSchema, DeployExportResultSchema, DeployManifestsRequestSchema,
  DeployManifestsSchema,
} from './schemas/kubernetes';
import {
  ApplyProgressSchema, ClusterListSchema, DeployApplyRequestSchema, DeployApplyResultSchema, DeployDiffRequestSchema, DeployDiffSchema,
} from './schemas/kubernetes-apply';
import { MonitorExportRequestSchema, MonitorExportResultSchema, MonitorSnapshotRequestSchema, MonitorSnapshotSchema } from './schemas/monitor-live';
import { MonitorProfileRequestSchema, MonitorProfileResultSchema } from './schemas/monitoring';
import { FixKindSchema, StepProgressSchema, ValidationReportSchema } from './schemas/validation';
import type { CallName } from './call-names';

/**
 * The one API contract between UI and engine. Each call is declared here once: request schema, response schema
 * and, for long work, the progress event schema. The Electron preload, the IPC registration, the web-mode server,
 * the renderer client and the CLI are all derived from this map, and every transport validates against it.
 */
interface CallDef<Req extends z.ZodTypeAny, Res extends z.ZodTypeAny, Prog extends z.ZodTypeAny> {
  request: Req;
  response: Res;
  progress: Prog;
  /** One line for docs and `modeldock --help`. */
  summary: string;
}

function call<Req extends z.ZodTypeAny, Res extends z.ZodTypeAny, Prog extends z.ZodTypeAny = z.ZodNever>(
  def: { request: Req; response: Res; progress?: Prog; summary: string },
): CallDef<Req, Res, Prog> {
  return { ...def, progress: (def.progress ?? z.never()) as Prog };
}

const Empty = z.object({}).strict();
const ModelPath = z.object({ path: z.string().min(1) }).strict();
/** Top-level spec sections the screens write on their own (spec.writeSection). */
const SpecSectionSchema = z.enum(['kubernetes', 'monitoring']);

export const contract = {
  'app.info': call({ summary: 'Versions and platform facts', request: Empty, response: AppInfoSchema }),

  'model.open': call({
    summary: 'Detect a model file by its content and inspect it without loading its weights',
    request: ModelPath,
    response: ModelReportSchema,
    progress: StepProgressSchema,
  }),
  'model.validate': call({
    summary: 'Check that a model will load and run in production: structure, operators, session, smoke run',
    request: z.object({ path: z.string().min(1), smokeRun: z.boolean().default(true) }).strict(),
    response: ValidationReportSchema,
    progress: StepProgressSchema,
  }),
  'model.fix': call({
    summary: 'Apply a fix from the validation report; writes a copy beside the model and never touches the original',
    request: z.object({ path: z.string().min(1), fix: FixKindSchema, outPath: z.string().optional() }).strict(),
    response: z.object({ path: z.string(), report: ModelReportSchema }),
  }),
  'model.recent': call({
    summary: 'Recently opened models',
    request: Empty,
    response: z.object({ items: z.array(RecentModelSchema) }),
  }),
  'model.forget': call({
    summary: 'Remove a model from the recent list',
    request: ModelPath,
    response: z.object({ items: z.array(RecentModelSchema) }),
  }),
  'model.scan': call({
    summary: 'Scan a pickle, joblib, PyTorch, TorchScript or Keras file for what loading it would import and run, without loading it',
    request: ModelPath,
    response: ScanReportSchema,
  }),

  'inference.sampleInputs': call({
    summary: 'Generate inputs that fit the model (sample, random or zeros)',
    request: SampleInputsRequestSchema,
    response: SampleInputsResponseSchema,
  }),
  'inference.predict': call({
    summary: 'Run the model on the given inputs in the inference worker',
    request: PredictRequestSchema,
    response: PredictResponseSchema,
    progress: StepProgressSchema,
  }),
  'bench.run': call({
    summary: 'Benchmark latency and throughput across batch sizes and thread counts',
    request: BenchRequestSchema,
    response: BenchResultSchema,
    progress: BenchProgressSchema,
  }),

  'spec.forModel': call({
    summary: 'The modeldock.yaml beside a model, or a starter generated from the model',
    request: z.object({ modelPath: z.string().min(1) }).strict(),
    response: SpecDocumentSchema,
  }),
  'spec.read': call({ summary: 'Read and validate a spec file', request: ModelPath, response: SpecDocumentSchema }),
  'spec.write': call({
    summary: 'Validate and save spec text; nothing is written when it is invalid',
    request: z.object({ path: z.string().min(1), text: z.string() }).strict(),
    response: SpecDocumentSchema,
  }),
  'spec.writeSection': call({
    summary: 'Save one section of the spec file as it is on disk now, keeping the rest of the file and its comments; nothing is written when the result is invalid',
    request: z.object({
      path: z.string().min(1),
      /** The top-level key a screen edits. */
      section: SpecSectionSchema,
      /** The whole section as it should read (keys it lacks are removed), e.g. the Deploy screen's settings. */
      value: z.record(z.string(), z.unknown()),
      /** Comment line(s) written above the section when the file has none yet. */
      headComment: z.string().max(500).optional(),
      /** What to start from when the file does not exist yet (the starter spec.forModel offered). */
      starterText: z.string().optional(),
    }).strict(),
    response: SpecDocumentSchema,
  }),

  'serve.start': call({
    summary: 'Serve a model locally: start the serving runtime on 127.0.0.1 and wait until it is ready',
    request: ServeStartRequestSchema,
    response: ServerStatusSchema,
    progress: StepProgressSchema,
  }),
  'serve.stop': call({
    summary: 'Stop a local server gracefully (in-flight requests finish)',
    request: ServeModelRequestSchema,
    response: ServerStatusSchema,
  }),
  'serve.status': call({
    summary: 'Local servers and their state, URL and process',
    request: ServeStatusRequestSchema,
    response: ServeStatusListSchema,
  }),
  'serve.logs': call({
    summary: 'Log lines of a local server after a sequence number',
    request: ServeLogsRequestSchema,
    response: ServeLogsResponseSchema,
  }),
  'serve.metrics': call({
    summary: 'Scrape a local server\'s /metrics: requests, errors, latency, memory, with a short history',
    request: ServeModelRequestSchema,
    response: ServeMetricsResponseSchema,
  }),
  'serve.example': call({
    summary: 'The sample request a client would send in a protocol, with its curl command',
    request: ServeExampleRequestSchema,
    response: TryExampleSchema,
  }),
  'serve.try': call({
    summary: 'Send a request in a protocol (lesson, V1, V2 JSON, V2 binary) to a local server and show the answer',
    request: ServeTryRequestSchema,
    response: ServeTryResponseSchema,
  }),

  'docker.status': call({
    summary: 'Whether a Docker Engine answers, which one, and what it has (base images, images and containers made here)',
    request: DockerTargetSchema,
    response: DockerStatusSchema,
  }),
  'docker.useContext': call({
    summary: 'Pick the Docker Engine (a docker context) every later call uses; kept across restarts',
    request: UseContextRequestSchema,
    response: DockerStatusSchema,
  }),
  'docker.makeBase': call({
    summary: 'Create an offline base image from this machine\'s own Node (docker import): no registry needed',
    request: MakeBaseRequestSchema,
    response: MakeBaseResultSchema,
    progress: StepProgressSchema,
  }),
  'image.plan': call({
    summary: 'The Dockerfile and build context a build would use, without building',
    request: ImageBuildRequestSchema,
    response: ImagePlanSchema,
  }),
  'image.build': call({
    summary: 'Build the serving image for a model, with streamed steps; a new model version rebuilds only the model layer',
    request: ImageBuildRequestSchema,
    response: BuildRecordSchema,
    progress: ImageBuildProgressSchema,
  }),
  'image.history': call({
    summary: 'Images built here (the model\'s versions), newest first, with load tests and pushes',
    request: ImageHistoryRequestSchema,
    response: ImageHistorySchema,
  }),
  'image.remove': call({
    summary: 'Remove an image this app built (and forget it in the history)',
    request: ImageRefRequestSchema,
    response: z.object({ removed: z.boolean() }),
  }),
  'image.push': call({
    summary: 'Tag and push an image to a registry; answers with the pushed digest',
    request: ImagePushRequestSchema,
    response: ImagePushResultSchema,
    progress: ImagePushProgressSchema,
  }),
  'registry.login': call({
    summary: 'Check registry credentials and keep them (OS keychain in the desktop app, never in the spec or logs)',
    request: RegistryLoginRequestSchema,
    response: RegistryLoginResultSchema,
  }),
  'registry.logout': call({
    summary: 'Forget the credentials kept for a registry',
    request: RegistryRefSchema,
    response: RegistryListSchema,
  }),
  'registry.list': call({
    summary: 'Registries with kept credentials (user names only)',
    request: Empty,
    response: RegistryListSchema,
  }),
  'container.run': call({
    summary: 'Run an image on 127.0.0.1 with CPU/memory limits and wait until the model is ready',
    request: ContainerRunRequestSchema,
    response: ContainerStatusSchema,
    progress: StepProgressSchema,
  }),
  'container.stop': call({
    summary: 'Stop a container gracefully (in-flight requests finish) and remove it',
    request: ContainerStopRequestSchema,
    response: ContainerStatusSchema,
  }),
  'container.status': call({
    summary: 'One container\'s state, port and readiness',
    request: ContainerRefSchema,
    response: ContainerStatusSchema,
  }),
  'container.list': call({
    summary: 'Containers this app started',
    request: DockerTargetSchema,
    response: ContainerListSchema,
  }),
  'container.logs': call({
    summary: 'Log lines of a container after a sequence number',
    request: ContainerLogsRequestSchema,
    response: ContainerLogsResponseSchema,
  }),
  'container.stats': call({
    summary: 'CPU and memory of a running container, with a short history',
    request: ContainerRefSchema,
    response: ContainerStatsSchema,
  }),
  'container.try': call({
    summary: 'Send a request in a protocol to a running container and show the answer',
    request: ContainerTryRequestSchema,
    response: ServeTryResponseSchema,
  }),
  'container.loadTest': call({
    summary: 'A short load test against a running container: requests/s and p50/p99 at a concurrency',
    request: LoadTestRequestSchema,
    response: LoadTestResultSchema,
    progress: LoadTestProgressSchema,
  }),
  'container.cleanup': call({
    summary: 'Remove stopped containers and dangling images this app made',
    request: DockerTargetSchema,
    response: CleanupResultSchema,
  }),

  'files.list': call({
    summary: 'List a folder on the engine\'s machine (the web-mode file browser)',
    request: z.object({ dir: z.string().optional() }).strict(),
    response: ListDirResponseSchema,
  }),
  'dialog.openModel': call({
    summary: 'Native open dialog (desktop app only)',
    request: Empty,
    response: z.object({ path: z.string().nullable() }),
  }),

  'deploy.manifests': call({
    summary: 'Kubernetes manifests (plain YAML and Kustomize base + dev/prod overlays) for an image, with their checks',
    request: DeployManifestsRequestSchema,
    response: DeployManifestsSchema,
  }),
  'deploy.capacity': call({
    summary: 'Size pods, replicas and the autoscaler from a load test, for a target request rate and p99 goal',
    request: CapacityRequestSchema,
    response: CapacityPlanSchema,
  }),
  'deploy.export': call({
    summary: 'Write the Kubernetes manifests under a folder\'s k8s/ (refused when a required check failed, unless allowed)',
    request: DeployExportRequestSchema,
    response: DeployExportResultSchema,
  }),
  'deploy.bundle': call({
    summary: 'Write a deploy bundle (folder or .zip): model, spec, Dockerfile and exact build context, k8s/, docker-compose.yml, README, OpenAPI, Grafana and Prometheus files, sha256 manifest',
    request: BundleRequestSchema,
    response: BundleResultSchema,
    progress: StepProgressSchema,
  }),
  'deploy.clusters': call({
    summary: 'The kube contexts of your kubeconfig (KUBECONFIG or ~/.kube/config): name, server, namespace, which is current',
    request: Empty,
    response: ClusterListSchema,
  }),
  'deploy.diff': call({
    summary: 'Compare the manifests with what a live cluster holds (server-side apply, dry run): each object new, changed (with a diff) or unchanged',
    request: DeployDiffRequestSchema,
    response: DeployDiffSchema,
  }),
  'deploy.apply': call({
    summary: 'Apply the manifests to a live cluster (server-side apply) and follow the rollout until the pods are ready (streamed, cancellable)',
    request: DeployApplyRequestSchema,
    response: DeployApplyResultSchema,
    progress: ApplyProgressSchema,
  }),
  'monitor.profile': call({
    summary: 'Capture a reference profile (feature bins, shares, summary stats) from sample data; written beside the model and baked into its image for drift scores',
    request: MonitorProfileRequestSchema,
    response: MonitorProfileResultSchema,
  }),
  'monitor.snapshot': call({
    summary: 'Live monitoring of a running server (local, container or URL): one summarised /metrics scrape with drift per feature, predictions, accuracy, CPU and memory, a short history and the thresholds exceeded',
    request: MonitorSnapshotRequestSchema,
    response: MonitorSnapshotSchema,
  }),
  'monitor.exportRules': call({
    summary: 'Write a Grafana dashboard, a Prometheus scrape config and Prometheus alert rules (thresholds from the spec) to a folder',
    request: MonitorExportRequestSchema,
    response: MonitorExportResultSchema,
  }),

  'convert.plan': call({
    summary: 'How to convert a PyTorch, scikit-learn, Keras or TensorFlow model to ONNX: the recipe (filled with its inputs), interpreters, missing packages, scan verdict',
    request: ConvertPlanRequestSchema,
    response: ConvertPlanSchema,
  }),
  'convert.pythons': call({
    summary: 'Python interpreters on this machine (PATH, venvs, conda, pyenv) with their version and conversion packages',
    request: ConvertPythonsRequestSchema,
    response: ConvertPythonsSchema,
  }),
  'convert.run': call({
    summary: 'Convert a model to ONNX with your Python, then open, validate and compare the result with the original (streamed, cancellable)',
    request: ConvertRunRequestSchema,
    response: ConvertResultSchema,
    progress: ConvertProgressSchema,
  }),
} as const;

export type Contract = typeof contract;
export type { CallName };
export type Request<N extends CallName> = z.input<Contract[N]['request']>;
/** The request after schema defaults are applied: what handlers receive. */
export type ParsedRequest<N extends CallName> = z.output<Contract[N]['request']>;
export type Response<N extends CallName> = z.output<Contract[N]['response']>;
export type Progress<N extends CallName> = z.output<Contract[N]['progress']>;

// Compile-time check that call-names.ts lists exactly the contract's calls (the preload imports only that list).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesMatch: Same<keyof Contract, CallName> = true;
void namesMatch;

import type { BundleResult } from '../../shared/schemas/bundle';
import type { Provenance } from '../../shared/schemas/provenance';
import type { RolloutSteps } from '../../shared/schemas/kubernetes';
import { OFFLINE_BASE_IMAGE } from '../../shared/schemas/spec';
import type { TryExample } from '../../shared/schemas/serve';
import { CHECKSUMS_FILE, MANIFEST_FILE } from './bundle-manifest';
import { BUNDLE_PATHS } from './bundle-layout';
import { provenanceReadmeLines } from './bundle-provenance';
import { dockerRunCommand, localUrl, type LocalRunSettings } from './local-run';

export interface ReadmeInput {
  modelName: string;
  modelVersion: string;
  /** "name:tag" the image is built as. */
  image: string;
  /** The reference the manifests use ("name:tag@sha256:..." when pinned). */
  deployedImage: string;
  platform: string;
  base: string;
  modelFile: string;
  run: LocalRunSettings;
  examples: { lesson: TryExample; v1: TryExample; v2: TryExample };
  rollout: RolloutSteps;
  namespace: string;
  checks: BundleResult['checks'];
  prometheusJobs: { local: string; kubernetes: string };
  /** Models ModelDock converted: where the model came from (the provenance/ folder). */
  provenance?: Provenance | null;
}

const fence = (lines: string | string[]) => ['```', ...(Array.isArray(lines) ? lines : [lines]), '```'];

/**
 * The bundle's README: what is in the folder and, in order, the commands to check, build, run, try, push, deploy
 * and monitor it, for a reader who has neither ModelDock nor this app's knowledge. The `docker run` line is the
 * one local-run.ts renders (docker-compose.yml uses the same settings).
 */
export function bundleReadme(r: ReadmeInput): string {
  const url = localUrl(r.run);
  const registryHint = r.image.split('/').length > 1 && /[.:]/.test(r.image.split('/')[0])
    ? [`docker push ${r.image}`]
    : [
      '# The image name has no registry yet: tag it for yours first (e.g. registry.example.com/team), then push.',
      `docker tag ${r.image} registry.example.com/team/${r.image}`,
      `docker push registry.example.com/team/${r.image}`,
      '# ...and make the bundle again with that name (modeldock bundle --image registry.example.com/team/...),',
      '# so the Kubernetes manifests pull it from there.',
    ];
  const lines = [
    `# ${r.modelName} ${r.modelVersion}: deploy bundle`,
    '',
    `Everything needed to rebuild the serving image of the model **${r.modelName}** (version ${r.modelVersion}) and run it,`,
    'on this machine with Docker or in a Kubernetes cluster, without ModelDock. The image answers predictions over',
    'HTTP in three protocols (the lesson\'s `/predict`, TF Serving/KServe V1, and the V2 Open Inference Protocol).',
    '',
    '## What is here',
    '',
    '| Path | What |',
    '|---|---|',
    `| \`${r.modelFile}\` | the model |`,
    `| \`${BUNDLE_PATHS.spec}\` | the model's settings (name, class names, inputs, serving, image, kubernetes) |`,
    `| \`${BUNDLE_PATHS.dockerfile}\`, \`${BUNDLE_PATHS.dockerignore}\` | how the image is built; this folder is the build context |`,
    '| `onnxruntime/`, `runtime/`, `model/`, `config/runtime.json` | the build context: ONNX Runtime for Linux, the ModelDock server, the model, its resolved settings |',
    '| `k8s/plain/`, `k8s/kustomize/` | Kubernetes manifests: one plain file, and a Kustomize base with dev and prod overlays |',
    '| `k8s/ROLLOUT.md` | how to deploy, promote and roll back |',
    `| \`${BUNDLE_PATHS.compose}\` | a local run with Docker Compose |`,
    `| \`${BUNDLE_PATHS.openapi}\` | the HTTP API (OpenAPI 3.1) with this model's inputs and outputs |`,
    `| \`${BUNDLE_PATHS.grafana}\` | a Grafana dashboard for the server's metrics |`,
    `| \`${BUNDLE_PATHS.prometheus}\` | a Prometheus scrape configuration for them |`,
    `| \`${BUNDLE_PATHS.alertRules}\` | Prometheus alert rules: error rate, latency SLO, drift, readiness, queue, pod restarts |`,
    ...(r.provenance ? ['| `provenance/` | where the model came from: the original\'s safety scan and the conversion record |'] : []),
    `| \`${MANIFEST_FILE}\`, \`${CHECKSUMS_FILE}\` | what the bundle holds, with the sha256 of every file |`,
    '',
    ...provenanceReadmeLines(r.provenance, r.modelFile),
    '## 0. Check the bundle is complete',
    '',
    ...fence(`sha256sum -c ${CHECKSUMS_FILE}`),
    '',
    '## 1. Build the image',
    '',
    'From this folder. With ModelDock, the identical image (same Dockerfile, same files, same bytes):',
    '',
    ...fence(`modeldock build --bundle .`),
    '',
    'With Docker alone (the same Dockerfile and files; the build needs no network beyond the base image):',
    '',
    ...fence(`docker build --platform ${r.platform} -t ${r.image} .`),
    '',
    r.base === OFFLINE_BASE_IMAGE
      ? `The base image is \`${r.base}\`, made from a machine's own Node by \`modeldock base-image\`. On a machine without it, run that first, or change the \`FROM\` line to an official Node 20 image (e.g. \`node:20-bookworm-slim\`).`
      : `The base image is \`${r.base}\`: Docker downloads it on the first build if it does not have it.`,
    '',
    '## 2. Run it on this machine',
    '',
    `Port ${r.run.hostPort} on 127.0.0.1 only, the same CPU and memory limits as one Kubernetes pod, a read-only file system. Ctrl-C stops it gracefully (requests in flight finish).`,
    '',
    ...fence(dockerRunCommand(r.run)),
    '',
    `Or with Docker Compose (builds the image if it is missing): \`docker compose up --build\`, and \`docker compose down\` to stop.`,
    '',
    `It is ready when \`curl ${url}/readyz\` answers \`{"status":"ready"}\`. A page to try it in a browser: ${url}/`,
    '',
    '## 3. Send a prediction',
    '',
    'The lesson\'s API, `POST /predict` (one row per example; the answer has `predictions` and, for a classifier, `labels`):',
    '',
    ...fence(r.examples.lesson.curl.split('\n')),
    '',
    'TF Serving / KServe V1:',
    '',
    ...fence(r.examples.v1.curl.split('\n')),
    '',
    'V2 Open Inference Protocol (KServe, Triton, Seldon clients):',
    '',
    ...fence(r.examples.v2.curl.split('\n')),
    '',
    'More routes:',
    '',
    `- \`GET ${url}/openapi.json\`: the API description (the same as \`${BUNDLE_PATHS.openapi}\`)`,
    `- \`GET ${url}/v2/models/${r.modelName}\`: the model's inputs and outputs`,
    `- \`GET ${url}/healthz\` (alive), \`GET ${url}/readyz\` (model loaded and warmed up)`,
    `- \`GET ${url}/metrics\`: Prometheus metrics`,
    '',
    'Settings can be changed at run time with environment variables (`docker run -e NAME=VALUE`): `MODELDOCK_THREADS`,',
    '`MODELDOCK_MAX_BATCH_SIZE` (1 turns batching off), `MODELDOCK_MAX_BATCH_DELAY_MS`, `MODELDOCK_MAX_QUEUE`,',
    '`MODELDOCK_MAX_BODY_MB`, `MODELDOCK_MAX_BUFFERED_MB`, `MODELDOCK_MAX_IMAGE_MP`, `MODELDOCK_REQUEST_TIMEOUT_MS`, `MODELDOCK_GRACE_SECONDS`,',
    '`MODELDOCK_LOG_LEVEL`, `MODELDOCK_WORKERS`.',
    '',
    '## 4. Push it to a registry',
    '',
    ...fence(['docker login REGISTRY    # once', ...registryHint]),
    '',
    '## 5. Deploy to Kubernetes',
    '',
    `The manifests run \`${r.deployedImage}\` in namespace \`${r.namespace}\` (rollout: ${r.rollout.strategy}). From this folder:`,
    '',
    ...fence(r.rollout.deploy),
    '',
    'For a development namespace with one pod: `kubectl apply -k k8s/kustomize/overlays/dev`.',
    'To promote a new version and to roll back, follow `k8s/ROLLOUT.md`.',
    '',
    `Checks run on these manifests (Kubernetes schemas and best practices): ${r.checks.passed} passed, ${r.checks.failedRequired} required failed, ${r.checks.failed - r.checks.failedRequired} recommended failed.`,
    '',
    '## 6. Monitor it',
    '',
    `- Prometheus: \`${BUNDLE_PATHS.prometheus}\` scrapes a local run (job \`${r.prometheusJobs.local}\`) and the pods in Kubernetes (job \`${r.prometheusJobs.kubernetes}\`, through the pods' \`prometheus.io/*\` annotations). Copy its \`scrape_configs\` into your Prometheus configuration; check it with \`promtool check config ${BUNDLE_PATHS.prometheus}\`.`,
    `- Alerts: \`${BUNDLE_PATHS.alertRules}\` (loaded by \`${BUNDLE_PATHS.prometheus}\` through rule_files; thresholds from the spec's \`monitoring:\` section). Check it with \`promtool check rules ${BUNDLE_PATHS.alertRules}\`; the pod restart rule needs kube-state-metrics.`,
    `- Grafana: Dashboards > New > Import, upload \`${BUNDLE_PATHS.grafana}\`, then pick your Prometheus data source at the top of the dashboard.`,
    '',
  ];
  return `${lines.join('\n')}`;
}

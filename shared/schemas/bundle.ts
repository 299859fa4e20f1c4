import { z } from 'zod';
import { LoadTestResultSchema } from './docker';
import { CheckResultSchema, CheckSummarySchema, KubernetesSettingsSchema } from './kubernetes';
import { PlatformSchema } from './spec';

/**
 * The deploy bundle: one folder (or .zip) from which anyone can rebuild the serving image and deploy it without
 * ModelDock: the model, modeldock.yaml, the Dockerfile with its exact build context, Kubernetes manifests, a
 * docker-compose.yml, a README, the OpenAPI spec, monitoring files and a sha256 manifest of every file.
 */

export const BundleRequestSchema = z.object({
  modelPath: z.string().min(1),
  /** Absent: the modeldock.yaml beside the model, else defaults. */
  specPath: z.string().min(1).optional(),
  /** "name:tag" the image is built as, pushed as and run by the manifests. */
  image: z.string().min(1).max(255),
  /** "sha256:<64 hex>" as the push reported it: the manifests pin the exact image. */
  digest: z.string().regex(/^sha256:[a-f0-9]{64}$/, 'sha256: followed by 64 hex digits').optional(),
  /** Absent: the spec's image.base, else the pinned default. */
  base: z.string().min(1).max(255).optional(),
  platform: PlatformSchema.optional(),
  /** Docker context used to look at the base image (which node command it has); Docker is optional. */
  context: z.string().min(1).optional(),
  /** Absent: the spec's kubernetes: section, else defaults. */
  kubernetes: KubernetesSettingsSchema.optional(),
  loadTest: LoadTestResultSchema.optional(),
  coldStartMs: z.number().min(0).max(3600_000).optional(),
  /** The bundle folder (replaced when it holds an earlier bundle); with zip, the .zip is written beside it as <outDir>.zip. */
  outDir: z.string().min(1),
  zip: z.boolean().default(false),
  /** Write the bundle even when a required Kubernetes check failed. */
  allowFailedChecks: z.boolean().default(false),
}).strict();
export type BundleRequest = z.infer<typeof BundleRequestSchema>;
export type BundleRequestInput = z.input<typeof BundleRequestSchema>;

export const BundleFileSchema = z.object({
  /** Relative to the bundle root, forward slashes: "model/iris.onnx", "k8s/plain/iris.yaml". */
  path: z.string(),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
});
export type BundleFile = z.infer<typeof BundleFileSchema>;

export const BundleResultSchema = z.object({
  /** Absolute path written: the folder, or the .zip. */
  path: z.string(),
  format: z.enum(['folder', 'zip']),
  /** The image reference the bundle builds and deploys ("name:tag", "@sha256:..." appended when pinned). */
  image: z.string(),
  /** The image built on this machine that the bundle reproduces exactly (same Dockerfile and files); null when none. */
  builtImageId: z.string().nullable(),
  files: z.array(BundleFileSchema),
  /** Sum of the files' sizes. */
  totalBytes: z.number().int().min(0),
  /** Size of the .zip; null for a folder. */
  zipBytes: z.number().int().min(0).nullable(),
  checks: CheckSummarySchema,
  /** The Kubernetes checks that failed (required and recommended), with their reasons. */
  failedChecks: z.array(CheckResultSchema),
  warnings: z.array(z.string()),
});
export type BundleResult = z.infer<typeof BundleResultSchema>;

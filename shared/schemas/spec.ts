import { z } from 'zod';
import { KubernetesSettingsSchema } from './kubernetes-settings';
import { MonitoringSettingsSchema } from './monitoring';

/**
 * modeldock.yaml: everything a user configures for one model. The GUI reads and writes it; the CLI takes it with
 * --spec. Objects are strict so a misspelt key is reported with its path instead of being ignored.
 * Later issues add serving, image and kubernetes sections.
 */
export const SPEC_API_VERSION = 'modeldock/v1';

const NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const ImagePreprocessSchema = z.object({
  type: z.literal('image').describe('This input takes an image; files are decoded, resized and normalised.'),
  layout: z.enum(['NCHW', 'NHWC']).default('NCHW').describe('Where the channel axis sits: NCHW (PyTorch) or NHWC (TensorFlow).'),
  width: z.number().int().min(1).max(16384).optional().describe('Resize to this width; by default the model input\'s width.'),
  height: z.number().int().min(1).max(16384).optional().describe('Resize to this height; by default the model input\'s height.'),
  colorOrder: z.enum(['RGB', 'BGR', 'GRAY']).default('RGB').describe('Channel order the model was trained with.'),
  resize: z.enum(['stretch', 'center-crop']).default('stretch').describe('stretch: scale to size; center-crop: scale the short side, then crop.'),
  orientation: z.enum(['as-stored', 'exif']).default('as-stored')
    .describe('as-stored: pixels as the file stores them, as PIL Image.open, Keras load_img and torchvision decode_image read them. exif: first turn the photo upright as its EXIF Orientation tag says (phone photos; PIL ImageOps.exif_transpose).'),
  scale: z.number().default(1 / 255).describe('Multiply pixel values (0-255) by this first, e.g. 1/255 for 0..1.'),
  mean: z.array(z.number()).min(1).max(4).optional().describe('Per-channel mean subtracted after scaling, e.g. ImageNet [0.485, 0.456, 0.406].'),
  std: z.array(z.number().positive()).min(1).max(4).optional().describe('Per-channel standard deviation divided after the mean.'),
}).strict();
export type ImagePreprocess = z.infer<typeof ImagePreprocessSchema>;

export const InputSettingsSchema = z.discriminatedUnion('type', [
  ImagePreprocessSchema,
  z.object({
    type: z.literal('tabular'),
    features: z.array(z.string()).optional().describe('Column names in the order the model expects (CSV headers are matched to these).'),
  }).strict(),
]);
export type InputSettings = z.infer<typeof InputSettingsSchema>;

/**
 * What the serving runtime takes for an image input when the spec says nothing about it: rank 4, float or uint8,
 * 1 or 3 channels first or last (what vision models take).
 */
export function looksLikeImage(elementType: string | null | undefined, dims: readonly unknown[] | null | undefined): boolean {
  if (!dims || dims.length !== 4) return false;
  if (!['float32', 'float16', 'float64', 'uint8'].includes(elementType ?? '')) return false;
  const channel = (d: unknown) => d === 1 || d === 3;
  return channel(dims[1]) || channel(dims[3]);
}

/** A model input as far as image detection needs it (the inspector's shape or ONNX Runtime's dims). */
export interface InputForImages {
  name: string;
  elementType: string | null | undefined;
  dims: readonly unknown[] | null | undefined;
}

/**
 * Whether the server will decode images, which sizes its memory: an input the spec marks `type: image`, or, given
 * the model's inputs, one the spec leaves unset that looks like an image (the runtime treats those as images too).
 */
export function takesImages(specInputs: Record<string, { type: string }> | undefined, modelInputs: InputForImages[] = []): boolean {
  if (Object.values(specInputs ?? {}).some((i) => i.type === 'image')) return true;
  return modelInputs.some((input) => !specInputs?.[input.name] && looksLikeImage(input.elementType, input.dims));
}

/**
 * How the serving runtime (resources/serving) behaves in the image. Every key has a default, so the section is
 * optional; environment variables in the container override these (see resources/serving/README.md).
 */
export const ServingSettingsSchema = z.object({
  port: z.number().int().min(1).max(65535).default(8080).describe('Port the server listens on inside the container.'),
  threads: z.number().int().min(0).max(256).default(0)
    .describe('Total CPU threads ONNX Runtime may use; 0 = as many as the container may use (cgroup-aware).'),
  maxBatchSize: z.number().int().min(1).max(4096).default(32)
    .describe('Dynamic batching: concurrent requests are merged into one model call of at most this many rows (needs a dynamic first dimension).'),
  maxBatchDelayMs: z.number().min(0).max(1000).default(0)
    .describe('How long a request may wait for others to join its batch. 0 batches only requests already waiting.'),
  maxQueue: z.number().int().min(1).max(100000).default(256)
    .describe('Requests allowed to wait; beyond this the server answers 503 with Retry-After so clients back off.'),
  maxBodyMB: z.number().min(0.001).max(2048).default(32).describe('Largest request body accepted (413 beyond it).'),
  maxBufferedMB: z.number().min(1).max(65536).default(64)
    .describe('Request bodies held in memory at once (being read, waiting or running). Beyond it, new bodies wait unread at the client, so a burst of large requests cannot exhaust the container\'s memory. It also caps the input tensors one request\'s images may make (413 beyond it), counted from their headers before decoding.'),
  maxImageMegapixels: z.number().min(0.01).max(100).default(50)
    .describe('Largest image accepted, in megapixels (413 beyond it), judged from the file header before decoding. Decoding a JPEG takes about 36 bytes per pixel (a 12 MP photo: ~400 MB), so the server lowers this to what fits its container\'s memory limit.'),
  requestTimeoutMs: z.number().int().min(100).max(3600000).default(30000).describe('A request that takes longer gets 504.'),
  gracePeriodSeconds: z.number().min(0).max(3600).default(20)
    .describe('On shutdown (SIGTERM), how long in-flight requests may take to finish before the process exits.'),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info').describe('info logs one JSON line per request.'),
}).strict();
export type ServingSettings = z.infer<typeof ServingSettingsSchema>;

export const PLATFORMS = ['linux/amd64', 'linux/arm64'] as const;
export const PlatformSchema = z.enum(PLATFORMS);
export type Platform = z.infer<typeof PlatformSchema>;

/** The official Node image, pinned: the default base of serving images (any image with Node 20+ works). */
export const DEFAULT_BASE_IMAGE = 'node:20.20.2-bookworm-slim';
/** What `modeldock base-image` makes from this machine's own Node when no registry can be reached. */
export const OFFLINE_BASE_IMAGE = 'modeldock/node-offline:20';

/** How the serving image is built. Every key has a default. */
export const ImageSettingsSchema = z.object({
  name: z.string().min(1).max(200).regex(/^[a-z0-9]+([._/:-][a-z0-9]+)*$/, 'use lower-case letters, digits, dots, dashes and slashes (e.g. "team/iris")').optional()
    .describe('Image name, optionally with a registry ("registry.example.com/team/iris"); by default the model name.'),
  tag: z.string().min(1).max(128).regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, 'letters, digits, dots, dashes and underscores').optional()
    .describe('Image tag; by default the model version.'),
  base: z.string().min(1).max(255).default(DEFAULT_BASE_IMAGE)
    .describe(`Base image with Node 20+ (default ${DEFAULT_BASE_IMAGE}; offline: ${OFFLINE_BASE_IMAGE}).`),
  platform: PlatformSchema.default('linux/amd64').describe('CPU architecture the image is for: linux/amd64 (most servers) or linux/arm64 (Graviton, Apple silicon).'),
}).strict();
export type ImageSettings = z.infer<typeof ImageSettingsSchema>;

export const SpecSchema = z.object({
  apiVersion: z.literal(SPEC_API_VERSION).describe('Spec format version.'),
  model: z.object({
    path: z.string().min(1).describe('Model file, relative to this spec file.'),
    name: z.string().min(1).max(63).regex(NAME_PATTERN, 'use lower-case letters, digits and dashes (e.g. "iris-classifier")')
      .describe('Short name used for the image, the API route and Kubernetes objects.'),
    version: z.string().min(1).max(128).default('1').describe('Your version of this model; becomes the image tag.'),
    description: z.string().max(2000).optional().describe('What the model does, shown in the app and the served API.'),
  }).strict(),
  labels: z.array(z.string()).optional().describe('Class names in output index order, so predictions read "setosa", not 0.'),
  labelsFile: z.string().optional().describe('Alternatively, a text file with one class name per line, relative to this spec.'),
  inputs: z.record(z.string(), InputSettingsSchema).optional().describe('Per-input settings, keyed by the model\'s input name.'),
  serving: ServingSettingsSchema.optional().describe('How the served model behaves: port, threads, batching, limits.'),
  image: ImageSettingsSchema.optional().describe('How the Docker image is built: name, tag, base image, platform.'),
  kubernetes: KubernetesSettingsSchema.optional().describe('How the model runs in a Kubernetes cluster: resources, autoscaling, exposure, rollout.'),
  monitoring: MonitoringSettingsSchema.optional().describe('Model monitoring in the served model: reference profile, drift window and threshold, feedback.'),
}).strict();
export type Spec = z.infer<typeof SpecSchema>;
export type SpecInput = z.input<typeof SpecSchema>;

/** A spec problem points at the key that has it, e.g. "inputs.image.layout". */
export const SpecIssueSchema = z.object({ path: z.string(), message: z.string(), line: z.number().int().nullable() });
export type SpecIssue = z.infer<typeof SpecIssueSchema>;

import type { DeployManifestsRequestInput, KubernetesSettingsInput } from '../../shared/schemas/kubernetes';
import { takesImages } from '../../shared/schemas/spec';
import { inspectOnnx } from '../model/onnx-inspect';
import { resolveRuntimeConfigDetailed } from '../serving/resolve-runtime-config';
import { oneValue, UsageError } from './args';
import type { CommandContext } from './command';
import { resolveModelTarget } from './model-arg';

/** --digest, when given: "sha256:" and 64 hex digits, as "modeldock push" prints it. */
export function digestArg(ctx: CommandContext, command: string): string | undefined {
  const digest = oneValue(ctx.args, 'digest');
  if (digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(digest)) {
    throw new UsageError(`--digest must be "sha256:" followed by 64 hex digits, got "${digest}"`, command);
  }
  return digest;
}

/** The manifests request for the command's model or spec: its name, serving settings and kubernetes: section. */
export async function manifestsRequest(ctx: CommandContext, command: string, image: string, digest: string | undefined): Promise<DeployManifestsRequestInput> {
  const target = await resolveModelTarget(ctx, command);
  const resolved = await resolveRuntimeConfigDetailed(target.modelPath, target.specPath);
  let settings: KubernetesSettingsInput = {};
  if (resolved.specPath) {
    const doc = await ctx.engine().invoke('spec.read', { path: resolved.specPath }, { signal: ctx.signal });
    settings = doc.spec?.kubernetes ?? {};
  }
  // The model's own inputs too: one the spec leaves unset is still decoded as an image when it looks like one.
  const modelInputs = await inspectOnnx(target.modelPath).then((summary) => summary.inputs.filter((i) => i.kind === 'tensor').map((i) => ({ name: i.name, elementType: i.elementType, dims: i.shape })), () => []);
  return {
    model: { name: resolved.config.model.name, version: resolved.config.model.version, takesImages: takesImages(resolved.config.inputs, modelInputs) },
    serving: resolved.config.serving,
    settings,
    image,
    ...(digest ? { digest } : {}),
  };
}

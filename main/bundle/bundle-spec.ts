import { parseDocument, stringify } from 'yaml';
import { ModelDockError } from '../../shared/errors';
import type { KubernetesSettings } from '../../shared/schemas/kubernetes';
import type { RuntimeConfig } from '../../shared/schemas/serving';
import { SPEC_API_VERSION, type Platform } from '../../shared/schemas/spec';
import { splitReference } from '../docker/image-reference';
import { validateSpecText } from '../spec/spec-file';

export interface BundleSpecInput {
  /** The user's modeldock.yaml text; null when the model had none. */
  originalText: string | null;
  /** The resolved config (names, labels, inputs, serving) the image was planned with. */
  config: RuntimeConfig;
  /** The model's path inside the bundle, relative to the bundle root. */
  modelPath: string;
  image: string;
  base: string;
  platform: Platform;
  /** Written when the request gave settings; otherwise the spec's own kubernetes: section stays as it was. */
  kubernetes: KubernetesSettings | null;
}

/**
 * The bundle's modeldock.yaml: the user's spec (comments kept) pointed at the bundled model, with class names
 * inlined (a labelsFile would be one more file to carry) and the image settings the bundle was made with, so
 * `modeldock build --spec modeldock.yaml` in the bundle plans the same image. Without a spec, one is written from
 * the resolved settings. Checked with the same validator as every spec.
 */
export function bundleSpecText(input: BundleSpecInput): string {
  const [name, tag] = splitReference(input.image);
  const image = { name, tag, base: input.base, platform: input.platform };
  let text: string;
  if (input.originalText !== null) {
    const doc = parseDocument(input.originalText);
    doc.setIn(['model', 'path'], input.modelPath);
    if (doc.hasIn(['labelsFile'])) {
      doc.deleteIn(['labelsFile']);
      if (input.config.labels) doc.setIn(['labels'], doc.createNode(input.config.labels, { flow: true }));
    }
    for (const [key, value] of Object.entries(image)) doc.setIn(['image', key], value);
    if (input.kubernetes) doc.setIn(['kubernetes'], input.kubernetes);
    text = doc.toString({ lineWidth: 0 });
  } else {
    const { config } = input;
    text = `# Written by ModelDock for the deploy bundle (the model had no modeldock.yaml): the settings it was packaged with.\n${stringify({
      apiVersion: SPEC_API_VERSION,
      model: { path: input.modelPath, name: config.model.name, version: config.model.version, ...(config.model.description ? { description: config.model.description } : {}) },
      ...(config.labels ? { labels: config.labels } : {}),
      ...(Object.keys(config.inputs).length > 0 ? { inputs: config.inputs } : {}),
      serving: config.serving,
      image,
      ...(input.kubernetes ? { kubernetes: input.kubernetes } : {}),
    }, { lineWidth: 0 })}`;
  }
  const { issues } = validateSpecText(text);
  if (issues.length > 0) {
    throw new ModelDockError({
      code: 'bundle-spec-invalid',
      title: 'The bundle\'s modeldock.yaml would be invalid',
      message: `Writing the spec for the bundle gave ${issues.length} problem(s): ${issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join('; ')}.`,
      fix: 'Check the image name and the spec (modeldock spec check), then make the bundle again.',
    });
  }
  return text;
}

import * as path from 'node:path';
import { stringify } from 'yaml';
import { SPEC_API_VERSION } from '../../shared/schemas/spec';
import type { OnnxSummary, ValueInfo } from '../../shared/schemas/model';

/**
 * The first modeldock.yaml a user sees: every key has a comment above it written for a data scientist, values are
 * filled from the model where we can tell (name, labels, image inputs), and optional settings are shown commented
 * out so they can be switched on without reading docs.
 */
export function starterSpecText(modelPath: string, summary?: OnnxSummary): string {
  const fileName = path.basename(modelPath);
  const lines: string[] = [
    '# modeldock.yaml: everything ModelDock needs to know about this model.',
    '# ModelDock reads this file when you test, package or deploy the model; edit it here or in the app.',
    '',
    '# Format version of this file. Leave as it is.',
    `apiVersion: ${SPEC_API_VERSION}`,
    '',
    'model:',
    '  # The model file, relative to this file.',
    `  path: ${scalar(fileName)}`,
    '  # Short name used for the container image, the API route and Kubernetes objects:',
    '  # lower-case letters, digits and dashes, at most 63 characters.',
    `  name: ${scalar(dnsName(fileName))}`,
    '  # Your version of this model. It becomes the image tag, so bump it when you retrain.',
    '  version: "1"',
    '  # What the model does, in a sentence; shown in the app and in the served API.',
  ];
  const description = summary?.docString.trim().split('\n')[0].slice(0, 300) ?? '';
  lines.push(description ? `  description: ${scalar(description)}` : '  # description: Predicts the species of an iris flower from four measurements.');
  lines.push('');

  lines.push('# Class names in the order of the model\'s output scores, so predictions read "setosa" instead of 0.');
  if (summary?.labels && summary.labels.length > 0) {
    lines.push('# Found in the model\'s metadata; change them here if they are not right.');
    lines.push('labels:');
    for (const label of summary.labels) lines.push(`  - ${scalar(label)}`);
  } else {
    lines.push('# labels: [setosa, versicolor, virginica]');
    lines.push('# Or keep them in a text file with one class name per line, relative to this file:');
    lines.push('# labelsFile: labels.txt');
  }
  lines.push('');

  const images = (summary?.inputs ?? []).map((input) => ({ input, layout: imageLayout(input) })).filter((i) => i.layout);
  lines.push('# Per-input settings, keyed by the model\'s input name.');
  if (images.length > 0) {
    lines.push('inputs:');
    for (const { input, layout } of images) lines.push(...imageBlock(input, layout!));
  } else {
    lines.push('# For an image input, ModelDock decodes, resizes and normalises image files for you:');
    lines.push('# inputs:');
    lines.push('#   image:');
    lines.push('#     type: image');
    lines.push('#     layout: NCHW');
    lines.push('#     scale: 0.00392156862745098');
    lines.push('# For a table input, name the columns so CSV headers are matched to them:');
    lines.push('# inputs:');
    lines.push('#   input:');
    lines.push('#     type: tabular');
    lines.push('#     features: [sepal_length, sepal_width, petal_length, petal_width]');
  }
  return lines.join('\n') + '\n';
}

function imageBlock(input: ValueInfo, layout: 'NCHW' | 'NHWC'): string[] {
  const shape = input.shape ?? [];
  const [h, w] = layout === 'NCHW' ? [shape[2], shape[3]] : [shape[1], shape[2]];
  const fixedSize = typeof h === 'number' && typeof w === 'number' && h > 0 && w > 0;
  return [
    `  ${scalar(input.name)}:`,
    '    # This input takes an image: files you give are decoded, resized and normalised to fit it.',
    '    type: image',
    '    # Where the channel axis sits: NCHW (PyTorch, channels first) or NHWC (TensorFlow, channels last).',
    `    layout: ${layout}`,
    fixedSize
      ? `    # Size to resize to; by default the model input's own size (${w}x${h}).`
      : '    # Size to resize to. The model does not fix it, so set the size it was trained on.',
    `    ${fixedSize ? '# ' : ''}width: ${fixedSize ? w : 224}`,
    `    ${fixedSize ? '# ' : ''}height: ${fixedSize ? h : 224}`,
    '    # Channel order the model was trained with: RGB, BGR (OpenCV) or GRAY.',
    '    colorOrder: RGB',
    '    # stretch: scale the image to the size; center-crop: scale the short side, then cut the middle.',
    '    resize: stretch',
    '    # as-stored: pixels as the file stores them (what PIL, Keras and torchvision read by default).',
    '    # exif: turn phone photos upright first, as their EXIF tag says (if training used ImageOps.exif_transpose).',
    '    orientation: as-stored',
    '    # Pixel values (0-255) are multiplied by this first: 1/255 gives 0..1.',
    '    scale: 0.00392156862745098',
    '    # Then the per-channel mean is subtracted and the result divided by the standard deviation.',
    '    # The ImageNet values most torchvision models use:',
    '    # mean: [0.485, 0.456, 0.406]',
    '    # std: [0.229, 0.224, 0.225]',
  ];
}

/** A 4-D floating-point input with 3 channels first or last looks like an image. */
function imageLayout(input: ValueInfo): 'NCHW' | 'NHWC' | null {
  if (input.kind !== 'tensor' || !input.shape || input.shape.length !== 4) return null;
  if (!['float32', 'float16', 'float64', 'bfloat16'].includes(input.elementType ?? '')) return null;
  if (input.shape[1] === 3) return 'NCHW';
  if (input.shape[3] === 3) return 'NHWC';
  return null;
}

/** "ResNet50_v2.onnx" -> "resnet50-v2": what Kubernetes and image registries accept. */
export function dnsName(fileName: string): string {
  const stem = fileName.replace(/\.[^.]+$/, '');
  const name = stem.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return name || 'model';
}

/** A YAML scalar, quoted only when it must be. */
function scalar(value: string): string {
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import type { ScanReport } from '../../shared/schemas/scan';
import { detectFormat, type FormatDetection } from '../model/detect-format';
import { scanModelFile } from '../model/scan/scan-model';
import { recipeKindFor, type RecipeKind } from './recipe-kind';

/** The file to convert: what it is, which recipe it gets, and its safety scan. Shared by plan and run. */
export interface ConvertTarget {
  path: string;
  detection: FormatDetection;
  kind: RecipeKind | null;
  loader: 'joblib' | 'pickle' | null;
  scan: ScanReport | null;
}

export async function resolveTarget(modelPath: string, modelClass?: string): Promise<ConvertTarget> {
  const absolute = path.resolve(modelPath);
  const detection = await detectFormat(absolute);
  if (detection.format === 'unknown') {
    throw new ModelDockError({
      code: 'convert-unknown-format',
      title: 'Not a model ModelDock can convert',
      message: `${path.basename(absolute)} is a ${detection.label}, not a PyTorch, scikit-learn, Keras or TensorFlow model.`,
      fix: 'Open it in ModelDock to see what it is (modeldock inspect FILE).',
    });
  }
  const kind = recipeKindFor(detection, modelClass);
  // A scan that cannot run counts as not safe (the gate then asks), never as clean.
  const scan = detection.format === 'onnx' ? null : await scanModelFile(absolute).catch(() => null);
  const loader = detection.format === 'joblib' ? 'joblib' : detection.format === 'pickle' ? 'pickle' : null;
  return { path: absolute, detection, kind, loader, scan };
}

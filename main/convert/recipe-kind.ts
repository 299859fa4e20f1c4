import type { Converter } from '../../shared/schemas/convert';
import type { FormatDetection } from '../model/detect-format';

/**
 * Which recipe a detected file gets. PyTorch files split three ways because what Python must do differs: a
 * TorchScript archive carries its own code, a whole pickled nn.Module needs its class importable, and a state_dict
 * holds weights only and needs the user's class to build the network.
 */
export type RecipeKind =
  | 'torchscript' | 'torch-module' | 'torch-state-dict' | 'safetensors'
  | 'sklearn' | 'boosted-trees' | 'keras-h5' | 'keras-v3' | 'tf-savedmodel' | 'tflite';

export function recipeKindFor(detection: FormatDetection, modelClass?: string): RecipeKind | null {
  switch (detection.format) {
    case 'torchscript': return 'torchscript';
    case 'pytorch-zip':
    case 'pytorch-legacy': {
      const content = detection.pytorchContent ?? 'unknown';
      if (content === 'state_dict' || content === 'checkpoint') return 'torch-state-dict';
      // Unknown content: a named class means the user knows it is weights only.
      return content === 'unknown' && modelClass ? 'torch-state-dict' : 'torch-module';
    }
    case 'safetensors': return 'safetensors';
    case 'pickle':
    case 'joblib':
      if (detection.library === 'PyTorch') return 'torch-module';
      if (detection.library === 'XGBoost' || detection.library === 'LightGBM' || detection.library === 'CatBoost') return 'boosted-trees';
      return 'sklearn';
    case 'keras-h5': return 'keras-h5';
    case 'keras-v3': return 'keras-v3';
    case 'tf-savedmodel': return 'tf-savedmodel';
    case 'tflite': return 'tflite';
    default: return null;
  }
}

export function converterFor(kind: RecipeKind): Converter {
  switch (kind) {
    case 'sklearn': return 'skl2onnx';
    case 'boosted-trees': return 'onnxmltools';
    case 'keras-h5': case 'keras-v3': case 'tf-savedmodel': case 'tflite': return 'tf2onnx';
    default: return 'torch.onnx';
  }
}

/** Whether building the model needs a class the user names (weights-only files). */
export function needsModelClass(kind: RecipeKind): boolean {
  return kind === 'torch-state-dict' || kind === 'safetensors';
}

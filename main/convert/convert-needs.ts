import type { ConvertNeeds, PackageNeed, PythonInterpreter, PythonPackage } from '../../shared/schemas/convert';
import type { RecipeKind } from './recipe-kind';

/** The Python packages each recipe imports, and the pip command that installs what the chosen interpreter lacks. */
const PIP_NAMES: Partial<Record<PythonPackage, string>> = { sklearn: 'scikit-learn' };

type Need = [PythonPackage, string];

function packagesFor(kind: RecipeKind, loader: 'joblib' | 'pickle' | null): Need[] {
  const numpy: Need = ['numpy', 'sample inputs and reference outputs'];
  switch (kind) {
    case 'torchscript':
    case 'torch-module':
    case 'torch-state-dict':
      return [['torch', 'loads the model and runs torch.onnx.export'], numpy];
    case 'safetensors':
      return [['torch', 'builds the network and runs torch.onnx.export'], ['safetensors', 'reads the weights'], numpy];
    case 'sklearn':
      return [
        ['sklearn', 'unpickles the estimator (use the version it was trained with)'],
        ...(loader === 'joblib' ? [['joblib', 'reads the joblib dump'] as Need] : []),
        ['skl2onnx', 'converts scikit-learn estimators to ONNX'],
        ['onnx', 'used by skl2onnx to build the ONNX file'],
        numpy,
      ];
    case 'boosted-trees':
      return [
        ...(loader === 'joblib' ? [['joblib', 'reads the joblib dump'] as Need] : []),
        ['onnxmltools', 'converts XGBoost, LightGBM and CatBoost models'],
        ['onnx', 'used by onnxmltools to build the ONNX file'],
        numpy,
      ];
    case 'keras-h5':
    case 'keras-v3':
    case 'tf-savedmodel':
    case 'tflite':
      return [['tensorflow', 'loads the model'], ['tf2onnx', 'converts TensorFlow and Keras models'], numpy];
  }
}

export function convertNeeds(kind: RecipeKind, loader: 'joblib' | 'pickle' | null, python: PythonInterpreter | null): ConvertNeeds {
  const packages: PackageNeed[] = packagesFor(kind, loader).map(([name, purpose]) => {
    const version = python ? python.packages[name] : undefined;
    return {
      name,
      pipName: PIP_NAMES[name] ?? name,
      purpose,
      present: python ? version !== null && version !== undefined : null,
      version: version ?? null,
    };
  });
  const missing = packages.filter((p) => p.present === false).map((p) => p.pipName);
  return { packages, missing, pipCommand: missing.length && python ? pipCommand(python.path, missing) : null };
}

export function pipCommand(pythonPath: string, packages: string[]): string {
  const quoted = /[\s"'$`\\]/.test(pythonPath) ? `"${pythonPath.replace(/(["\\$`])/g, '\\$1')}"` : pythonPath;
  return `${quoted} -m pip install ${packages.join(' ')}`;
}

import type { ModelFormat } from '../../../shared/schemas/model';

export interface FormatFacts {
  /** What the file is, in a data scientist's words. */
  what: string;
  /** The call that usually writes it, so the user recognises their own work. */
  madeBy: string;
  /** Whether loading it can run code the file carries (the reason the safety scan exists). */
  loadingRunsCode: boolean;
}

const FACTS: Partial<Record<ModelFormat, FormatFacts>> = {
  pickle: {
    what: 'A Python object saved with pickle: usually a scikit-learn estimator or pipeline, sometimes anything at all.',
    madeBy: 'pickle.dump(model, f)',
    loadingRunsCode: true,
  },
  joblib: {
    what: 'A Python object saved with joblib: the usual way to save a scikit-learn model, with its NumPy arrays stored alongside.',
    madeBy: 'joblib.dump(model, "model.joblib")',
    loadingRunsCode: true,
  },
  'pytorch-zip': {
    what: 'A PyTorch file saved with torch.save: either a whole nn.Module or only its weights (a state_dict), pickled inside a zip archive.',
    madeBy: 'torch.save(model, "model.pt")',
    loadingRunsCode: true,
  },
  'pytorch-legacy': {
    what: 'A PyTorch object pickled directly: written by pickle, or by torch.save before PyTorch 1.6 (the tensors\' data follows the pickle).',
    madeBy: 'torch.save(model, "model.pth")  # PyTorch < 1.6, or pickle.dump',
    loadingRunsCode: true,
  },
  torchscript: {
    what: 'A TorchScript module: the network compiled by torch.jit into its own code and weights, loadable without your Python class.',
    madeBy: 'torch.jit.script(model).save("model.pt")',
    loadingRunsCode: true,
  },
  'keras-h5': {
    what: 'A Keras model in the HDF5 format: the architecture as JSON plus the weights.',
    madeBy: 'model.save("model.h5")',
    loadingRunsCode: true,
  },
  'keras-v3': {
    what: 'A Keras 3 model archive: config.json plus the weights, zipped.',
    madeBy: 'model.save("model.keras")',
    loadingRunsCode: true,
  },
  'tf-savedmodel': {
    what: 'A TensorFlow SavedModel folder: the graph (saved_model.pb) and a variables/ folder with the weights.',
    madeBy: 'tf.saved_model.save(model, "export_dir")',
    loadingRunsCode: true,
  },
  safetensors: {
    what: 'Weights only, in the safetensors format: named tensors and nothing else, so it carries no code but also no network.',
    madeBy: 'safetensors.torch.save_file(model.state_dict(), "model.safetensors")',
    loadingRunsCode: false,
  },
  tflite: {
    what: 'A TensorFlow Lite model, built for phones and small devices.',
    madeBy: 'tf.lite.TFLiteConverter.from_keras_model(model).convert()',
    loadingRunsCode: false,
  },
};

export function formatFacts(format: ModelFormat): FormatFacts | null {
  return FACTS[format] ?? null;
}

import * as path from 'node:path';
import { header, HELPERS, settings, type RecipeInput } from './recipe-python';

/**
 * tf2onnx recipes: Keras .h5 (from_keras with a None batch in the input signature), Keras 3 .keras and SavedModel
 * folders (the tf2onnx command line on a SavedModel, which keeps None dimensions dynamic), and TensorFlow Lite.
 */
export function tensorflowRecipe(input: RecipeInput): string {
  const file = path.basename(input.modelPath);
  const what: Record<string, string[]> = {
    'keras-h5': [`${file} is a Keras model (HDF5): tf2onnx converts it from Keras with a dynamic batch in the input signature.`],
    'keras-v3': [`${file} is a Keras 3 model: it is exported as a SavedModel first, then converted by tf2onnx.`],
    'tf-savedmodel': [`${file} is a TensorFlow SavedModel: tf2onnx converts its serving_default signature.`],
    tflite: [`${file} is a TensorFlow Lite model: tf2onnx converts it; its batch is usually fixed at export time.`],
  };
  return [header(input, 'tf2onnx', what[input.kind] ?? []), '', settings(input, []), HELPERS, HELPERS_TF, '', body(input), ''].join('\n');
}

const HELPERS_TF = `

def random_like(np, shape, dtype, batch, seed):
    # None dimensions after the batch (sequence lengths...) get 8.
    dims = [batch] + [d if d else 8 for d in list(shape)[1:]]
    rng = np.random.RandomState(seed)
    if np.issubdtype(dtype, np.floating):
        return rng.randn(*dims).astype(dtype)
    return rng.randint(0, 10, size=dims).astype(dtype)


def run_tf2onnx_cli(saved_model_dir):
    import subprocess
    command = [sys.executable, "-m", "tf2onnx.convert", "--saved-model", saved_model_dir, "--output", ONNX_PATH, "--opset", str(OPSET)]
    print(" ".join(command), flush=True)
    if subprocess.call(command) != 0:
        fail("convert-failed", "tf2onnx could not convert the SavedModel (see its messages above).", "Read tf2onnx's last error above.")`;

function body(input: RecipeInput): string {
  const common = ['', 'report("phase", "loading")', 'np = need("numpy", "numpy")', 'tf = need("tensorflow", "tensorflow")', 'need("tf2onnx", "tf2onnx")', 'import tf2onnx'];
  switch (input.kind) {
    case 'keras-h5':
    case 'keras-v3': {
      const load = input.kind === 'keras-h5'
        ? ['model = tf.keras.models.load_model(MODEL_PATH, compile=False)']
        : ['keras = need("keras", "keras")', 'model = keras.saving.load_model(MODEL_PATH, compile=False)'];
      return [
        ...common,
        ...load,
        'specs = [tf.TensorSpec((None,) + tuple(t.shape[1:]), t.dtype, name=t.name.split(":")[0]) for t in model.inputs]',
        'input_names = [s.name for s in specs]',
        'if DISCOVER_ONLY:',
        '    report("discovered", {"className": type(model).__module__ + "." + type(model).__qualname__, "inputs": [',
        '        {"name": s.name, "shape": [1] + [d or 8 for d in s.shape[1:]], "dtype": s.dtype.name, "guessed": False} for s in specs]})',
        '    sys.exit(0)',
        'report("phase", "exporting")',
        ...(input.kind === 'keras-h5'
          ? ['onx, _ = tf2onnx.convert.from_keras(model, input_signature=specs, opset=OPSET, output_path=ONNX_PATH)']
          : [
            'import tempfile',
            'saved_model_dir = tempfile.mkdtemp(prefix="keras-savedmodel-")',
            'model.export(saved_model_dir)  # a SavedModel with a None batch, from the Keras input shapes',
            'run_tf2onnx_cli(saved_model_dir)',
          ]),
        'report("exported", ONNX_PATH)',
        'samples = []',
        'for seed, batch in ((1, 1), (2, 3)):',
        '    sample = [random_like(np, s.shape, s.dtype.as_numpy_dtype, batch, seed) for s in specs]',
        '    outputs = model(sample if len(sample) > 1 else sample[0], training=False)',
        '    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]',
        '    samples.append((sample, [np.asarray(o) for o in outputs]))',
        'save_reference(samples, input_names, list(getattr(model, "output_names", [])))',
        'report("phase", "done")',
      ].join('\n');
    }
    case 'tf-savedmodel':
      return [
        ...common,
        'loaded = tf.saved_model.load(MODEL_PATH)',
        'signature = loaded.signatures["serving_default"]',
        'specs = signature.structured_input_signature[1]  # {name: TensorSpec}',
        'if DISCOVER_ONLY:',
        '    report("discovered", {"className": "SavedModel serving_default", "inputs": [',
        '        {"name": n, "shape": [1] + [d or 8 for d in s.shape[1:]], "dtype": s.dtype.name, "guessed": False} for n, s in specs.items()]})',
        '    sys.exit(0)',
        'report("phase", "exporting")',
        'run_tf2onnx_cli(MODEL_PATH)',
        'report("exported", ONNX_PATH)',
        'samples = []',
        'output_names = []',
        'for seed, batch in ((1, 1), (2, 3)):',
        '    feeds = {n: random_like(np, s.shape, s.dtype.as_numpy_dtype, batch, seed) for n, s in specs.items()}',
        '    outputs = signature(**{n: tf.constant(v) for n, v in feeds.items()})',
        '    output_names = sorted(outputs.keys())',
        '    samples.append((list(feeds.values()), [outputs[k].numpy() for k in output_names]))',
        'save_reference(samples, list(specs.keys()), output_names)',
        'report("phase", "done")',
      ].join('\n');
    default:
      return [
        ...common,
        'interpreter = tf.lite.Interpreter(model_path=MODEL_PATH)',
        'interpreter.allocate_tensors()',
        'details = interpreter.get_input_details()',
        'if DISCOVER_ONLY:',
        '    report("discovered", {"className": "TensorFlow Lite", "inputs": [',
        '        {"name": d["name"], "shape": [int(x) for x in d["shape"]], "dtype": np.dtype(d["dtype"]).name, "guessed": False} for d in details]})',
        '    sys.exit(0)',
        'report("phase", "exporting")',
        'tf2onnx.convert.from_tflite(MODEL_PATH, opset=OPSET, output_path=ONNX_PATH)',
        'report("exported", ONNX_PATH)',
        '# A TFLite model has a fixed batch: one sample at its own batch size.',
        'feeds = [random_like(np, d["shape"], d["dtype"], int(d["shape"][0]) or 1, 1) for d in details]',
        'for d, value in zip(details, feeds):',
        '    interpreter.set_tensor(d["index"], value)',
        'interpreter.invoke()',
        'outputs = [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]',
        'save_reference([(feeds, outputs)], [d["name"] for d in details], [d["name"] for d in interpreter.get_output_details()])',
        'report("phase", "done")',
      ].join('\n');
  }
}

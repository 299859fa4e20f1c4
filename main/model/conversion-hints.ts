import * as path from 'node:path';
import type { ConversionHint } from '../../shared/schemas/model';
import type { FormatDetection } from './detect-format';
import { ORT_VERSION } from '../engine/versions';
import { ORT_MAX_OPSET, ORT_MIN_DEFAULT_OPSET } from './ort-support';

/**
 * "This is X; here is how to get to ONNX": the exact recipe per format. Recipes keep the batch dimension dynamic
 * (so the server can batch requests) and leave out skl2onnx's ZipMap (onnxruntime-node cannot return its output).
 */
const OPSET_STEP = `Choose opset 17 unless the exporter asks for a newer one: the bundled ONNX Runtime (${ORT_VERSION}) runs opsets ${ORT_MIN_DEFAULT_OPSET} to ${ORT_MAX_OPSET['']}, and 17 is also understood by older runtimes and tools.`;

export function conversionHint(detection: FormatDetection, filePath: string): ConversionHint | undefined {
  const file = path.basename(filePath);
  const stem = file.replace(/\.[^.]+$/, '') || 'model';
  switch (detection.format) {
    case 'pytorch-zip':
    case 'pytorch-legacy':
      return pytorchHint(file, stem, detection.pytorchContent ?? 'unknown');
    case 'torchscript':
      return torchscriptHint(file, stem);
    case 'keras-h5':
      return kerasH5Hint(file, stem);
    case 'keras-v3':
      return kerasV3Hint(file, stem);
    case 'tf-savedmodel':
      return savedModelHint(file, stem);
    case 'tflite':
      return tfliteHint(file, stem);
    case 'pickle':
    case 'joblib':
      return detection.library === 'PyTorch' ? pytorchHint(file, stem, 'module') : picklingHint(file, stem, detection);
    case 'safetensors':
      return safetensorsHint(file, stem);
    default:
      return undefined;
  }
}

const DYNAMIC_BATCH_STEP = 'Mark the batch axis dynamic (dynamic_axes) so the served model accepts any batch size; a fixed batch of 1 stops the server from batching requests.';

function pytorchHint(file: string, stem: string, content: NonNullable<FormatDetection['pytorchContent']>): ConversionHint {
  const weightsOnly = content === 'state_dict' || content === 'checkpoint';
  const load = weightsOnly
    ? [
      'from my_project.model import MyModel   # the class that defines the network',
      '',
      'model = MyModel()                       # same constructor arguments as in training',
      `state = torch.load("${file}", map_location="cpu")`,
      ...(content === 'checkpoint' ? ['state = state.get("model_state_dict", state.get("state_dict", state))'] : []),
      'model.load_state_dict(state)',
    ]
    : [`model = torch.load("${file}", map_location="cpu", weights_only=False)  # only for files you trust`];
  return {
    summary: weightsOnly
      ? 'This PyTorch file holds weights only (a state_dict), not the network: export it to ONNX from Python with the model class it was trained with.'
      : 'This is a PyTorch model: export it to ONNX with torch.onnx.export.',
    steps: [
      ...(weightsOnly ? ['Import the Python class that defines the network and load these weights into it; ONNX export needs the code, not just the weights.'] : []),
      'Switch the model to eval mode and make an example input of the shape it takes (any batch size).',
      DYNAMIC_BATCH_STEP,
      OPSET_STEP,
      `Open ${stem}.onnx in ModelDock and run Validate.`,
    ],
    snippet: [
      'import torch',
      ...load,
      'model.eval()',
      '',
      'example = torch.randn(1, 3, 224, 224)   # one example input: replace with your input shape',
      'torch.onnx.export(',
      '    model, (example,), "' + stem + '.onnx",',
      '    input_names=["input"], output_names=["output"],',
      '    dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},',
      '    opset_version=17,',
      ')',
    ].join('\n'),
    snippetLanguage: 'python',
  };
}

function torchscriptHint(file: string, stem: string): ConversionHint {
  return {
    summary: 'This is a TorchScript module (torch.jit.save): load it with torch.jit.load and export it to ONNX.',
    steps: [
      'Load the module with torch.jit.load; no model class is needed.',
      'Make an example input of the shape the module takes.',
      DYNAMIC_BATCH_STEP,
      OPSET_STEP,
      `Open ${stem}.onnx in ModelDock and run Validate.`,
    ],
    snippet: [
      'import torch',
      `model = torch.jit.load("${file}", map_location="cpu").eval()`,
      'example = torch.randn(1, 3, 224, 224)   # replace with your input shape',
      'torch.onnx.export(',
      '    model, (example,), "' + stem + '.onnx",',
      '    input_names=["input"], output_names=["output"],',
      '    dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},',
      '    opset_version=17, dynamo=False,   # TorchScript modules go through the TorchScript exporter',
      ')',
    ].join('\n'),
    snippetLanguage: 'python',
  };
}

function kerasH5Hint(file: string, stem: string): ConversionHint {
  return {
    summary: 'This is a Keras model saved as HDF5 (.h5): convert it with tf2onnx.',
    steps: [
      'pip install tf2onnx (it uses your installed TensorFlow).',
      'Load the model with Keras and give tf2onnx an input signature whose first dimension is None, so the batch stays dynamic.',
      OPSET_STEP,
      'If the file holds only weights (model.save_weights), build the model in code first and call load_weights.',
      `Open ${stem}.onnx in ModelDock and run Validate.`,
    ],
    snippet: [
      'import tensorflow as tf',
      'import tf2onnx',
      '',
      `model = tf.keras.models.load_model("${file}", compile=False)`,
      'spec = (tf.TensorSpec((None, *model.input_shape[1:]), tf.float32, name="input"),)',
      `tf2onnx.convert.from_keras(model, input_signature=spec, opset=17, output_path="${stem}.onnx")`,
    ].join('\n'),
    snippetLanguage: 'python',
  };
}

function kerasV3Hint(file: string, stem: string): ConversionHint {
  return {
    summary: 'This is a Keras 3 model (.keras): export it as a SavedModel, then convert that with tf2onnx.',
    steps: [
      'Load the model with keras.saving.load_model and export it as a TensorFlow SavedModel (model.export).',
      'pip install tf2onnx, then convert the SavedModel folder; the batch dimension stays dynamic (None) as Keras exports it.',
      OPSET_STEP,
      `Open ${stem}.onnx in ModelDock and run Validate.`,
    ],
    snippet: [
      'import keras',
      `model = keras.saving.load_model("${file}", compile=False)`,
      `model.export("${stem}_savedmodel")   # TensorFlow SavedModel`,
      '',
      '# then, in a shell:',
      `# python -m tf2onnx.convert --saved-model ${stem}_savedmodel --output ${stem}.onnx --opset 17`,
    ].join('\n'),
    snippetLanguage: 'python',
  };
}

function savedModelHint(file: string, stem: string): ConversionHint {
  const name = stem === 'saved_model' || !stem ? 'model' : stem;
  return {
    summary: 'This is a TensorFlow SavedModel folder: convert it with tf2onnx from the command line.',
    steps: [
      'pip install tf2onnx (it uses your installed TensorFlow).',
      'Convert the folder; tf2onnx uses the serving_default signature and keeps None (batch) dimensions dynamic.',
      OPSET_STEP,
      `Open ${name}.onnx in ModelDock and run Validate.`,
    ],
    snippet: [
      'pip install tf2onnx',
      `python -m tf2onnx.convert --saved-model "${file}" --output ${name}.onnx --opset 17`,
    ].join('\n'),
    snippetLanguage: 'shell',
  };
}

function tfliteHint(file: string, stem: string): ConversionHint {
  return {
    summary: 'This is a TensorFlow Lite model: convert it with tf2onnx (--tflite).',
    steps: [
      'pip install tf2onnx.',
      'Convert the file; TFLite models usually have a fixed batch of 1, so check the inputs in ModelDock afterwards. For a dynamic batch, convert the original SavedModel or Keras model instead.',
      OPSET_STEP,
      `Open ${stem}.onnx in ModelDock and run Validate.`,
    ],
    snippet: [
      'pip install tf2onnx',
      `python -m tf2onnx.convert --tflite "${file}" --output ${stem}.onnx --opset 17`,
    ].join('\n'),
    snippetLanguage: 'shell',
  };
}

function picklingHint(file: string, stem: string, detection: FormatDetection): ConversionHint {
  const loader = detection.format === 'joblib' ? 'joblib' : 'pickle';
  const load = loader === 'joblib'
    ? [`import joblib`, `model = joblib.load("${file}")   # only load files you trust: unpickling runs code`]
    : [`import pickle`, `with open("${file}", "rb") as f:`, '    model = pickle.load(f)   # only load files you trust: unpickling runs code'];
  const boosted = detection.library === 'XGBoost' || detection.library === 'LightGBM' || detection.library === 'CatBoost';
  if (boosted) {
    return {
      summary: `This is a ${detection.library} model saved with ${loader}: convert it with onnxmltools.`,
      steps: [
        'pip install onnxmltools onnxconverter-common.',
        'Declare the input as float32 with a dynamic first dimension (None) and the number of features as the second.',
        OPSET_STEP,
        `Open ${stem}.onnx in ModelDock and run Validate.`,
      ],
      snippet: [
        ...load,
        'import onnxmltools',
        'from onnxmltools.convert.common.data_types import FloatTensorType',
        '',
        'n_features = model.n_features_in_',
        `convert = onnxmltools.convert_${detection.library === 'LightGBM' ? 'lightgbm' : detection.library === 'CatBoost' ? 'catboost' : 'xgboost'}`,
        'onx = convert(model, initial_types=[("input", FloatTensorType([None, n_features]))], target_opset=17)',
        `with open("${stem}.onnx", "wb") as f:`,
        '    f.write(onx.SerializeToString())',
      ].join('\n'),
      snippetLanguage: 'python',
    };
  }
  return {
    summary: `This is a ${detection.library ?? 'Python'} object saved with ${loader}: if it is a scikit-learn model or pipeline, convert it with skl2onnx.`,
    steps: [
      'pip install skl2onnx (same scikit-learn version as in training, or unpickling may fail).',
      'Declare the input as float32 with a dynamic first dimension (None) and the number of features as the second.',
      'Turn ZipMap off for classifiers (options zipmap False): probabilities then come out as a float tensor [batch, classes], which onnxruntime-node can return. Leave the option out for regressors.',
      OPSET_STEP + ' For scikit-learn also set the ai.onnx.ml opset, e.g. 3.',
      `Open ${stem}.onnx in ModelDock and run Validate.`,
    ],
    snippet: [
      ...load,
      'from skl2onnx import to_onnx',
      'from skl2onnx.common.data_types import FloatTensorType',
      '',
      'n_features = model.n_features_in_',
      'onx = to_onnx(',
      '    model,',
      '    initial_types=[("input", FloatTensorType([None, n_features]))],',
      '    options={id(model): {"zipmap": False}},   # classifiers only',
      '    target_opset={"": 17, "ai.onnx.ml": 3},',
      ')',
      `with open("${stem}.onnx", "wb") as f:`,
      '    f.write(onx.SerializeToString())',
    ].join('\n'),
    snippetLanguage: 'python',
  };
}

function safetensorsHint(file: string, stem: string): ConversionHint {
  return {
    summary: 'This safetensors file holds weights only, not the network: ONNX export needs the model code that uses these weights.',
    steps: [
      'For a Hugging Face model (a folder with config.json beside the weights), export the folder with Optimum.',
      'For your own PyTorch network, build the model class, load the weights with safetensors.torch.load_file and load_state_dict, then torch.onnx.export.',
      DYNAMIC_BATCH_STEP,
      OPSET_STEP,
      `Open the exported .onnx in ModelDock and run Validate.`,
    ],
    snippet: [
      '# Hugging Face model folder (config.json + ' + file + '):',
      '#   pip install "optimum[exporters]"',
      '#   optimum-cli export onnx --model ./my_model_folder ./onnx_out/',
      '',
      'import torch',
      'from safetensors.torch import load_file',
      'from my_project.model import MyModel   # the class that defines the network',
      '',
      'model = MyModel()',
      `model.load_state_dict(load_file("${file}"))`,
      'model.eval()',
      'example = torch.randn(1, 3, 224, 224)   # replace with your input shape',
      `torch.onnx.export(model, (example,), "${stem}.onnx", input_names=["input"], output_names=["output"],`,
      '                  dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=17)',
    ].join('\n'),
    snippetLanguage: 'python',
  };
}

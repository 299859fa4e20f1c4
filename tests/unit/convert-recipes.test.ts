import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRecipe } from '../../main/convert/build-recipe';
import { chooseOpset, torchMaxOpset } from '../../main/convert/opset-choice';
import type { RecipeInput } from '../../main/convert/recipe-python';
import { convertNeeds, pipCommand } from '../../main/convert/convert-needs';
import { recipeKindFor } from '../../main/convert/recipe-kind';
import type { PythonInterpreter } from '../../shared/schemas/convert';

/** The recipe text per format: the lines that decide whether a conversion is right. */
const python = (packages: Record<string, string | null>): PythonInterpreter => ({
  path: '/envs/ml/bin/python', source: 'venv', label: 'venv', version: '3.11.2', prefix: '/envs/ml', usable: true, packages,
});

function input(over: Partial<RecipeInput> & Pick<RecipeInput, 'kind'>): RecipeInput {
  return {
    modelPath: '/models/my "net".pt', formatLabel: 'test', onnxPath: '/models/net.onnx', loader: null, scanVerdict: 'safe',
    opset: chooseOpset(over.kind, python({ torch: '1.13.1' })), discovery: null, ...over,
  };
}

test('TorchScript recipe: discovered input filled in, dynamic batch on every input and output, opset 17, TorchScript exporter', () => {
  const text = buildRecipe(input({
    kind: 'torchscript',
    discovery: { source: 'python', inputs: [{ name: 'x', shape: [1, 4], dtype: 'float32', guessed: false }], className: null, features: null, classifier: null, stateDict: null },
  }));
  assert.match(text, /MODEL_PATH = "\/models\/my \\"net\\".pt"/, 'paths are Python literals, quotes escaped');
  assert.match(text, /ONNX_PATH = os\.environ\.get\("MODELDOCK_ONNX_OUT"\) or "\/models\/net\.onnx"/);
  assert.match(text, /\{"name": "x", "shape": \[1, 4\], "dtype": "float32"\}/);
  assert.match(text, /model = torch\.jit\.load\(MODEL_PATH, map_location="cpu"\)/);
  assert.match(text, /dynamic_axes = \{name: \{0: "batch"\} for name in input_names \+ output_names\}/);
  assert.match(text, /^OPSET = 17$/m);
  assert.match(text, /export_options\["dynamo"\] = False/);
  assert.match(text, /torch 1\.13\.1 exports up to opset 17/);
  assert.match(text, /runs up to 26/);
  assert.doesNotMatch(text, /MODEL_CLASS/, 'TorchScript carries its own code');
});

test('state_dict recipe needs the user class: MODEL_CLASS, MODEL_ARGS, weights_only load, checkpoint unwrapping', () => {
  const text = buildRecipe(input({ kind: 'torch-state-dict', modelClass: 'my_project.models:Net' }));
  assert.match(text, /^MODEL_CLASS = "my_project\.models:Net"$/m);
  assert.match(text, /^MODEL_ARGS = \{\}/m);
  assert.match(text, /load_options\["weights_only"\] = True/);
  assert.match(text, /for key in \("model_state_dict", "state_dict", "model"\)/);
  assert.match(text, /cls = load_class\(MODEL_CLASS\)\nmodel = cls\(\*\*MODEL_ARGS\)\nmodel\.load_state_dict\(state\)/);
  assert.match(text, /holds weights only \(a state_dict\): ONNX export needs the network's code/);
  assert.match(text, /^INPUTS = None$/m, 'shapes found at run time when not known');
  const bare = buildRecipe(input({ kind: 'torch-state-dict' }));
  assert.match(bare, /^MODEL_CLASS = None$/m);
  assert.match(bare, /fail\("convert-needs-model-class"/);
});

test('whole-module recipe loads with weights_only=False and can register a class from the training script', () => {
  const text = buildRecipe(input({ kind: 'torch-module', scanVerdict: 'unverified', inputShapes: [[2, 3, 32, 32]] }));
  assert.match(text, /load_options\["weights_only"\] = False/);
  assert.match(text, /setattr\(__main__, cls\.__name__, cls\)/);
  assert.match(text, /\{"name": None, "shape": \[2, 3, 32, 32\], "dtype": "float32"\}/, 'given shapes, names from forward()');
  assert.match(text, /# Safety: ModelDock's scan of my "net"\.pt said "unverified"/);
});

test('scikit-learn recipe: skl2onnx without ZipMap, float input [None, n_features_in_], ai.onnx.ml opset', () => {
  const text = buildRecipe(input({
    kind: 'sklearn', loader: 'joblib', modelPath: '/m/model.joblib',
    discovery: { source: 'python', inputs: [], className: 'sklearn.pipeline.Pipeline', features: 4, classifier: true, stateDict: null },
  }));
  assert.match(text, /^N_FEATURES = 4$/m);
  assert.match(text, /model = joblib\.load\(MODEL_PATH\)/);
  assert.match(text, /options = \{id\(c\): \{"zipmap": False\} for c in classifiers\(model\)\}/);
  assert.match(text, /initial_types=\[\("input", FloatTensorType\(\[None, n_features\]\)\)\]/);
  assert.match(text, /target_opset=\{"": OPSET, "ai\.onnx\.ml": 3\}/);
  assert.match(text, /pickled sklearn\.pipeline\.Pipeline \(joblib\)/);
  const unknown = buildRecipe(input({ kind: 'sklearn', loader: 'pickle', modelPath: '/m/model.pkl' }));
  assert.match(unknown, /^N_FEATURES = None$/m);
  assert.match(unknown, /pickle\.load\(f\)/);
});

test('TensorFlow recipes: from_keras with a None batch; SavedModel and Keras 3 through the tf2onnx command line', () => {
  const h5 = buildRecipe(input({ kind: 'keras-h5', modelPath: '/m/model.h5' }));
  assert.match(h5, /tf\.TensorSpec\(\(None,\) \+ tuple\(t\.shape\[1:\]\)/);
  assert.match(h5, /tf2onnx\.convert\.from_keras\(model, input_signature=specs, opset=OPSET, output_path=ONNX_PATH\)/);
  const saved = buildRecipe(input({ kind: 'tf-savedmodel', modelPath: '/m/saved' }));
  assert.match(saved, /"-m", "tf2onnx\.convert", "--saved-model", saved_model_dir/);
  assert.match(saved, /signatures\["serving_default"\]/);
  const v3 = buildRecipe(input({ kind: 'keras-v3', modelPath: '/m/model.keras' }));
  assert.match(v3, /model\.export\(saved_model_dir\)/);
  const lite = buildRecipe(input({ kind: 'tflite', modelPath: '/m/model.tflite' }));
  assert.match(lite, /tf2onnx\.convert\.from_tflite\(MODEL_PATH, opset=OPSET, output_path=ONNX_PATH\)/);
});

test('recipe kinds by content, needs with the pip command of the chosen interpreter, opset per torch version', () => {
  assert.equal(recipeKindFor({ format: 'pytorch-zip', label: '', pytorchContent: 'state_dict' }), 'torch-state-dict');
  assert.equal(recipeKindFor({ format: 'pytorch-zip', label: '', pytorchContent: 'checkpoint' }), 'torch-state-dict');
  assert.equal(recipeKindFor({ format: 'pytorch-zip', label: '', pytorchContent: 'module' }), 'torch-module');
  assert.equal(recipeKindFor({ format: 'pytorch-zip', label: '', pytorchContent: 'unknown' }, 'm:Net'), 'torch-state-dict');
  assert.equal(recipeKindFor({ format: 'joblib', label: '', library: 'LightGBM' }), 'boosted-trees');
  assert.equal(recipeKindFor({ format: 'pickle', label: '', library: 'scikit-learn' }), 'sklearn');
  assert.equal(recipeKindFor({ format: 'onnx', label: '' }), null);

  const needs = convertNeeds('sklearn', 'joblib', python({ sklearn: '1.2.1', joblib: '1.2.0', skl2onnx: null, onnx: '1.12.0', numpy: '1.24' }));
  assert.deepEqual(needs.missing, ['skl2onnx']);
  assert.equal(needs.pipCommand, '/envs/ml/bin/python -m pip install skl2onnx');
  assert.equal(pipCommand('/My Envs/python', ['tf2onnx']), '"/My Envs/python" -m pip install tf2onnx');
  assert.equal(convertNeeds('keras-h5', null, python({})).missing.join(' '), 'tensorflow tf2onnx numpy');

  assert.equal(torchMaxOpset('1.13.0a0+gitunknown'), 17);
  assert.equal(torchMaxOpset('1.12.1'), 16);
  assert.equal(chooseOpset('torch-module', python({ torch: '1.12.1' })).opset, 16);
  assert.equal(chooseOpset('torchscript', python({ torch: '2.4.0' })).opset, 17);
  assert.match(chooseOpset('torchscript', python({ torch: '1.13.1' }), 18).reason, /at most opset 17/);
});

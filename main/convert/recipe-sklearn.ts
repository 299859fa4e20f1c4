import * as path from 'node:path';
import { header, HELPERS, settings, type RecipeInput } from './recipe-python';

/**
 * skl2onnx recipes for scikit-learn estimators and pipelines (and onnxmltools for XGBoost, LightGBM, CatBoost).
 * Inputs are float32 [batch, n_features_in_]; ZipMap is off for every classifier inside, so probabilities come out
 * as a float tensor [batch, classes] that onnxruntime-node can return (it cannot return ZipMap's maps).
 */
export function sklearnRecipe(input: RecipeInput): string {
  const file = path.basename(input.modelPath);
  const d = input.discovery;
  const given = input.inputShapes?.[0]?.[1];
  const features = given ?? d?.features ?? null;
  const boosted = input.kind === 'boosted-trees';
  const what = [
    `${file} is a pickled ${d?.className ?? (boosted ? 'gradient-boosted trees model' : 'scikit-learn estimator')} (${input.loader ?? 'pickle'}); loading it runs its pickle.`,
    features !== null
      ? `Input: one float32 tensor "input" [batch, ${features}] (n_features_in_${given ? ', as given' : ''}).`
      : 'Input: one float32 tensor "input" [batch, n_features_in_], read from the model when this runs.',
    ...(boosted ? [] : ['ZipMap: off (options {"zipmap": False} for each classifier), so probabilities are a float tensor [batch, classes].']),
  ];
  const extra = [
    '# Number of input features (n_features_in_); None: read from the model when this runs.',
    `N_FEATURES = ${features ?? 'None'}`,
  ];
  return [header(input, boosted ? 'onnxmltools' : 'skl2onnx', what), '', settings(input, extra), HELPERS, '', body(input, boosted), ''].join('\n');
}

function body(input: RecipeInput, boosted: boolean): string {
  const load = input.loader === 'joblib'
    ? ['joblib = need("joblib", "joblib")', 'model = joblib.load(MODEL_PATH)']
    : ['import pickle', 'with open(MODEL_PATH, "rb") as f:', '    model = pickle.load(f)'];
  return [
    '',
    'report("phase", "loading")',
    'np = need("numpy", "numpy")',
    ...(boosted ? [] : ['need("sklearn", "scikit-learn")  # unpickling needs the scikit-learn version it was trained with']),
    ...load,
    'n_features = N_FEATURES or getattr(model, "n_features_in_", None)',
    'classifier = hasattr(model, "predict_proba") and getattr(model, "_estimator_type", None) == "classifier"',
    'if DISCOVER_ONLY:',
    '    inputs = [{"name": "input", "shape": [1, int(n_features)], "dtype": "float32", "guessed": False, "why": "n_features_in_"}] if n_features else []',
    '    report("discovered", {"className": type(model).__module__ + "." + type(model).__qualname__, "inputs": inputs,',
    '                          "features": int(n_features) if n_features else None, "classifier": bool(classifier)})',
    '    sys.exit(0)',
    'if not n_features:',
    '    fail("convert-needs-input-shape", "The model does not say how many features it takes (no n_features_in_).",',
    '         "Set N_FEATURES in the recipe, or give --input-shape 1,<features>.")',
    'n_features = int(n_features)',
    '',
    'report("phase", "exporting")',
    ...(boosted ? boostedExport() : sklearnExport()),
    'with open(ONNX_PATH, "wb") as f:',
    '    f.write(onx.SerializeToString())',
    'report("exported", ONNX_PATH)',
    '',
    '# The original model\'s predictions on batches of 1 and 3 random rows, for ModelDock to compare with.',
    'samples = []',
    'for seed, batch in ((1, 1), (2, 3)):',
    '    rows = np.random.RandomState(seed).randn(batch, n_features).astype(np.float32)',
    '    outputs = [np.asarray(model.predict(rows))]',
    '    if classifier:',
    '        outputs.append(np.asarray(model.predict_proba(rows), dtype=np.float32))',
    '    samples.append(([rows], outputs))',
    'output_names = [o.name for o in onx.graph.output]',
    'save_reference(samples, ["input"], output_names)',
    'report("phase", "done")',
  ].join('\n');
}

function sklearnExport(): string[] {
  return [
    'need("skl2onnx", "skl2onnx")',
    'from skl2onnx import convert_sklearn',
    'from skl2onnx.common.data_types import FloatTensorType',
    '',
    '',
    'def classifiers(estimator):',
    '    # Every classifier inside pipelines and column transformers: each gets {"zipmap": False}.',
    '    found = []',
    '    children = [step for _, step in getattr(estimator, "steps", [])]',
    '    children += [t for _, t, _ in getattr(estimator, "transformers", [])]',
    '    if children:',
    '        for child in children:',
    '            found += classifiers(child)',
    '    elif getattr(estimator, "_estimator_type", None) == "classifier":',
    '        found.append(estimator)',
    '    return found',
    '',
    '',
    'options = {id(c): {"zipmap": False} for c in classifiers(model)}',
    'onx = convert_sklearn(',
    '    model,',
    '    initial_types=[("input", FloatTensorType([None, n_features]))],  # None: dynamic batch',
    '    options=options or None,',
    '    target_opset={"": OPSET, "ai.onnx.ml": 3},',
    ')',
  ];
}

function boostedExport(): string[] {
  return [
    'need("onnxmltools", "onnxmltools")',
    'import onnxmltools',
    'from onnxmltools.convert.common.data_types import FloatTensorType',
    'library = type(model).__module__.split(".")[0]',
    'convert = {"xgboost": onnxmltools.convert_xgboost, "lightgbm": onnxmltools.convert_lightgbm, "catboost": onnxmltools.convert_catboost}.get(library)',
    'if convert is None:',
    '    fail("convert-unsupported-model", "%s models are not converted by this recipe." % type(model).__name__, "Convert it with skl2onnx or onnxmltools by hand.")',
    'extra = {"zipmap": False} if library == "lightgbm" and classifier else {}',
    'onx = convert(model, initial_types=[("input", FloatTensorType([None, n_features]))], target_opset=OPSET, **extra)',
  ];
}

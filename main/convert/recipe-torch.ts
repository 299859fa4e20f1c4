import * as path from 'node:path';
import { header, HELPERS, py, pyData, settings, type RecipeInput } from './recipe-python';

/**
 * torch.onnx.export recipes: TorchScript archives, whole pickled nn.Modules, and weights-only files (state_dict,
 * safetensors) rebuilt with the user's class. The TorchScript exporter (dynamo=False where torch has the switch)
 * is used because dynamic_axes then marks the batch axis exactly as written.
 */
export function torchRecipe(input: RecipeInput): string {
  const file = path.basename(input.modelPath);
  const what = describe(input, file);
  const extra = [
    ...inputSettings(input),
    ...(input.kind === 'torchscript' ? [] : [
      input.kind === 'torch-module'
        ? '# Only if loading fails because the class cannot be found: where it is defined ("module:Class" or "path/to/file.py:Class").'
        : '# The class that defines the network: "package.module:Class" or "path/to/file.py:Class" (weights alone cannot be exported).',
      `MODEL_CLASS = ${py(input.modelClass)}`,
      ...(input.kind === 'torch-module' ? [] : ['MODEL_ARGS = {}  # constructor arguments, the same as in training']),
    ]),
  ];
  return [header(input, 'torch.onnx.export', what), '', settings(input, extra), HELPERS, TORCH_HELPERS, '', body(input), ''].join('\n');
}

function describe(input: RecipeInput, file: string): string[] {
  const d = input.discovery;
  const found = d && d.inputs.length
    ? [`Inputs ${d.source === 'request' ? 'as given' : 'found by loading the model'}: ${d.inputs.map((i) => `${i.name} ${i.dtype}[${i.shape.join(', ')}]${i.guessed ? ' (partly guessed)' : ''}`).join(', ')}.`]
    : ['Inputs: discovered when this runs, from forward() and the first layer; set INPUTS below to give them yourself.'];
  switch (input.kind) {
    case 'torchscript':
      return [`${file} is a TorchScript archive: it carries its own code, so no Python class is needed.`, ...found];
    case 'torch-module':
      return [`${file} is a whole pickled nn.Module: loading it imports the classes it was saved with.`, ...found];
    case 'safetensors':
      return [`${file} holds weights only (safetensors): the network is built from MODEL_CLASS, then the weights are loaded.`, ...found];
    default:
      return [`${file} holds weights only (a state_dict): ONNX export needs the network's code, so MODEL_CLASS must name`, 'the class it was trained with; the weights are then loaded into it.', ...found];
  }
}

function inputSettings(input: RecipeInput): string[] {
  const given = input.inputShapes;
  let inputs: Array<Record<string, unknown>> | null = null;
  if (given?.length) {
    const names = input.discovery?.source === 'python' ? input.discovery.inputs.map((i) => i.name) : [];
    inputs = given.map((shape, i) => ({ name: names[i] ?? null, shape, dtype: input.discovery?.source === 'python' ? input.discovery.inputs[i]?.dtype ?? 'float32' : 'float32' }));
  } else if (input.discovery?.inputs.length) {
    inputs = input.discovery.inputs.map((i) => ({ name: i.name, shape: i.shape, dtype: i.dtype, ...(i.high !== undefined ? { high: i.high } : {}) }));
  }
  return [
    '# One entry per forward() argument: an example shape (batch first; the batch axis is exported as dynamic) and dtype.',
    '# None: found when this runs from forward()\'s arguments and the first layer\'s weights.',
    `INPUTS = ${inputs ? `[\n${inputs.map((i) => `    ${pyData(i)},`).join('\n')}\n]` : 'None'}`,
  ];
}

const TORCH_HELPERS = `

# Image and sequence sizes are not stored in a network's weights: these are the guesses for conv layers.
GUESSED_SIZES = {1: [128], 2: [224, 224], 3: [16, 112, 112]}


def forward_arg_names(model):
    schema = getattr(getattr(model, "forward", None), "schema", None)
    if schema is not None:  # TorchScript
        return [a.name for a in schema.arguments[1:]]
    import inspect
    params = inspect.signature(model.forward).parameters.values()
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]


def first_layer_input(model):
    # The first layer with weights tells the input's features or channels.
    for _, module in model.named_modules():
        kind = getattr(module, "original_name", None) or type(module).__name__
        weight = getattr(module, "weight", None)
        if kind == "Linear" and weight is not None:
            n = int(weight.shape[1])
            return {"shape": [1, n], "dtype": "float32", "guessed": False, "why": "in_features=%d of the first Linear layer" % n}
        if kind in ("Conv1d", "Conv2d", "Conv3d") and weight is not None:
            dims = int(kind[4])
            channels = int(weight.shape[1]) * int(getattr(module, "groups", 1))
            return {"shape": [1, channels] + GUESSED_SIZES[dims], "dtype": "float32", "guessed": True,
                    "why": "%d channels from the first %s layer; the size %s is a guess (not stored in the model)" % (channels, kind, GUESSED_SIZES[dims])}
        if kind == "Embedding" and weight is not None:
            return {"shape": [1, 16], "dtype": "int64", "high": int(weight.shape[0]), "guessed": True,
                    "why": "token ids below %d for the first Embedding layer; the length 16 is a guess" % int(weight.shape[0])}
        if kind in ("LSTM", "GRU", "RNN"):
            w = getattr(module, "weight_ih_l0", None)
            if w is not None and bool(getattr(module, "batch_first", False)):
                return {"shape": [1, 8, int(w.shape[1])], "dtype": "float32", "guessed": True,
                        "why": "input_size=%d of the first %s; the length 8 is a guess" % (int(w.shape[1]), kind)}
            return None
        if kind in ("BatchNorm1d", "LayerNorm") and weight is not None:
            return {"shape": [1] + [int(s) for s in weight.shape], "dtype": "float32", "guessed": True,
                    "why": "features from the first %s layer" % kind}
        if weight is not None:
            return None
    return None


def resolve_inputs(model, inputs):
    names = forward_arg_names(model)
    if inputs is not None:
        for i, spec in enumerate(inputs):
            if not spec.get("name"):
                spec["name"] = names[i] if i < len(names) else "input_%d" % i
            spec.setdefault("dtype", "float32")
        return inputs
    if len(names) != 1:
        fail("convert-needs-input-shape",
             "forward() takes %d inputs (%s); ModelDock can only work out the shape of a single input." % (len(names), ", ".join(names)),
             "Give one example shape per input, batch first (INPUTS in the recipe, or --input-shape).")
    found = first_layer_input(model)
    if found is None:
        fail("convert-needs-input-shape",
             "The input shape could not be worked out from the model's first layer.",
             "Give an example input shape, batch first, e.g. 1,3,224,224 (INPUTS in the recipe, or --input-shape).")
    found["name"] = names[0]
    return [found]


def make_inputs(torch, specs, batch, seed):
    generator = torch.Generator().manual_seed(seed)
    tensors = []
    for spec in specs:
        shape = [batch] + list(spec["shape"][1:])
        dtype = getattr(torch, spec["dtype"])
        if dtype.is_floating_point:
            tensors.append(torch.randn(shape, generator=generator, dtype=dtype))
        else:
            tensors.append(torch.randint(0, spec.get("high", 10), shape, generator=generator, dtype=dtype))
    return tuple(tensors)


def flatten_outputs(torch, out):
    if isinstance(out, torch.Tensor):
        return [out], ["output"]
    if isinstance(out, (list, tuple)) and all(isinstance(o, torch.Tensor) for o in out):
        return list(out), ["output_%d" % i for i in range(len(out))]
    if isinstance(out, dict) and all(isinstance(o, torch.Tensor) for o in out.values()):
        return list(out.values()), [str(k) for k in out.keys()]
    fail("convert-output-unsupported", "The model returns a %s, not tensors." % type(out).__name__,
         "Wrap the model in a module whose forward() returns a tensor or a tuple of tensors, and export that.")`;

function body(input: RecipeInput): string {
  const lines = [
    '',
    'report("phase", "loading")',
    'torch = need("torch", "torch")',
    'np = need("numpy", "numpy")',
    'import inspect',
    '# Classes and modules kept beside the model file can be imported while loading it.',
    'sys.path.insert(0, os.path.dirname(os.path.abspath(MODEL_PATH)))',
    '',
    ...loadLines(input),
    'model.eval()',
    'inputs = resolve_inputs(model, INPUTS)',
    'if DISCOVER_ONLY:',
    '    report("discovered", {"className": type(model).__module__ + "." + type(model).__qualname__, "inputs": inputs})',
    '    sys.exit(0)',
    '',
    'report("phase", "exporting")',
    'example = make_inputs(torch, inputs, 1, 0)',
    'with torch.no_grad():',
    '    _, output_names = flatten_outputs(torch, model(*example))',
    'input_names = [spec["name"] for spec in inputs]',
    '# The batch axis (0) of every input and output is dynamic: any batch size works in the exported model.',
    'dynamic_axes = {name: {0: "batch"} for name in input_names + output_names}',
    'export_options = dict(input_names=input_names, output_names=output_names, dynamic_axes=dynamic_axes,',
    '                      opset_version=OPSET, do_constant_folding=True)',
    'if "dynamo" in inspect.signature(torch.onnx.export).parameters:',
    '    export_options["dynamo"] = False  # the TorchScript exporter, which honours dynamic_axes as written',
    'torch.onnx.export(model, example, ONNX_PATH, **export_options)',
    'report("exported", ONNX_PATH)',
    '',
    '# The original model\'s outputs on batches of 1 and 3: ModelDock runs the ONNX model on the same inputs.',
    'samples = []',
    'with torch.no_grad():',
    '    for seed, batch in ((1, 1), (2, 3)):',
    '        sample = make_inputs(torch, inputs, batch, seed)',
    '        outputs, _ = flatten_outputs(torch, model(*sample))',
    '        samples.append(([t.numpy() for t in sample], [o.detach().cpu().numpy() for o in outputs]))',
    'save_reference(samples, input_names, output_names)',
    'report("phase", "done")',
  ];
  return lines.join('\n');
}

function loadLines(input: RecipeInput): string[] {
  switch (input.kind) {
    case 'torchscript':
      return ['model = torch.jit.load(MODEL_PATH, map_location="cpu")'];
    case 'torch-module':
      return [
        'if MODEL_CLASS:',
        '    cls = load_class(MODEL_CLASS)',
        '    import __main__',
        '    setattr(__main__, cls.__name__, cls)  # a model pickled from a training script refers to __main__.<Class>',
        'load_options = {"map_location": "cpu"}',
        'if "weights_only" in inspect.signature(torch.load).parameters:',
        '    load_options["weights_only"] = False  # a whole model is a pickle of its classes, not only tensors',
        'try:',
        '    model = torch.load(MODEL_PATH, **load_options)',
        'except (AttributeError, ImportError) as error:',
        '    fail("convert-class-not-importable",',
        '         "%s refers to a Python class that cannot be imported here (%s): a whole pickled model needs the code of its classes." % (os.path.basename(MODEL_PATH), error),',
        '         "Name the class that defines the model (module:Class or path/to/file.py:Class), or run with the environment it was trained in.")',
        'if isinstance(model, dict):',
        '    fail("convert-needs-model-class",',
        '         "%s holds a dict of tensors (a state_dict or checkpoint), not a model: the network\'s code is needed to export it." % os.path.basename(MODEL_PATH),',
        '         "Name the class that defines the network (module:Class or path/to/file.py:Class).")',
      ];
    default: {
      const loadState = input.kind === 'safetensors'
        ? ['safetensors_torch = need("safetensors.torch", "safetensors")', 'state = safetensors_torch.load_file(MODEL_PATH)']
        : [
          'load_options = {"map_location": "cpu"}',
          'if "weights_only" in inspect.signature(torch.load).parameters:',
          '    load_options["weights_only"] = True  # tensors only: nothing in the file can run code',
          'state = torch.load(MODEL_PATH, **load_options)',
          'if isinstance(state, dict):',
          '    for key in ("model_state_dict", "state_dict", "model"):',
          '        if isinstance(state.get(key), dict):',
          '            state = state[key]  # a training checkpoint: the weights are one entry of it',
          '            break',
        ];
      return [
        ...loadState,
        'if not MODEL_CLASS:',
        '    tensors = [(k, list(v.shape)) for k, v in state.items() if hasattr(v, "shape")]',
        '    if DISCOVER_ONLY:',
        '        report("discovered", {"className": None, "inputs": [], "stateDict": {"tensors": len(tensors), "first": tensors[:8]}})',
        '        sys.exit(0)',
        '    fail("convert-needs-model-class",',
        '         "%s holds weights only (%d tensors, e.g. %s): ONNX export needs the network\'s code." % (os.path.basename(MODEL_PATH), len(tensors), ", ".join(k for k, _ in tensors[:3])),',
        '         "Name the class that defines the network (module:Class or path/to/file.py:Class) and its constructor arguments.")',
        'cls = load_class(MODEL_CLASS)',
        'model = cls(**MODEL_ARGS)',
        'model.load_state_dict(state)',
      ];
    }
  }
}

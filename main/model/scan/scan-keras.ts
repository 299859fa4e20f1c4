import type { ScanLocation } from '../../../shared/schemas/scan';
import type { ScanCollector } from './scan-collector';

/**
 * Keras models carry code in two places: Lambda layers (Python bytecode, base64-encoded marshal data, that runs
 * when the model is loaded) and custom objects (classes from the author's code, imported by name when loading).
 * The config is JSON: config.json in a .keras zip, the model_config attribute in an .h5 file, found here by
 * searching the file for JSON text, since HDF5 stores attribute strings as plain bytes.
 */

/** Built-in Keras/tf.keras class names that may appear as class_name without a module. */
const BUILTIN_CLASSES = new Set(`
Sequential Functional Model InputLayer Input Dense Activation Dropout Flatten Reshape Permute RepeatVector
ActivityRegularization Masking Embedding Conv1D Conv2D Conv3D Conv1DTranspose Conv2DTranspose Conv3DTranspose
SeparableConv1D SeparableConv2D DepthwiseConv1D DepthwiseConv2D Convolution1D Convolution2D Convolution3D Cropping1D
Cropping2D Cropping3D UpSampling1D UpSampling2D UpSampling3D ZeroPadding1D ZeroPadding2D ZeroPadding3D MaxPooling1D
MaxPooling2D MaxPooling3D AveragePooling1D AveragePooling2D AveragePooling3D MaxPool1D MaxPool2D MaxPool3D AvgPool1D
AvgPool2D AvgPool3D GlobalMaxPooling1D GlobalMaxPooling2D GlobalMaxPooling3D GlobalAveragePooling1D
GlobalAveragePooling2D GlobalAveragePooling3D GlobalMaxPool1D GlobalMaxPool2D GlobalMaxPool3D GlobalAvgPool1D
GlobalAvgPool2D GlobalAvgPool3D LSTM GRU SimpleRNN RNN LSTMCell GRUCell SimpleRNNCell StackedRNNCells Bidirectional
TimeDistributed ConvLSTM1D ConvLSTM2D ConvLSTM3D Add Subtract Multiply Average Maximum Minimum Concatenate Dot
BatchNormalization LayerNormalization GroupNormalization UnitNormalization SpectralNormalization Normalization
LeakyReLU PReLU ELU ThresholdedReLU Softmax ReLU Attention AdditiveAttention MultiHeadAttention GroupedQueryAttention
GaussianNoise GaussianDropout AlphaDropout SpatialDropout1D SpatialDropout2D SpatialDropout3D Rescaling Resizing
CenterCrop RandomCrop RandomFlip RandomRotation RandomZoom RandomContrast RandomTranslation RandomBrightness
RandomHeight RandomWidth TextVectorization StringLookup IntegerLookup CategoryEncoding Hashing Discretization
HashedCrossing Identity Wrapper Lambda TFOpLambda SlicingOpLambda
GlorotUniform GlorotNormal HeUniform HeNormal LecunUniform LecunNormal Zeros Ones Constant RandomUniform RandomNormal
TruncatedNormal VarianceScaling Orthogonal Identity
L1 L2 L1L2 OrthogonalRegularizer MaxNorm MinMaxNorm NonNeg UnitNorm RadialConstraint
Adam AdamW Adamax Adagrad Adadelta Nadam RMSprop SGD Ftrl Lion Adafactor LossScaleOptimizer
ExponentialDecay PiecewiseConstantDecay PolynomialDecay InverseTimeDecay CosineDecay CosineDecayRestarts
MeanSquaredError MeanAbsoluteError MeanAbsolutePercentageError MeanSquaredLogarithmicError BinaryCrossentropy
CategoricalCrossentropy SparseCategoricalCrossentropy Hinge SquaredHinge CategoricalHinge Huber LogCosh Poisson
KLDivergence CosineSimilarity BinaryFocalCrossentropy CategoricalFocalCrossentropy
Accuracy BinaryAccuracy CategoricalAccuracy SparseCategoricalAccuracy TopKCategoricalAccuracy
SparseTopKCategoricalAccuracy AUC Precision Recall Mean MeanMetricWrapper MeanIoU RootMeanSquaredError
DTypePolicy Policy FloatDTypePolicy __tuple__ __tensor__ __numpy__ __bytes__ __typespec__ TensorShape
`.trim().split(/\s+/));

const KERAS_MODULE = /^(keras|tf_keras|tensorflow\.keras|tensorflow\.python\.keras)(\.|$)/;

export function analyseKerasConfig(config: unknown, where: ScanLocation, collector: ScanCollector): void {
  const seen = new Set<string>();
  const visit = (node: unknown, depth: number): void => {
    if (depth > 200 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) { for (const item of node) visit(item, depth + 1); return; }
    const obj = node as Record<string, unknown>;
    const className = typeof obj.class_name === 'string' ? obj.class_name : undefined;
    if (className) judgeClass(obj, className, where, collector, seen);
    for (const value of Object.values(obj)) visit(value, depth + 1);
  };
  visit(config, 0);
}

function judgeClass(obj: Record<string, unknown>, className: string, where: ScanLocation, collector: ScanCollector, seen: Set<string>): void {
  const config = (obj.config && typeof obj.config === 'object' ? obj.config : {}) as Record<string, unknown>;
  const layerName = typeof config.name === 'string' ? `"${config.name}"` : 'without a name';
  const module = typeof obj.module === 'string' ? obj.module : undefined;
  const registered = typeof obj.registered_name === 'string' ? obj.registered_name : undefined;

  if (className === 'Lambda' || className === '__lambda__') {
    const fn = config.function;
    const bytecode = (Array.isArray(fn) && typeof fn[0] === 'string') || config.function_type === 'lambda' || className === '__lambda__'
      || (fn && typeof fn === 'object' && (fn as Record<string, unknown>).class_name === '__lambda__');
    collector.addFinding({
      verdict: bytecode ? 'dangerous' : 'unverified',
      title: bytecode ? `Lambda layer ${layerName} carries Python bytecode` : `Lambda layer ${layerName} calls a named function`,
      detail: bytecode
        ? 'Its function is stored as marshalled Python bytecode, which Keras runs when the model is loaded (Keras 3 refuses unless safe_mode=False; tf.keras 2 runs it). It can do anything Python can.'
        : `Its function is looked up by name (${JSON.stringify(fn)?.slice(0, 80)}); loading needs that code.`,
      where,
    });
    return;
  }
  if (className === 'TFOpLambda' || className === 'SlicingOpLambda') {
    const fn = typeof config.function === 'string' ? config.function : '?';
    if (!/^(math|nn|linalg|image|signal|__operators__|compat\.v1\.(math|nn))\.[A-Za-z_]+$|^[a-z_]+$/.test(fn) || /io|file|py_func|numpy_function|print/i.test(fn)) {
      collector.addFinding({ verdict: 'unverified', title: `TensorFlow op layer calls tf.${fn}`, detail: 'The layer calls a TensorFlow function by name; this one is not a plain math operation.', where });
    }
    return;
  }
  if (className === 'function' && module === 'builtins') {
    collector.addFinding({ verdict: 'unverified', title: `A function named ${JSON.stringify(obj.config)} is referenced`, detail: 'Loading needs the code that defines it (a custom object).', where });
    return;
  }
  const custom = (module !== undefined && !KERAS_MODULE.test(module) && module !== 'builtins')
    || (registered !== undefined && registered.includes('>'))
    || (module === undefined && !BUILTIN_CLASSES.has(className));
  if (!custom) return;
  const key = `${module ?? ''}:${registered ?? className}`;
  if (seen.has(key)) return;
  seen.add(key);
  collector.addFinding({
    verdict: 'unverified',
    title: `Custom object ${registered ?? className}${module ? ` from ${module}` : ''}`,
    detail: 'This class is not part of Keras: loading the model imports it from the author\'s code (custom_objects), and that code runs. The scan cannot see it.',
    where,
  });
}

/**
 * JSON objects that start with {"class_name" (Keras model and training configs) anywhere in binary data, each
 * parsed on its own. Returns how many were found.
 */
export function scanEmbeddedKerasJson(data: Buffer, member: string | null, collector: ScanCollector): number {
  let found = 0;
  let from = 0;
  const needle = Buffer.from('{"class_name"');
  while (found < 50) {
    const start = data.indexOf(needle, from);
    if (start < 0) break;
    const end = jsonObjectEnd(data, start);
    if (end < 0) { from = start + 1; continue; }
    try {
      const config = JSON.parse(data.toString('utf8', start, end)) as unknown;
      analyseKerasConfig(config, { member, offset: start }, collector);
      found++;
      from = end;
    } catch {
      from = start + 1;
    }
  }
  return found;
}

/** Index just past the JSON object starting at `start` (balanced braces outside strings), or -1. */
function jsonObjectEnd(data: Buffer, start: number): number {
  let depth = 0;
  let inString = false;
  const limit = Math.min(data.length, start + 256 * 1024 * 1024);
  for (let i = start; i < limit; i++) {
    const c = data[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    } else if (c === 0) return -1;
  }
  return -1;
}

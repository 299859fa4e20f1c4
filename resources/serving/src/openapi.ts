import type { IoMeta } from '../../../main/inference/worker-protocol';
import { lessonExample, v2Example } from './examples';
import { describeIo, type ModelInfo } from './model-info';
import { toV2Datatype, V2_DATATYPES } from '../../../shared/v2-datatypes';

/**
 * /openapi.json: OpenAPI 3.1 for every route, with the served model's real input and output names, shapes and
 * types in the schemas, so client generators and API tools get the exact request shape.
 */
type Schema = Record<string, unknown>;

function valueSchema(input: IoMeta): Schema {
  switch (input.elementType) {
    case 'float32': case 'float64': case 'float16': return { type: ['number', 'null'] };
    case 'bool': return { type: 'boolean' };
    case 'string': return { oneOf: [{ type: 'string' }, { type: 'object', properties: { b64: { type: 'string', contentEncoding: 'base64' } }, required: ['b64'] }] };
    case 'int64': case 'uint64': return { oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?\\d+$' }] };
    default: return { type: 'integer' };
  }
}

/** Nested arrays following the dims (fixed dims give minItems = maxItems). */
function tensorSchema(io: IoMeta, dims = io.dims): Schema {
  let schema = valueSchema(io);
  for (let axis = dims.length - 1; axis >= 0; axis--) {
    const d = dims[axis];
    const array: Schema = { type: 'array', items: schema };
    if (typeof d === 'number' && d >= 0) { array.minItems = d; array.maxItems = d; }
    schema = array;
  }
  return { ...schema, description: `${io.name}: ${describeIo(io)}` };
}

function rowSchema(io: IoMeta): Schema {
  return tensorSchema(io, io.dims.slice(1));
}

const ENCODED_IMAGE: Schema = { type: 'object', required: ['b64'], properties: { b64: { type: 'string', contentEncoding: 'base64', contentMediaType: 'image/*', description: 'A PNG or JPEG file, base64; decoded and preprocessed by the server.' } } };

/** An image input takes its preprocessed values, or the encoded image itself as {"b64": ...} (TF Serving's way). */
function imageOr(model: ModelInfo, io: IoMeta, values: Schema, images: Schema): Schema {
  return model.imageInputs.has(io.name) ? { oneOf: [values, images] } : values;
}

const json = (schema: Schema, example?: unknown) => ({ 'application/json': example === undefined || example === null ? { schema } : { schema, example } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = { description: 'Refused: the message names the input and expected vs given shape or type.', content: json(ref('Error')) };

export function openApiDocument(model: ModelInfo, version: string): Record<string, unknown> {
  const single = model.inputs.length === 1;
  const row = (io: IoMeta) => imageOr(model, io, rowSchema(io), ENCODED_IMAGE);
  const column = (io: IoMeta) => imageOr(model, io, tensorSchema(io), { oneOf: [ENCODED_IMAGE, { type: 'array', minItems: 1, items: ENCODED_IMAGE }] });
  const instance: Schema = single ? row(model.inputs[0]) : {
    type: 'object',
    properties: Object.fromEntries(model.inputs.map((i) => [i.name, row(i)])),
    required: model.inputs.map((i) => i.name),
    additionalProperties: false,
  };
  const columns: Schema = single ? column(model.inputs[0]) : {
    type: 'object', properties: Object.fromEntries(model.inputs.map((i) => [i.name, column(i)])), additionalProperties: false,
  };
  const primary = model.primaryOutput;
  const lesson = lessonExample(model);
  const v2 = v2Example(model);
  const imageBodies: Record<string, unknown> = model.imageInputs.size ? {
    'multipart/form-data': { schema: { type: 'object', properties: Object.fromEntries([...model.imageInputs.keys()].map((n) => [n, { type: 'string', contentMediaType: 'image/*', contentEncoding: 'binary' }])) } },
    'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
    'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } },
  } : {};
  const nameParam = { name: 'name', in: 'path', required: true, schema: { type: 'string', enum: [model.name] } };
  const versionParam = { name: 'version', in: 'path', required: true, schema: { type: 'string', enum: [model.version] } };
  const ok = (description: string, content?: unknown) => ({ description, ...(content ? { content } : {}) });
  // Ground truth for an earlier prediction (model monitoring: rolling accuracy or mean absolute error).
  const feedback = {
    summary: 'Ground truth for an earlier prediction: {"id": X-Request-Id of its answer, "outcome": the true class or value (a list for several rows)}',
    requestBody: { required: true, content: json({ type: 'object', required: ['id', 'outcome'], properties: { id: { type: 'string' }, outcome: {} } }) },
    responses: { 200: ok('Scored', json({ type: 'object' })), 400: error, 404: error, 409: error },
  };
  const v2Infer = {
    summary: 'V2 Open Inference Protocol inference (JSON, or binary tensor data with Inference-Header-Content-Length)',
    parameters: [nameParam, { name: 'Inference-Header-Content-Length', in: 'header', required: false, schema: { type: 'integer', minimum: 0 } }],
    requestBody: { required: true, content: { ...json(ref('V2InferenceRequest'), v2), 'application/octet-stream': { schema: { type: 'string', contentEncoding: 'binary' } }, ...imageBodies } },
    responses: { 200: ok('Outputs (binary outputs follow the JSON header when requested)', { ...json(ref('V2InferenceResponse')), 'application/octet-stream': { schema: { type: 'string', contentEncoding: 'binary' } } }), 400: error, 404: error, 413: error, 415: error, 503: error, 504: error },
  };
  const v2Tensor = (withData: boolean): Schema => ({
    type: 'object',
    required: ['name', 'shape', 'datatype'],
    properties: {
      name: { type: 'string', enum: (withData ? model.inputs : model.outputs).map((t) => t.name) },
      shape: { type: 'array', items: { type: 'integer', minimum: 0 } },
      datatype: { type: 'string', enum: V2_DATATYPES },
      parameters: { type: 'object', properties: { binary_data_size: { type: 'integer', minimum: 0 }, binary_data: { type: 'boolean' } } },
      data: {
        type: 'array',
        description: withData && model.imageInputs.size
          ? `Values in row-major order, flat or nested. An image input (${[...model.imageInputs.keys()].join(', ')}) also takes encoded PNG/JPEG files as datatype BYTES, shape [N]: base64 strings here, or raw bytes with binary_data_size.`
          : 'Values in row-major order, flat or nested.',
      },
    },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: `${model.name} model server`,
      version: model.version,
      description: `${model.description ?? 'A model served by ModelDock.'}\n\nInputs: ${model.inputs.map((i) => `${i.name} ${describeIo(i)} (V2 ${toV2Datatype(i.elementType)})`).join('; ')}. Outputs: ${model.outputs.map((o) => `${o.name} ${describeIo(o)}`).join('; ')}.${model.labels ? ` Classes: ${model.labels.join(', ')}.` : ''} Runtime ${version}.`,
    },
    paths: {
      '/': { get: { summary: 'What this server is: an HTML try-it page for browsers, plain text with curl lines otherwise', responses: { 200: ok('Page', { 'text/html': { schema: { type: 'string' } }, 'text/plain': { schema: { type: 'string' } } }) } } },
      '/predict': {
        post: {
          summary: 'The Flask lesson\'s API: {"instances": [...]} -> {"predictions": [...], "labels": [...]}',
          requestBody: { required: true, content: { ...json(ref('PredictRequest'), lesson), ...imageBodies } },
          responses: { 200: ok('Predictions', json(ref('PredictResponse'))), 400: error, 413: error, 415: error, 503: error, 504: error },
        },
      },
      '/v1/models': { get: { summary: 'Models served (KServe V1)', responses: { 200: ok('Model names', json({ type: 'object', properties: { models: { type: 'array', items: { type: 'string' } } } })) } } },
      '/v1/models/{name}': { get: { summary: 'Model status (TF Serving / KServe V1)', parameters: [nameParam], responses: { 200: ok('Status', json({ type: 'object' })), 404: error } } },
      '/v1/models/{name}:predict': {
        post: {
          summary: 'TF Serving / KServe V1 predict: "instances" (rows) -> "predictions", or "inputs" (columns) -> "outputs"',
          parameters: [nameParam],
          requestBody: { required: true, content: { ...json(ref('V1PredictRequest'), lesson), ...imageBodies } },
          responses: { 200: ok('Predictions', json(ref('V1PredictResponse'))), 400: error, 404: error, 413: error, 415: error, 503: error, 504: error },
        },
      },
      '/v2': { get: { summary: 'Server metadata (V2)', responses: { 200: ok('Metadata', json({ type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' }, extensions: { type: 'array', items: { type: 'string' } } } })) } } },
      '/v2/health/live': { get: { summary: 'Liveness (V2)', responses: { 200: ok('Live') } } },
      '/v2/health/ready': { get: { summary: 'Readiness (V2)', responses: { 200: ok('Ready'), 503: ok('Not ready (loading or shutting down)') } } },
      '/v2/models/{name}': { get: { summary: 'Model metadata (V2)', parameters: [nameParam], responses: { 200: ok('Metadata', json(ref('V2ModelMetadata'))), 404: error } } },
      '/v2/models/{name}/versions/{version}': { get: { summary: 'Model metadata for a version (V2)', parameters: [nameParam, versionParam], responses: { 200: ok('Metadata', json(ref('V2ModelMetadata'))), 404: error } } },
      '/v2/models/{name}/ready': { get: { summary: 'Model readiness (V2)', parameters: [nameParam], responses: { 200: ok('Ready'), 404: error, 503: ok('Not ready') } } },
      '/v2/models/{name}/versions/{version}/ready': { get: { summary: 'Model readiness for a version (V2)', parameters: [nameParam, versionParam], responses: { 200: ok('Ready'), 404: error, 503: ok('Not ready') } } },
      '/v2/models/{name}/infer': { post: v2Infer },
      '/v2/models/{name}/versions/{version}/infer': { post: { ...v2Infer, parameters: [...v2Infer.parameters, versionParam] } },
      '/feedback': { post: feedback },
      '/v2/models/{name}/feedback': { post: { ...feedback, parameters: [nameParam] } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: ok('Text exposition format 0.0.4', { 'text/plain': { schema: { type: 'string' } } }) } } },
      '/healthz': { get: { summary: 'Liveness: the process answers', responses: { 200: ok('Live', json({ type: 'object' })) } } },
      '/readyz': { get: { summary: 'Readiness: model loaded and warmed up, not shutting down', responses: { 200: ok('Ready', json({ type: 'object' })), 503: ok('Not ready', json({ type: 'object' })) } } },
      '/openapi.json': { get: { summary: 'This document', responses: { 200: ok('OpenAPI 3.1', json({ type: 'object' })) } } },
    },
    components: {
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
        Instance: instance,
        PredictRequest: { type: 'object', required: ['instances'], properties: { instances: { type: 'array', minItems: 1, items: ref('Instance') } } },
        PredictResponse: {
          type: 'object',
          required: ['predictions'],
          properties: {
            predictions: { type: 'array', description: primary ? `Rows of the output "${primary.name}" (${describeIo(primary)}), one per instance.` : 'Rows of the first output.', items: primary ? rowSchema(primary) : {} },
            labels: { type: 'array', items: { type: 'string', ...(model.labels ? { enum: model.labels } : {}) }, description: 'The predicted class name per instance (classifiers with class names).' },
          },
        },
        V1PredictRequest: { type: 'object', properties: { instances: { type: 'array', minItems: 1, items: ref('Instance') }, inputs: columns } },
        V1PredictResponse: { type: 'object', properties: { predictions: { type: 'array' }, outputs: {} } },
        V2InferenceRequest: { type: 'object', required: ['inputs'], properties: { id: { type: 'string' }, parameters: { type: 'object', properties: { binary_data_output: { type: 'boolean' } } }, inputs: { type: 'array', items: v2Tensor(true) }, outputs: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string', enum: model.outputs.map((o) => o.name) }, parameters: { type: 'object', properties: { binary_data: { type: 'boolean' } } } } } } } },
        V2InferenceResponse: { type: 'object', required: ['model_name', 'outputs'], properties: { model_name: { type: 'string' }, model_version: { type: 'string' }, id: { type: 'string' }, outputs: { type: 'array', items: v2Tensor(false) } } },
        V2ModelMetadata: { type: 'object', properties: { name: { type: 'string' }, versions: { type: 'array', items: { type: 'string' } }, platform: { type: 'string' }, inputs: { type: 'array' }, outputs: { type: 'array' } } },
      },
    },
  };
}

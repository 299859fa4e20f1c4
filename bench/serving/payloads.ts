/**
 * Request bodies the benchmark sends: the lesson's iris JSON, the same row through V2 JSON, and the CNN image as V2
 * JSON (nested floats, as a Python client's tensor.tolist() gives), as V2 binary (binary tensor data extension) and
 * as an encoded JPEG. Everything is deterministic so runs are comparable.
 */
import * as jpeg from 'jpeg-js';
import { CNN_DIMS, CNN_INPUT, CNN_OUTPUT } from './cnn-model';
import type { Payload } from './wrk';

export const IRIS_ROW = [5.1, 3.5, 1.4, 0.2];
export const IRIS_INPUT = 'input';
const JSON_HEADERS = { 'Content-Type': 'application/json' };

export function irisPredictPayload(): Payload {
  return { label: 'iris /predict JSON', method: 'POST', path: '/predict', headers: JSON_HEADERS, body: Buffer.from(JSON.stringify({ instances: [IRIS_ROW] })) };
}

export function irisV2JsonPayload(modelName: string): Payload {
  const body = { inputs: [{ name: IRIS_INPUT, shape: [1, 4], datatype: 'FP32', data: IRIS_ROW }] };
  return { label: 'iris V2 JSON', method: 'POST', path: `/v2/models/${modelName}/infer`, headers: JSON_HEADERS, body: Buffer.from(JSON.stringify(body)) };
}

/** A smooth synthetic photo-like picture (gradients and rings) so JPEG sizes are realistic, RGBA 224x224. */
export function syntheticRgba(width = CNN_DIMS[3], height = CNN_DIMS[2]): Buffer {
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const ring = Math.sin(Math.hypot(x - width / 2, y - height / 2) / 6);
      rgba[i] = Math.round((x / width) * 200 + 40 * ring + 15);
      rgba[i + 1] = Math.round((y / height) * 180 + 30 * ring + 30);
      rgba[i + 2] = Math.round(((x + y) / (width + height)) * 160 + 50 * ring + 60);
      rgba[i + 3] = 255;
    }
  }
  return rgba;
}

/** The pixels the image path would produce (scaled to 0..1, NCHW), so the tensor payloads carry the same picture. */
export function cnnTensor(): Float32Array {
  const [, channels, height, width] = CNN_DIMS;
  const rgba = syntheticRgba(width, height);
  const out = new Float32Array(channels * height * width);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < height * width; p++) out[c * height * width + p] = rgba[p * 4 + c] / 255;
  }
  return out;
}

function nest(flat: Float32Array, dims: number[], offset = 0): unknown {
  if (dims.length === 1) {
    return Array.from(flat.subarray(offset, offset + dims[0]), (v) => Math.round(v * 1e6) / 1e6);
  }
  const stride = dims.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: dims[0] }, (_, i) => nest(flat, dims.slice(1), offset + i * stride));
}

export function cnnV2JsonPayload(modelName: string): Payload {
  const body = {
    inputs: [{ name: CNN_INPUT, shape: CNN_DIMS, datatype: 'FP32', data: nest(cnnTensor(), CNN_DIMS) }],
    outputs: [{ name: CNN_OUTPUT }],
  };
  return { label: 'CNN V2 JSON', method: 'POST', path: `/v2/models/${modelName}/infer`, headers: JSON_HEADERS, body: Buffer.from(JSON.stringify(body)) };
}

export function cnnV2BinaryPayload(modelName: string): Payload {
  const tensor = cnnTensor();
  const header = Buffer.from(JSON.stringify({
    inputs: [{ name: CNN_INPUT, shape: CNN_DIMS, datatype: 'FP32', parameters: { binary_data_size: tensor.byteLength } }],
    outputs: [{ name: CNN_OUTPUT, parameters: { binary_data: false } }],
  }));
  return {
    label: 'CNN V2 binary',
    method: 'POST',
    path: `/v2/models/${modelName}/infer`,
    headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) },
    body: Buffer.concat([header, Buffer.from(tensor.buffer, tensor.byteOffset, tensor.byteLength)]),
  };
}

export function jpegBytes(): Buffer {
  const [, , height, width] = CNN_DIMS;
  return Buffer.from(jpeg.encode({ data: syntheticRgba(width, height), width, height }, 90).data);
}

/** The image route as resources/serving/README.md documents it: a raw image/* body on the given path. */
export function cnnImagePayload(route: string): Payload {
  return { label: 'CNN JPEG image', method: 'POST', path: route, headers: { 'Content-Type': 'image/jpeg' }, body: jpegBytes() };
}

/** The same JPEG the way TF Serving clients send images: base64 inside JSON. */
export function cnnB64Payload(model: string): Payload {
  const body = Buffer.from(JSON.stringify({ instances: [{ b64: jpegBytes().toString('base64') }] }));
  return { label: 'CNN JPEG as {"b64"} JSON', method: 'POST', path: `/v1/models/${model}:predict`, headers: { 'Content-Type': 'application/json' }, body };
}

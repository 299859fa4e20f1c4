import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Dim, ElementType } from '../../shared/schemas/tensor';
import { elementByteSize, elementTypeNumber } from './onnx-types';
import { encodeKey, encodeVarint, ProtoWriter } from './protobuf/proto-writer';

/**
 * A small ONNX encoder: plain objects in, ModelProto bytes out. Used to generate test fixtures and benchmark models,
 * and by fixes that need to write a fresh ValueInfoProto. Field numbers follow onnx/onnx.proto (IR version 10).
 */

export type TypeDef =
  | { tensor: ElementType; shape?: Dim[] | null }
  | { sequence: TypeDef }
  | { map: { key: ElementType; value: TypeDef } }
  | { optional: TypeDef }
  | { sparseTensor: ElementType; shape?: Dim[] | null };

export interface ValueInfoDef {
  name: string;
  type: TypeDef;
  docString?: string;
}

export interface ExternalDataRef {
  location: string;
  offset?: number;
  length?: number;
}

export interface TensorDef {
  name?: string;
  dataType: ElementType | number;
  dims: number[];
  floatData?: ArrayLike<number>;
  int32Data?: ArrayLike<number>;
  int64Data?: ReadonlyArray<number | bigint>;
  doubleData?: ArrayLike<number>;
  stringData?: string[];
  rawData?: Uint8Array;
  /** Data stored in a file beside the model instead of in the ModelProto. */
  external?: ExternalDataRef;
  docString?: string;
}

export type AttributeDef =
  | { name: string; type: 'float'; value: number }
  | { name: string; type: 'int'; value: number | bigint }
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'tensor'; value: TensorDef }
  | { name: string; type: 'graph'; value: GraphDef }
  | { name: string; type: 'floats'; value: number[] }
  | { name: string; type: 'ints'; value: Array<number | bigint> }
  | { name: string; type: 'strings'; value: string[] };

export interface NodeDef {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attributes?: AttributeDef[];
  docString?: string;
}

export interface GraphDef {
  name: string;
  nodes: NodeDef[];
  inputs: ValueInfoDef[];
  outputs: ValueInfoDef[];
  initializers?: TensorDef[];
  valueInfo?: ValueInfoDef[];
  docString?: string;
}

export interface ModelDef {
  irVersion: number;
  opsetImports: Array<{ domain: string; version: number }>;
  graph: GraphDef;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  docString?: string;
  metadata?: Record<string, string>;
}

// Attribute helpers keep fixture code short and readable.
export const attr = {
  float: (name: string, value: number): AttributeDef => ({ name, type: 'float', value }),
  int: (name: string, value: number | bigint): AttributeDef => ({ name, type: 'int', value }),
  string: (name: string, value: string): AttributeDef => ({ name, type: 'string', value }),
  tensor: (name: string, value: TensorDef): AttributeDef => ({ name, type: 'tensor', value }),
  graph: (name: string, value: GraphDef): AttributeDef => ({ name, type: 'graph', value }),
  floats: (name: string, value: number[]): AttributeDef => ({ name, type: 'floats', value }),
  ints: (name: string, value: Array<number | bigint>): AttributeDef => ({ name, type: 'ints', value }),
  strings: (name: string, value: string[]): AttributeDef => ({ name, type: 'strings', value }),
};

export function tensorInfo(name: string, elementType: ElementType, shape: Dim[] | null): ValueInfoDef {
  return { name, type: { tensor: elementType, shape } };
}

export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorDef {
  return { name, dataType: 'float32', dims, rawData: new Uint8Array(Float32Array.from(values).buffer) };
}

export function int64Tensor(name: string, dims: number[], values: Array<number | bigint>): TensorDef {
  return { name, dataType: 'int64', dims, int64Data: values };
}

const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, graph: 5, floats: 6, ints: 7, strings: 8 } as const;

export function encodeModel(model: ModelDef): Buffer {
  const w = new ProtoWriter();
  w.varintField(1, model.irVersion);
  w.optionalString(2, model.producerName);
  w.optionalString(3, model.producerVersion);
  w.optionalString(4, model.domain);
  w.optionalVarint(5, model.modelVersion);
  w.optionalString(6, model.docString);
  w.bytesField(7, encodeGraph(model.graph));
  writeOpsetImports(w, model.opsetImports);
  writeMetadata(w, model.metadata);
  return w.finish();
}

function writeOpsetImports(w: ProtoWriter, imports: ModelDef['opsetImports']): void {
  for (const op of imports) {
    w.messageField(8, (o) => {
      o.stringField(1, op.domain);
      o.varintField(2, op.version);
    });
  }
}

function writeMetadata(w: ProtoWriter, metadata: Record<string, string> | undefined): void {
  for (const [key, value] of Object.entries(metadata ?? {})) {
    w.messageField(14, (e) => {
      e.stringField(1, key);
      e.stringField(2, value);
    });
  }
}

export function encodeGraph(graph: GraphDef): Buffer {
  const w = new ProtoWriter();
  for (const node of graph.nodes) w.bytesField(1, encodeNode(node));
  w.stringField(2, graph.name);
  for (const tensor of graph.initializers ?? []) w.bytesField(5, encodeTensor(tensor));
  w.optionalString(10, graph.docString);
  for (const input of graph.inputs) w.bytesField(11, encodeValueInfo(input));
  for (const output of graph.outputs) w.bytesField(12, encodeValueInfo(output));
  for (const info of graph.valueInfo ?? []) w.bytesField(13, encodeValueInfo(info));
  return w.finish();
}

export function encodeNode(node: NodeDef): Buffer {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.stringField(1, input);
  for (const output of node.outputs) w.stringField(2, output);
  w.optionalString(3, node.name);
  w.stringField(4, node.opType);
  for (const attribute of node.attributes ?? []) w.bytesField(5, encodeAttribute(attribute));
  w.optionalString(6, node.docString);
  w.optionalString(7, node.domain);
  return w.finish();
}

function encodeAttribute(a: AttributeDef): Buffer {
  const w = new ProtoWriter();
  w.stringField(1, a.name);
  switch (a.type) {
    case 'float': w.floatField(2, a.value); break;
    case 'int': w.varintField(3, a.value); break;
    case 'string': w.stringField(4, a.value); break;
    case 'tensor': w.bytesField(5, encodeTensor(a.value)); break;
    case 'graph': w.bytesField(6, encodeGraph(a.value)); break;
    case 'floats': w.packedFloats(7, a.value); break;
    case 'ints': w.packedVarints(8, a.value); break;
    case 'strings': for (const s of a.value) w.stringField(9, s); break;
  }
  w.varintField(20, ATTRIBUTE_TYPE[a.type]);
  return w.finish();
}

export function encodeTensor(t: TensorDef): Buffer {
  const w = new ProtoWriter();
  w.packedVarints(1, t.dims);
  w.varintField(2, elementTypeNumber(t.dataType));
  if (t.floatData) w.packedFloats(4, t.floatData);
  if (t.int32Data) w.packedVarints(5, Array.from(t.int32Data));
  for (const s of t.stringData ?? []) w.stringField(6, s);
  if (t.int64Data) w.packedVarints(7, t.int64Data);
  w.optionalString(8, t.name);
  if (t.rawData) w.bytesField(9, t.rawData);
  if (t.doubleData) w.packedDoubles(10, t.doubleData);
  w.optionalString(12, t.docString);
  if (t.external) {
    writeEntry(w, 13, 'location', t.external.location);
    if (t.external.offset !== undefined) writeEntry(w, 13, 'offset', String(t.external.offset));
    if (t.external.length !== undefined) writeEntry(w, 13, 'length', String(t.external.length));
    w.varintField(14, 1);
  }
  return w.finish();
}

function writeEntry(w: ProtoWriter, field: number, key: string, value: string): void {
  w.messageField(field, (e) => {
    e.stringField(1, key);
    e.stringField(2, value);
  });
}

export function encodeValueInfo(info: ValueInfoDef): Buffer {
  const w = new ProtoWriter();
  w.stringField(1, info.name);
  w.bytesField(2, encodeType(info.type));
  w.optionalString(3, info.docString);
  return w.finish();
}

export function encodeType(type: TypeDef): Buffer {
  const w = new ProtoWriter();
  if ('tensor' in type) {
    w.messageField(1, (t) => writeTensorType(t, type.tensor, type.shape));
  } else if ('sequence' in type) {
    w.messageField(4, (s) => s.bytesField(1, encodeType(type.sequence)));
  } else if ('map' in type) {
    w.messageField(5, (m) => {
      m.varintField(1, elementTypeNumber(type.map.key));
      m.bytesField(2, encodeType(type.map.value));
    });
  } else if ('optional' in type) {
    w.messageField(9, (o) => o.bytesField(1, encodeType(type.optional)));
  } else {
    w.messageField(8, (t) => writeTensorType(t, type.sparseTensor, type.shape));
  }
  return w.finish();
}

function writeTensorType(w: ProtoWriter, elementType: ElementType, shape: Dim[] | null | undefined): void {
  w.varintField(1, elementTypeNumber(elementType));
  if (!shape) return;
  w.messageField(2, (s) => {
    for (const dim of shape) {
      s.messageField(1, (d) => {
        if (typeof dim === 'number') d.varintField(1, dim);
        else if (typeof dim === 'string') d.stringField(2, dim);
      });
    }
  });
}

export function writeModel(filePath: string, model: ModelDef): void {
  fs.writeFileSync(filePath, encodeModel(model));
}

// ---------------------------------------------------------------------------------------------------------------
// Large models for benchmarks: one huge initializer streamed to disk in chunks, never built in memory.

export interface LargeModelOptions {
  /** Approximate size of the weight tensor (rounded down to whole float32 values). */
  bytes: number;
  /** Put the weights in `<name>.data` beside the model instead of inside it (needed beyond 2 GB). */
  external: boolean;
  chunkBytes?: number;
  onProgress?: (written: number, total: number) => void;
}

/** Protobuf messages cannot exceed 2 GiB; ONNX Runtime refuses larger single-file models. */
const PROTOBUF_LIMIT = 2 ** 31 - 1;

/**
 * Writes a valid ONNX model: `value[i] = weights[index[i]]` (Gather over a 1-D float32 initializer of
 * `bytes / 4` values, input "index" int64 [batch], output "value" float32 [batch]). weights[k] = k % 1000.
 * Returns the paths written.
 */
export async function writeLargeModel(filePath: string, options: LargeModelOptions): Promise<{ modelPath: string; dataPath: string | null; weightCount: number }> {
  const count = Math.floor(options.bytes / 4);
  const payloadBytes = count * 4;
  const dataName = `${path.basename(filePath, path.extname(filePath))}.data`;
  const dataPath = options.external ? path.join(path.dirname(filePath), dataName) : null;
  if (!options.external && payloadBytes > PROTOBUF_LIMIT - 4096) {
    throw new Error(`A single-file ONNX model cannot hold ${payloadBytes} bytes (protobuf's limit is 2 GiB); use external: true.`);
  }

  // Encode everything around the payload with a placeholder, then split at the placeholder's position.
  const weights: TensorDef = options.external
    ? { name: 'weights', dataType: 'float32', dims: [count], external: { location: dataName, offset: 0, length: payloadBytes } }
    : { name: 'weights', dataType: 'float32', dims: [count] };
  const model: ModelDef = {
    irVersion: 8,
    producerName: 'modeldock-bench',
    opsetImports: [{ domain: '', version: 17 }],
    graph: {
      name: 'large',
      nodes: [{ opType: 'Gather', inputs: ['weights', 'index'], outputs: ['value'], attributes: [attr.int('axis', 0)] }],
      inputs: [tensorInfo('index', 'int64', ['batch'])],
      outputs: [tensorInfo('value', 'float32', ['batch'])],
      initializers: [weights],
    },
  };

  const chunkBytes = options.chunkBytes ?? 8 << 20;
  const progress = options.onProgress ?? (() => {});
  if (options.external) {
    fs.writeFileSync(filePath, encodeModel(model));
    await streamWeights(dataPath!, null, null, payloadBytes, chunkBytes, progress);
    return { modelPath: filePath, dataPath, weightCount: count };
  }

  // raw_data (field 9) is the tensor's last field, so the tensor is [head][key 9][len][payload].
  const tensorHead = encodeTensor(weights);
  const tensorSize = tensorHead.length + encodeKey(9, 2).length + encodeVarint(payloadBytes).length + payloadBytes;
  const graphWithout = encodeGraph({ ...model.graph, initializers: [] });
  // Graph: nodes (field 1) and name (field 2) come before initializers (5) in field order; put the initializer last:
  // protobuf allows any field order, and ONNX Runtime reads it either way.
  const graphSize = graphWithout.length + encodeKey(5, 2).length + encodeVarint(tensorSize).length + tensorSize;
  const head = Buffer.concat([
    encodeKey(1, 0), encodeVarint(model.irVersion),
    encodeKey(2, 2), encodeVarint(Buffer.byteLength(model.producerName!)), Buffer.from(model.producerName!),
    encodeKey(7, 2), encodeVarint(graphSize),
    graphWithout,
    encodeKey(5, 2), encodeVarint(tensorSize), tensorHead,
    encodeKey(9, 2), encodeVarint(payloadBytes),
  ]);
  // The rest of the model after the graph: opset imports (field 8) re-encoded on their own.
  const tail = new ProtoWriter();
  writeOpsetImports(tail, model.opsetImports);
  await streamWeights(filePath, head, tail.finish(), payloadBytes, chunkBytes, progress);
  return { modelPath: filePath, dataPath: null, weightCount: count };
}

async function streamWeights(
  filePath: string, head: Buffer | null, tail: Buffer | null, payloadBytes: number, chunkBytes: number,
  progress: (written: number, total: number) => void,
): Promise<void> {
  const handle = await fs.promises.open(filePath, 'w');
  try {
    let position = 0;
    if (head) {
      await handle.write(head, 0, head.length, position);
      position += head.length;
    }
    const chunkValues = Math.max(1, Math.floor(chunkBytes / 4));
    const chunk = new Float32Array(chunkValues);
    let written = 0;
    while (written < payloadBytes) {
      const firstIndex = written / 4;
      const values = Math.min(chunkValues, (payloadBytes - written) / 4);
      for (let i = 0; i < values; i++) chunk[i] = (firstIndex + i) % 1000;
      const bytes = Buffer.from(chunk.buffer, 0, values * 4);
      await handle.write(bytes, 0, bytes.length, position);
      position += bytes.length;
      written += bytes.length;
      progress(written, payloadBytes);
    }
    if (tail) await handle.write(tail, 0, tail.length, position);
  } finally {
    await handle.close();
  }
}

/** Bytes one element of `type` takes in raw_data (for callers sizing tensors). */
export function rawElementSize(type: ElementType): number {
  return elementByteSize(elementTypeNumber(type));
}

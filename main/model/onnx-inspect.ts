import { ModelDockError } from '../../shared/errors';
import type { OnnxSummary, OpsetImport, ValueInfo } from '../../shared/schemas/model';
import type { Dim } from '../../shared/schemas/tensor';
import { fileAccessError } from './file-errors';
import { addExternalUse, resolveExternalData, type ExternalDataUse } from './external-data';
import { labelsFromMetadata } from './model-labels';
import { BUILTIN_DOMAINS, elementByteSize, elementTypeName, normalizeDomain } from './onnx-types';
import { WIRE_I32, WIRE_LEN, WIRE_VARINT, toSigned } from './protobuf/buffer-reader';
import { ProtobufFileReader, protobufMalformed, type FileField } from './protobuf/file-reader';

/**
 * Reads an ONNX ModelProto field by field from disk (see protobuf/file-reader.ts). Tensor payloads (raw_data,
 * float_data...) are skipped, never read: a tensor contributes its name, type and dims only. Besides the summary
 * shown to users it returns the graph's wiring (node inputs/outputs, op types, small attributes) for validation.
 */

/** Attributes kept for validation and fixes; long lists are dropped (a tree ensemble can have millions). */
export interface NodeAttribute {
  name: string;
  i?: number | bigint;
  f?: number;
  s?: string;
  ints?: Array<number | bigint>;
  strings?: string[];
}

export interface GraphNode {
  name: string;
  opType: string;
  /** '' for the default ai.onnx domain. */
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: NodeAttribute[];
  /** Bodies of If/Loop/Scan; they may read names from the enclosing graph. */
  subgraphs: GraphStructure[];
}

export interface GraphStructure {
  name: string;
  nodes: GraphNode[];
  /** Every declared input, including the initializers that IR < 4 exporters also list as inputs. */
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializerNames: string[];
  valueInfoNames: string[];
}

export interface OnnxModel {
  summary: OnnxSummary;
  graph: GraphStructure;
  /** (domain, name) of model-local functions: nodes calling them need no kernel library. */
  localFunctions: Array<{ domain: string; name: string }>;
}

const MAX_KEPT_LIST = 100_000;
const MAX_STRING = 1 << 20;

interface InspectState {
  reader: ProtobufFileReader;
  histogram: Map<string, { opType: string; domain: string; count: number }>;
  nodeCount: number;
  initializerCount: number;
  parameterCount: number;
  parameterBytes: number;
  external: Map<string, ExternalDataUse>;
}

export async function inspectOnnx(modelPath: string): Promise<OnnxSummary> {
  return (await readOnnxModel(modelPath)).summary;
}

export async function readOnnxModel(modelPath: string): Promise<OnnxModel> {
  let reader: ProtobufFileReader;
  try {
    reader = ProtobufFileReader.open(modelPath);
  } catch (error) {
    throw fileAccessError(modelPath, error);
  }
  try {
    return readModel(modelPath, reader);
  } finally {
    reader.close();
  }
}

function readModel(modelPath: string, reader: ProtobufFileReader): OnnxModel {
  const state: InspectState = {
    reader, histogram: new Map(), nodeCount: 0, initializerCount: 0, parameterCount: 0, parameterBytes: 0, external: new Map(),
  };
  let irVersion = 0;
  let producerName = '';
  let producerVersion = '';
  let domain = '';
  let modelVersion = 0;
  let docString = '';
  let graph: GraphStructure | null = null;
  const opsetImports: OpsetImport[] = [];
  const metadata: Array<{ key: string; value: string }> = [];
  const localFunctions: Array<{ domain: string; name: string }> = [];

  reader.fields(reader.size, (f) => {
    switch (f.number) {
      case 1: irVersion = Number(expectVarint(f, 'ir_version')); break;
      case 2: producerName = readString(reader, f); break;
      case 3: producerVersion = readString(reader, f); break;
      case 4: domain = readString(reader, f); break;
      case 5: modelVersion = Number(expectVarint(f, 'model_version')); break;
      case 6: docString = readString(reader, f); break;
      case 7: graph = readGraph(state, expectLen(f, 'graph')); break;
      case 8: opsetImports.push(readOpsetImport(reader, expectLen(f, 'opset_import'))); break;
      case 14: metadata.push(readStringEntry(reader, expectLen(f, 'metadata_props'))); break;
      case 25: localFunctions.push(readFunctionName(reader, expectLen(f, 'functions'))); break;
      default: break;
    }
  });

  if (!graph) {
    throw new ModelDockError({
      code: 'onnx-no-graph',
      title: 'The ONNX model has no graph',
      message: 'The file is an ONNX ModelProto but contains no graph, so there is nothing to run.',
      fix: 'Export the model again; make sure the export finished and wrote the whole model.',
    });
  }
  const g: GraphStructure = graph;
  const initializers = new Set(g.initializerNames);
  const userInputs = g.inputs.filter((i) => !initializers.has(i.name));
  const functionKeys = new Set(localFunctions.map((fn) => `${normalizeDomain(fn.domain)}\u0000${fn.name}`));
  const customDomains = new Set<string>();
  for (const entry of state.histogram.values()) {
    if (!BUILTIN_DOMAINS.has(entry.domain) && !functionKeys.has(`${entry.domain}\u0000${entry.opType}`)) customDomains.add(entry.domain);
  }

  const summary: OnnxSummary = {
    irVersion,
    opsetImports,
    producerName,
    producerVersion,
    domain,
    modelVersion,
    docString,
    graphName: g.name,
    metadata,
    inputs: userInputs,
    outputs: g.outputs,
    nodeCount: state.nodeCount,
    opHistogram: [...state.histogram.values()].sort((a, b) => b.count - a.count || a.opType.localeCompare(b.opType)),
    initializerCount: state.initializerCount,
    parameterCount: state.parameterCount,
    parameterBytes: Math.round(state.parameterBytes),
    customDomains: [...customDomains].sort(),
    externalData: resolveExternalData(modelPath, state.external.values()),
    labels: labelsFromMetadata(metadata) ?? labelsFromClassifier(g),
  };
  return { summary, graph: g, localFunctions };
}

function readGraph(state: InspectState, field: FileField): GraphStructure {
  const r = state.reader;
  const graph: GraphStructure = { name: '', nodes: [], inputs: [], outputs: [], initializerNames: [], valueInfoNames: [] };
  r.message(field, (f) => {
    switch (f.number) {
      case 1: graph.nodes.push(readNode(state, expectLen(f, 'node'))); break;
      case 2: graph.name = readString(r, f); break;
      case 5: graph.initializerNames.push(readInitializer(state, expectLen(f, 'initializer'))); break;
      case 15: graph.initializerNames.push(readSparseInitializer(state, expectLen(f, 'sparse_initializer'))); break;
      case 11: graph.inputs.push(readValueInfo(r, expectLen(f, 'input'))); break;
      case 12: graph.outputs.push(readValueInfo(r, expectLen(f, 'output'))); break;
      case 13: graph.valueInfoNames.push(readValueInfoName(r, expectLen(f, 'value_info'))); break;
      default: break;
    }
  });
  return graph;
}

function readNode(state: InspectState, field: FileField): GraphNode {
  const r = state.reader;
  const node: GraphNode = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [], subgraphs: [] };
  r.message(field, (f) => {
    switch (f.number) {
      case 1: node.inputs.push(readString(r, f)); break;
      case 2: node.outputs.push(readString(r, f)); break;
      case 3: node.name = readString(r, f); break;
      case 4: node.opType = readString(r, f); break;
      case 7: node.domain = normalizeDomain(readString(r, f)); break;
      case 5: node.attributes.push(readAttribute(state, expectLen(f, 'attribute'), node.subgraphs)); break;
      default: break;
    }
  });
  state.nodeCount++;
  const key = `${node.domain}\u0000${node.opType}`;
  const entry = state.histogram.get(key) ?? { opType: node.opType, domain: node.domain, count: 0 };
  entry.count++;
  state.histogram.set(key, entry);
  return node;
}

function readAttribute(state: InspectState, field: FileField, subgraphs: GraphStructure[]): NodeAttribute {
  const r = state.reader;
  const attribute: NodeAttribute = { name: '' };
  r.message(field, (f) => {
    switch (f.number) {
      case 1: attribute.name = readString(r, f); break;
      case 2: if (f.wireType === WIRE_I32) attribute.f = r.readAt(f.start, 4).readFloatLE(0); break;
      case 3: if (f.wireType === WIRE_VARINT) attribute.i = toSigned(f.value); break;
      case 4: if (f.wireType === WIRE_LEN) attribute.s = readString(r, f); break;
      case 6: subgraphs.push(readGraph(state, expectLen(f, 'attribute graph'))); break;
      case 11: subgraphs.push(readGraph(state, expectLen(f, 'attribute graphs'))); break;
      case 8: {
        const values = r.varints(f).map(toSigned);
        attribute.ints = [...(attribute.ints ?? []), ...values].slice(0, MAX_KEPT_LIST);
        break;
      }
      case 9:
        if ((attribute.strings?.length ?? 0) < MAX_KEPT_LIST) (attribute.strings ??= []).push(readString(r, f));
        break;
      default: break; // tensors (5, 10), floats (7) and the rest are not needed and stay unread.
    }
  });
  return attribute;
}

interface TensorMeta {
  name: string;
  dataType: number;
  dims: number[];
  external: Array<{ key: string; value: string }>;
  dataLocation: number;
  stringBytes: number;
}

function readTensorMeta(r: ProtobufFileReader, field: FileField): TensorMeta {
  const meta: TensorMeta = { name: '', dataType: 0, dims: [], external: [], dataLocation: 0, stringBytes: 0 };
  r.message(field, (f) => {
    switch (f.number) {
      case 1: for (const d of r.varints(f)) meta.dims.push(Number(toSigned(d))); break;
      case 2: meta.dataType = Number(expectVarint(f, 'data_type')); break;
      case 6: meta.stringBytes += f.end - f.start; break;
      case 8: meta.name = readString(r, f); break;
      case 13: meta.external.push(readStringEntry(r, expectLen(f, 'external_data'))); break;
      case 14: meta.dataLocation = Number(expectVarint(f, 'data_location')); break;
      default: break; // raw_data (9) and the typed data fields are skipped without reading.
    }
  });
  return meta;
}

function readInitializer(state: InspectState, field: FileField): string {
  const meta = readTensorMeta(state.reader, field);
  countParameters(state, meta, elementCount(meta.dims));
  if (meta.dataLocation === 1) {
    const entries = new Map(meta.external.map((e) => [e.key, e.value]));
    const bytesNeeded = elementCount(meta.dims) * elementByteSize(meta.dataType);
    const offset = Number(entries.get('offset') ?? 0) || 0;
    const lengthText = entries.get('length');
    const length = lengthText !== undefined && lengthText !== '' ? Number(lengthText) : Math.ceil(bytesNeeded) || null;
    addExternalUse(state.external, entries.get('location') ?? '', offset, length);
  }
  return meta.name;
}

function readSparseInitializer(state: InspectState, field: FileField): string {
  const r = state.reader;
  let name = '';
  r.message(field, (f) => {
    if (f.number === 1 && f.wireType === WIRE_LEN) {
      const values = readTensorMeta(r, f);
      name = values.name;
      countParameters(state, values, elementCount(values.dims));
    }
  });
  return name;
}

function countParameters(state: InspectState, meta: TensorMeta, count: number): void {
  state.initializerCount++;
  state.parameterCount += count;
  state.parameterBytes += meta.dataType === 8 ? meta.stringBytes : count * elementByteSize(meta.dataType);
}

function elementCount(dims: number[]): number {
  return dims.reduce((product, d) => product * Math.max(0, d), 1);
}

function readValueInfoName(r: ProtobufFileReader, field: FileField): string {
  let name = '';
  r.message(field, (f) => {
    if (f.number === 1) name = readString(r, f);
  });
  return name;
}

function readValueInfo(r: ProtobufFileReader, field: FileField): ValueInfo {
  let name = '';
  let docString: string | undefined;
  let type: TypeInfo = UNKNOWN_TYPE;
  r.message(field, (f) => {
    switch (f.number) {
      case 1: name = readString(r, f); break;
      case 2: type = readType(r, expectLen(f, 'type')); break;
      case 3: docString = readString(r, f) || undefined; break;
      default: break;
    }
  });
  return docString === undefined ? { name, ...type } : { name, ...type, docString };
}

type TypeInfo = Omit<ValueInfo, 'name' | 'docString'>;
const UNKNOWN_TYPE: TypeInfo = { kind: 'unknown', elementType: null, shape: null, typeText: 'unknown' };

function readType(r: ProtobufFileReader, field: FileField): TypeInfo {
  let type: TypeInfo = UNKNOWN_TYPE;
  r.message(field, (f) => {
    switch (f.number) {
      case 1: type = readTensorType(r, expectLen(f, 'tensor_type'), 'tensor'); break;
      case 8: type = readTensorType(r, expectLen(f, 'sparse_tensor_type'), 'sparse_tensor'); break;
      case 4: {
        const inner = readWrappedType(r, expectLen(f, 'sequence_type'));
        type = { kind: 'sequence', elementType: null, shape: null, typeText: `seq(${inner.typeText})` };
        break;
      }
      case 9: {
        const inner = readWrappedType(r, expectLen(f, 'optional_type'));
        type = { kind: 'optional', elementType: inner.elementType, shape: inner.shape, typeText: `optional(${inner.typeText})` };
        break;
      }
      case 5: {
        let keyType = 0;
        let value: TypeInfo = UNKNOWN_TYPE;
        r.message(f, (m) => {
          if (m.number === 1) keyType = Number(expectVarint(m, 'key_type'));
          if (m.number === 2) value = readType(r, expectLen(m, 'value_type'));
        });
        type = { kind: 'map', elementType: null, shape: null, typeText: `map(${onnxTypeWord(keyType)},${value.typeText})` };
        break;
      }
      default: break;
    }
  });
  return type;
}

/** Sequence and Optional both wrap one TypeProto as their field 1. */
function readWrappedType(r: ProtobufFileReader, field: FileField): TypeInfo {
  let inner: TypeInfo = UNKNOWN_TYPE;
  r.message(field, (f) => {
    if (f.number === 1) inner = readType(r, expectLen(f, 'elem_type'));
  });
  return inner;
}

function readTensorType(r: ProtobufFileReader, field: FileField, kind: 'tensor' | 'sparse_tensor'): TypeInfo {
  let dataType = 0;
  let shape: Dim[] | null = null;
  r.message(field, (f) => {
    if (f.number === 1) dataType = Number(expectVarint(f, 'elem_type'));
    if (f.number === 2) shape = readShape(r, expectLen(f, 'shape'));
  });
  const word = kind === 'tensor' ? 'tensor' : 'sparse_tensor';
  return { kind, elementType: elementTypeName(dataType), shape, typeText: `${word}(${onnxTypeWord(dataType)})` };
}

function readShape(r: ProtobufFileReader, field: FileField): Dim[] {
  const dims: Dim[] = [];
  r.message(field, (f) => {
    if (f.number !== 1) return;
    let dim: Dim = null;
    r.message(expectLen(f, 'dim'), (d) => {
      if (d.number === 1 && d.wireType === WIRE_VARINT) dim = Number(toSigned(d.value));
      if (d.number === 2 && d.wireType === WIRE_LEN) dim = readString(r, d) || null;
    });
    dims.push(dim);
  });
  return dims;
}

/** ONNX's own spelling in type strings: tensor(float), tensor(double). */
function onnxTypeWord(dataType: number): string {
  const name = elementTypeName(dataType);
  if (name === 'float32') return 'float';
  if (name === 'float64') return 'double';
  return name;
}

function readOpsetImport(r: ProtobufFileReader, field: FileField): OpsetImport {
  let domain = '';
  let version = 0;
  r.message(field, (f) => {
    if (f.number === 1) domain = readString(r, f);
    if (f.number === 2) version = Number(toSigned(expectVarint(f, 'opset version')));
  });
  return { domain, version };
}

function readStringEntry(r: ProtobufFileReader, field: FileField): { key: string; value: string } {
  let key = '';
  let value = '';
  r.message(field, (f) => {
    if (f.number === 1) key = readString(r, f);
    if (f.number === 2) value = readString(r, f);
  });
  return { key, value };
}

function readFunctionName(r: ProtobufFileReader, field: FileField): { domain: string; name: string } {
  let name = '';
  let domain = '';
  r.message(field, (f) => {
    if (f.number === 1) name = readString(r, f);
    if (f.number === 10) domain = readString(r, f);
  });
  return { domain, name };
}

function readString(r: ProtobufFileReader, f: FileField): string {
  return r.string(expectLen(f, `field ${f.number}`), MAX_STRING);
}

function expectLen(f: FileField, what: string): FileField {
  if (f.wireType !== WIRE_LEN) throw protobufMalformed(`${what} stored with the wrong wire type`);
  return f;
}

function expectVarint(f: FileField, what: string): number | bigint {
  if (f.wireType !== WIRE_VARINT) throw protobufMalformed(`${what} stored with the wrong wire type`);
  return f.value;
}

/** Class names a converted classifier carries in its attributes (ZipMap, LinearClassifier, TreeEnsembleClassifier). */
function labelsFromClassifier(graph: GraphStructure): string[] | null {
  for (const node of graph.nodes) {
    if (node.domain !== 'ai.onnx.ml') continue;
    const strings = node.attributes.find((a) => a.name === 'classlabels_strings' && a.strings && a.strings.length > 0);
    if (strings?.strings) return strings.strings;
  }
  return null;
}

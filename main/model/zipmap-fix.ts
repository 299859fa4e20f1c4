import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import type { Dim } from '../../shared/schemas/tensor';
import { readOnnxModel, type GraphNode, type GraphStructure } from './onnx-inspect';
import { encodeValueInfo } from './onnx-writer';
import { ProtobufFileReader, type FileField } from './protobuf/file-reader';
import { encodeKey, encodeVarint, ProtoWriter } from './protobuf/proto-writer';

/**
 * Writes a copy of a model without skl2onnx's ZipMap: the graph output that was ZipMap's seq(map) becomes ZipMap's
 * input tensor (e.g. "probabilities", float32 [batch, classes]), which onnxruntime-node can return.
 *
 * The copy is made by splicing protobuf bytes: every field is copied unchanged except the ZipMap node, the graph
 * outputs it fed and value_info entries naming them; only the graph's length prefix is rewritten. Initializers
 * are copied as opaque byte ranges and never decoded, so this works the same on a 3 GB model.
 */

interface Range { start: number; end: number }
type Piece = { copy: Range } | { bytes: Buffer };

export async function removeZipMap(modelPath: string, outPath?: string): Promise<string> {
  const source = path.resolve(modelPath);
  const target = path.resolve(outPath ?? defaultOutPath(source));
  if (samePath(source, target)) {
    throw new ModelDockError({
      code: 'fix-would-overwrite',
      title: 'The fix never overwrites the original',
      message: `The output path ${target} is the model itself.`,
      fix: 'Choose another file name, or leave the output path empty to write <name>.nozipmap.onnx beside the model.',
    });
  }

  const model = await readOnnxModel(source);
  const zipMaps = removableZipMaps(model.graph);
  if (zipMaps.length === 0) {
    throw new ModelDockError({
      code: 'zipmap-not-found',
      title: 'No ZipMap to remove',
      message: `${path.basename(source)} has no ai.onnx.ml ZipMap node whose output is a graph output.`,
      fix: 'Nothing to fix: the model\'s outputs are already tensors, or its ZipMap is used inside the graph.',
    });
  }
  if (model.summary.externalData.length > 0 && path.dirname(target) !== path.dirname(source)) {
    throw new ModelDockError({
      code: 'fix-external-data-elsewhere',
      title: 'Write the copy beside the model',
      message: 'This model keeps weights in external data files, which are found relative to the model\'s folder; a copy in another folder would not find them.',
      fix: 'Leave the output path empty (or pick a name in the same folder).',
    });
  }

  const reader = ProtobufFileReader.open(source);
  try {
    const layout = scanLayout(reader);
    const pieces = graphPieces(layout, model.graph, zipMaps);
    const note = new ProtoWriter().messageField(14, (e) => {
      e.stringField(1, 'modeldock.fix');
      e.stringField(2, `removed ZipMap: ${zipMaps.map((z) => `${z.outputs[0]} -> ${z.inputs[0]}`).join(', ')}`);
    }).finish();
    const graphLength = pieces.reduce((sum, p) => sum + ('copy' in p ? p.copy.end - p.copy.start : p.bytes.length), 0);
    const all: Piece[] = [
      { copy: { start: 0, end: layout.graph.keyStart } },
      { bytes: Buffer.concat([encodeKey(7, 2), encodeVarint(graphLength)]) },
      ...pieces,
      { copy: { start: layout.graph.end, end: reader.size } },
      { bytes: note },
    ];
    await writePieces(source, target, all);
  } finally {
    reader.close();
  }
  return target;
}

export function defaultOutPath(modelPath: string): string {
  const dir = path.dirname(modelPath);
  const name = path.basename(modelPath).replace(/\.onnx$/i, '');
  return path.join(dir, `${name}.nozipmap.onnx`);
}

function samePath(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return false;
  }
}

/** Top-level ZipMaps whose only consumer is the graph output (anything else would break the graph). */
function removableZipMaps(graph: GraphStructure): GraphNode[] {
  const outputs = new Set(graph.outputs.map((o) => o.name));
  return graph.nodes.filter((node) => node.opType === 'ZipMap' && node.domain === 'ai.onnx.ml'
    && node.inputs.length === 1 && node.outputs.length === 1 && outputs.has(node.outputs[0])
    && !graph.nodes.some((other) => other.inputs.includes(node.outputs[0])));
}

interface GraphChild { field: number; range: Range; name: string }

interface Layout {
  graph: FileField;
  /** Graph fields in file order, with the name of nodes (first output) / value infos. */
  children: GraphChild[];
  /** For nodes, in order: op type, domain, outputs. */
  nodeFields: Array<{ range: Range; opType: string; domain: string; outputs: string[] }>;
  valueInfoBytes: Map<string, Buffer>;
}

function scanLayout(r: ProtobufFileReader): Layout {
  const graphs: FileField[] = [];
  r.fields(r.size, (f) => { if (f.number === 7) graphs.push(f); });
  if (graphs.length !== 1) {
    throw new ModelDockError({
      code: 'zipmap-fix-unsupported',
      title: 'Cannot rewrite this model',
      message: `The model stores its graph in ${graphs.length} pieces; ModelDock only rewrites models saved in the usual single-graph layout.`,
      fix: 'Re-export the classifier with skl2onnx options={id(model): {"zipmap": False}}.',
    });
  }
  const graph = graphs[0];
  const layout: Layout = { graph, children: [], nodeFields: [], valueInfoBytes: new Map() };
  r.message(graph, (f) => {
    const range = { start: f.keyStart, end: f.end };
    let name = '';
    if (f.number === 1) {
      const node = { range, opType: '', domain: '', outputs: [] as string[] };
      r.message(f, (n) => {
        if (n.number === 2) node.outputs.push(r.string(n));
        if (n.number === 4) node.opType = r.string(n);
        if (n.number === 7) node.domain = r.string(n);
      });
      layout.nodeFields.push(node);
      name = node.outputs[0] ?? '';
    } else if (f.number === 12 || f.number === 13) {
      const payload = { start: f.start, end: f.end };
      r.message(f, (v) => { if (v.number === 1) name = r.string(v); });
      if (f.number === 13) layout.valueInfoBytes.set(name, r.readAt(payload.start, payload.end - payload.start));
    }
    layout.children.push({ field: f.number, range, name });
  });
  return layout;
}

function graphPieces(layout: Layout, graph: GraphStructure, zipMaps: GraphNode[]): Piece[] {
  const removedOutputs = new Map(zipMaps.map((z) => [z.outputs[0], z]));
  const existingOutputs = new Set(graph.outputs.map((o) => o.name));
  const nodesByStart = new Map(layout.nodeFields.map((n) => [n.range.start, n]));
  const pieces: Piece[] = [];
  for (const child of layout.children) {
    if (child.field === 1) {
      const node = nodesByStart.get(child.range.start)!;
      if (node.opType === 'ZipMap' && (node.domain === 'ai.onnx.ml') && removedOutputs.has(node.outputs[0])) continue;
    } else if (child.field === 13 && removedOutputs.has(child.name)) {
      continue;
    } else if (child.field === 12 && removedOutputs.has(child.name)) {
      const zipMap = removedOutputs.get(child.name)!;
      const source = zipMap.inputs[0];
      if (existingOutputs.has(source)) continue; // already exposed: just drop the map output
      existingOutputs.add(source);
      pieces.push({ bytes: replacementOutput(source, zipMap, graph, layout) });
      continue;
    }
    pieces.push({ copy: child.range });
  }
  return pieces;
}

/** The new graph output: ZipMap's input as value_info already describes it, or float32 [batch, classes]. */
function replacementOutput(name: string, zipMap: GraphNode, graph: GraphStructure, layout: Layout): Buffer {
  const known = layout.valueInfoBytes.get(name);
  const payload = known ?? encodeValueInfo({ name, type: { tensor: 'float32', shape: [batchDim(graph), classCount(zipMap)] } });
  return Buffer.concat([encodeKey(12, 2), encodeVarint(payload.length), payload]);
}

function batchDim(graph: GraphStructure): Dim {
  for (const info of [...graph.outputs, ...graph.inputs]) {
    if (info.kind === 'tensor' && info.shape && info.shape.length > 0) return info.shape[0];
  }
  return 'N';
}

function classCount(zipMap: GraphNode): Dim {
  const labels = zipMap.attributes.find((a) => a.name === 'classlabels_int64s' || a.name === 'classlabels_strings');
  const count = labels?.ints?.length ?? labels?.strings?.length;
  return count ?? null;
}

async function writePieces(sourcePath: string, targetPath: string, pieces: Piece[]): Promise<void> {
  const temp = `${targetPath}.${process.pid}.tmp`;
  const input = await fs.promises.open(sourcePath, 'r');
  const output = await fs.promises.open(temp, 'w');
  try {
    const chunk = Buffer.allocUnsafe(4 << 20);
    let position = 0;
    for (const piece of pieces) {
      if ('bytes' in piece) {
        await output.write(piece.bytes, 0, piece.bytes.length, position);
        position += piece.bytes.length;
        continue;
      }
      let at = piece.copy.start;
      while (at < piece.copy.end) {
        const { bytesRead } = await input.read(chunk, 0, Math.min(chunk.length, piece.copy.end - at), at);
        if (bytesRead <= 0) throw new Error('the model file changed while it was being copied');
        await output.write(chunk, 0, bytesRead, position);
        at += bytesRead;
        position += bytesRead;
      }
    }
    await output.close();
    await input.close();
    await fs.promises.rename(temp, targetPath);
  } catch (error) {
    await output.close().catch(() => {});
    await input.close().catch(() => {});
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
}

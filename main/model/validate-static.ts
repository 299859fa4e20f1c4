import type { OnnxSummary, ValueInfo } from '../../shared/schemas/model';
import type { Finding } from '../../shared/schemas/validation';
import { externalProblemKind } from './external-data';
import type { GraphNode, GraphStructure, OnnxModel } from './onnx-inspect';
import { normalizeDomain } from './onnx-types';
import { ORT_MAX_IR_VERSION, ORT_MAX_OPSET, ORT_MIN_DEFAULT_OPSET, ORT_MIN_IR_VERSION } from './ort-support';

/**
 * Checks that need no ONNX Runtime: graph wiring, opsets and domains against the bundled runtime, input/output
 * types, batch dimension, external data, size and labels. Each finding says why it matters once the model is
 * served, and what to do.
 */
export interface StaticValidationOptions {
  /** The spec beside the model provides class names (so missing metadata labels do not matter). */
  specHasLabels?: boolean;
}

const LARGE_MODEL_BYTES = 1024 ** 3;
const MAX_NAMES_LISTED = 5;

export function validateStatic(model: OnnxModel, options: StaticValidationOptions = {}): Finding[] {
  const { summary, graph } = model;
  const findings = [
    ...checkStructure(graph),
    ...checkVersions(summary, graph, model.localFunctions),
    ...checkCustomDomains(summary, graph),
    ...checkTypes(summary, graph),
    ...checkBatch(summary),
    ...checkExternalData(summary),
    ...checkSize(summary),
    ...checkLabels(summary, graph, options),
  ];
  const rank = { error: 0, warning: 1, info: 2 };
  return findings.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

/** Errors that make creating an ONNX Runtime session pointless (it would fail, or must not be attempted). */
export function blocksRuntimeChecks(findings: Finding[]): boolean {
  return findings.some((f) => f.severity === 'error' && /^(structure|opset|ir|ops|external-data)\./.test(f.check));
}

// ---------------------------------------------------------------------------------------------------------------

function checkStructure(graph: GraphStructure): Finding[] {
  const findings: Finding[] = [];
  if (graph.outputs.length === 0) {
    findings.push({
      check: 'structure.no-outputs', severity: 'error', title: 'The graph declares no outputs',
      detail: 'A model without outputs returns nothing: the server would answer every request with an empty result.',
      hint: 'Export again and name the outputs (torch.onnx.export output_names=[...]).',
    });
  }
  if (graph.nodes.length === 0) {
    findings.push({
      check: 'structure.empty-graph', severity: 'warning', title: 'The graph has no operators',
      detail: 'The model computes nothing: outputs are inputs or stored constants. This is usually a failed or partial export.',
      hint: 'Check the export script and the exported file.',
    });
  }
  checkGraphWiring(graph, new Set(), '', findings);
  return findings;
}

function checkGraphWiring(graph: GraphStructure, outerScope: Set<string>, where: string, findings: Finding[]): void {
  const scopeText = where ? ` (in the body of ${where})` : '';
  const duplicates = (names: string[]) => [...new Set(names.filter((n, i) => n && names.indexOf(n) !== i))];
  const dupInputs = duplicates(graph.inputs.map((i) => i.name));
  const dupOutputs = duplicates(graph.outputs.map((o) => o.name));
  const dupInitializers = duplicates(graph.initializerNames);
  if (dupInputs.length || dupOutputs.length || dupInitializers.length) {
    const parts = [
      dupInputs.length ? `inputs ${list(dupInputs)}` : '',
      dupOutputs.length ? `outputs ${list(dupOutputs)}` : '',
      dupInitializers.length ? `initializers ${list(dupInitializers)}` : '',
    ].filter(Boolean);
    findings.push({
      check: 'structure.duplicate-name', severity: 'error', title: `Duplicate names${scopeText}`,
      detail: `The graph declares ${parts.join('; ')} more than once. ONNX Runtime refuses to load a graph whose names are ambiguous.`,
      hint: 'Give every input, output and initializer a unique name in the export script.',
    });
  }

  const declared = new Set<string>([...graph.inputs.map((i) => i.name), ...graph.initializerNames]);
  const available = new Set<string>([...outerScope, ...declared]);
  const producedBy = new Map<string, number>();
  const doubleProduced = new Set<string>();
  graph.nodes.forEach((node, index) => {
    for (const out of node.outputs) {
      if (!out) continue;
      if (producedBy.has(out) || declared.has(out)) doubleProduced.add(out);
      else producedBy.set(out, index);
    }
  });
  if (doubleProduced.size) {
    findings.push({
      check: 'structure.duplicate-output', severity: 'error', title: `A value is produced twice${scopeText}`,
      detail: `${list([...doubleProduced])} ${doubleProduced.size === 1 ? 'is' : 'are'} written by more than one node (or by a node and a graph input or initializer). ONNX Runtime rejects the model: "Duplicate definition of name".`,
      hint: 'Rename one of the outputs; this usually comes from hand-edited or merged graphs.',
    });
  }

  const undefinedInputs: string[] = [];
  const usedEarly: string[] = [];
  graph.nodes.forEach((node, index) => {
    for (const input of node.inputs) {
      if (!input || available.has(input)) continue;
      const producer = producedBy.get(input);
      if (producer === undefined) {
        if (!undefinedInputs.includes(input)) undefinedInputs.push(input);
      } else if (producer > index && !usedEarly.includes(input)) {
        usedEarly.push(input);
      }
    }
    for (const out of node.outputs) if (out) available.add(out);
    if (node.subgraphs.length) {
      const innerScope = new Set([...available, ...producedBy.keys()]);
      node.subgraphs.forEach((sub) => checkGraphWiring(sub, innerScope, nodeLabel(node), findings));
    }
  });
  if (undefinedInputs.length) {
    const readers = graph.nodes.filter((n) => n.inputs.some((i) => undefinedInputs.includes(i))).map(nodeLabel);
    findings.push({
      check: 'structure.undefined-input', severity: 'error', title: `A node reads a value nothing produces${scopeText}`,
      detail: `${list(undefinedInputs)} ${undefinedInputs.length === 1 ? 'is' : 'are'} read by ${list(readers)} but no node, graph input or initializer produces ${undefinedInputs.length === 1 ? 'it' : 'them'}. ONNX Runtime refuses to load the model.`,
      hint: 'The graph was cut or edited inconsistently: export it again from the framework, or fix the tensor name.',
    });
  }
  if (usedEarly.length) {
    findings.push({
      check: 'structure.not-topological', severity: 'warning', title: `Nodes are not in execution order${scopeText}`,
      detail: `${list(usedEarly)} ${usedEarly.length === 1 ? 'is' : 'are'} used before the node that produces ${usedEarly.length === 1 ? 'it' : 'them'}. ONNX Runtime sorts the graph itself, but onnx.checker and other runtimes (TensorRT, OpenVINO) reject it.`,
      hint: 'Re-export, or sort the nodes topologically (onnx.utils / onnx-graphsurgeon toposort).',
    });
  }
  const notProduced = graph.outputs.map((o) => o.name).filter((name) => name && !available.has(name) && !producedBy.has(name));
  if (notProduced.length) {
    findings.push({
      check: 'structure.output-not-produced', severity: 'error', title: `A graph output is never computed${scopeText}`,
      detail: `Output ${list(notProduced)} is declared but no node, input or initializer produces it, so the model cannot return it and ONNX Runtime refuses to load it.`,
      hint: 'Export again, or remove the stale output from the graph.',
    });
  }
}

function checkVersions(summary: OnnxSummary, graph: GraphStructure, localFunctions: OnnxModel['localFunctions']): Finding[] {
  const findings: Finding[] = [];
  if (summary.irVersion > ORT_MAX_IR_VERSION) {
    findings.push({
      check: 'ir.unsupported', severity: 'error', title: `IR version ${summary.irVersion} is too new`,
      detail: `The bundled ONNX Runtime reads ONNX IR versions up to ${ORT_MAX_IR_VERSION}; this file declares ${summary.irVersion}, so it will not load here or in the served image.`,
      hint: 'Export with an older onnx package, or set model.ir_version to the oldest version its opset allows (onnx.helper.VERSION_TABLE).',
    });
  } else if (summary.irVersion < ORT_MIN_IR_VERSION) {
    findings.push({
      check: 'ir.old', severity: 'warning', title: summary.irVersion === 0 ? 'The model declares no IR version' : `IR version ${summary.irVersion} is very old`,
      detail: 'Very old or missing IR versions are read on a best-effort basis; some tools refuse them.',
      hint: 'Re-export with a current exporter.',
    });
  }

  const imported = new Map<string, number>();
  for (const op of summary.opsetImports) imported.set(normalizeDomain(op.domain), op.version);
  for (const [domain, version] of imported) {
    const max = ORT_MAX_OPSET[domain];
    const domainName = domain || 'ai.onnx';
    if (max !== undefined && version > max) {
      findings.push({
        check: 'opset.unsupported', severity: 'error', title: `${domainName} opset ${version} is newer than ONNX Runtime supports`,
        detail: `The bundled ONNX Runtime implements ${domainName} up to opset ${max}. A model stamped ${version} will not load here or in the served image.`,
        hint: `Export again with opset_version=${Math.min(17, max)} (torch.onnx.export), --opset ${Math.min(17, max)} (tf2onnx) or target_opset (skl2onnx).`,
      });
    } else if (domain === '' && version < ORT_MIN_DEFAULT_OPSET) {
      findings.push({
        check: 'opset.old', severity: 'warning', title: `ai.onnx opset ${version} is older than ONNX Runtime guarantees`,
        detail: `ONNX Runtime only guarantees opsets ${ORT_MIN_DEFAULT_OPSET} and above; older operators run on legacy support and its graph optimisations skip them.`,
        hint: 'Convert it: onnx.version_converter.convert_version(model, 17), or re-export.',
      });
    }
  }
  const functionDomains = new Set(localFunctions.map((f) => normalizeDomain(f.domain)));
  const usedDomains = new Set(allNodes(graph).map((n) => n.domain));
  const missing = [...usedDomains].filter((d) => !imported.has(d) && !functionDomains.has(d));
  if (missing.length) {
    findings.push({
      check: 'opset.missing-import', severity: 'error', title: 'Operators from a domain the model does not import',
      detail: `Nodes use ${list(missing.map((d) => d || 'ai.onnx'))} but the model's opset_import does not list ${missing.length === 1 ? 'it' : 'them'}, so ONNX Runtime cannot tell which operator versions are meant and refuses the model.`,
      hint: 'Add the domain to opset_import (onnx.helper.make_opsetid) or re-export.',
    });
  }
  return findings;
}

function checkCustomDomains(summary: OnnxSummary, graph: GraphStructure): Finding[] {
  return summary.customDomains.map((domain) => {
    const ops = [...new Set(allNodes(graph).filter((n) => n.domain === domain).map((n) => n.opType))];
    return {
      check: 'ops.custom-domain', severity: 'error' as const, title: `Custom operators from "${domain}"`,
      detail: `${list(ops)} ${ops.length === 1 ? 'is not an ONNX or ONNX Runtime operator' : 'are not ONNX or ONNX Runtime operators'}. ONNX Runtime can only run ${ops.length === 1 ? 'it' : 'them'} with the custom-op library that implements ${ops.length === 1 ? 'it' : 'them'} (a .so/.dll registered in the session options), which neither ModelDock nor the served image has.`,
      hint: 'Re-export using standard ONNX operators (e.g. replace the custom layer with standard ops before export, or use a newer opset where the operation exists).',
    };
  });
}

function checkTypes(summary: OnnxSummary, graph: GraphStructure): Finding[] {
  const findings: Finding[] = [];
  for (const input of summary.inputs.filter((i) => i.kind !== 'tensor')) {
    findings.push(input.kind === 'unknown'
      ? {
        check: 'io.untyped-input', severity: 'warning', title: `Input "${input.name}" has no declared type`,
        detail: 'Without a type, ModelDock cannot build test inputs and clients cannot know what to send.',
        hint: 'Re-export with typed inputs.',
      }
      : {
        check: 'io.non-tensor-input', severity: 'error', title: `Input "${input.name}" is a ${input.typeText}, not a tensor`,
        detail: 'onnxruntime-node, which runs the model here and in the served image, can only pass tensors. Requests to this model cannot be made.',
        hint: 'Re-export so that the input is a tensor (e.g. a padded tensor instead of a sequence).',
      });
  }
  for (const output of summary.outputs.filter((o) => o.kind !== 'tensor')) {
    const zipMap = graph.nodes.find((n) => n.opType === 'ZipMap' && n.domain === 'ai.onnx.ml' && n.outputs.includes(output.name));
    if (output.kind === 'unknown') {
      findings.push({
        check: 'io.untyped-output', severity: 'warning', title: `Output "${output.name}" has no declared type`,
        detail: 'Clients cannot know what the model returns until they call it.',
        hint: 'Re-export with typed outputs.',
      });
    } else if (zipMap) {
      const source = zipMap.inputs[0] ?? 'probabilities';
      findings.push({
        check: 'io.zipmap-output', severity: 'error', title: `Output "${output.name}" is a ZipMap (${output.typeText})`,
        detail: `scikit-learn converters append ZipMap to turn class probabilities into a list of {class: probability} maps. onnxruntime-node cannot return sequences or maps, so every prediction on this model fails ("Non tensor type is temporarily not supported"), in ModelDock and in the served image.`,
        hint: `Remove ZipMap: ModelDock writes a copy whose output is the tensor "${source}" (float32, one column per class). Or re-export with skl2onnx options={id(model): {"zipmap": False}}.`,
        fix: { kind: 'remove-zipmap', label: 'Remove ZipMap' },
      });
    } else {
      findings.push({
        check: 'io.non-tensor-output', severity: 'error', title: `Output "${output.name}" is a ${output.typeText}, not a tensor`,
        detail: 'onnxruntime-node, which runs the model here and in the served image, can only return tensors: every prediction on this model fails.',
        hint: 'Re-export so that the output is a tensor (for sequences, e.g. concatenate them into one padded tensor).',
      });
    }
  }
  return findings;
}

function checkBatch(summary: OnnxSummary): Finding[] {
  const tensors = summary.inputs.filter((i) => i.kind === 'tensor');
  const unknownRank = tensors.filter((i) => i.shape === null);
  const ranked = tensors.filter((i) => i.shape && i.shape.length > 0);
  const fixed = ranked.filter((i) => typeof i.shape![0] === 'number');
  const findings: Finding[] = [];
  if (fixed.length) {
    findings.push({
      check: 'io.fixed-batch', severity: 'warning',
      title: `Fixed batch size: ${fixed.map((i) => `${i.name} ${shapeText(i)}`).join(', ')}`,
      detail: `The first dimension is fixed at ${fixed[0].shape![0]}, so every request must carry exactly that many rows and the server cannot group requests into batches, which limits throughput under load.`,
      hint: 'Re-export with a dynamic batch axis: torch.onnx.export(..., dynamic_axes={"input": {0: "batch"}}), a None first dimension for tf2onnx, or FloatTensorType([None, n]) for skl2onnx.',
    });
  } else if (ranked.length) {
    findings.push({
      check: 'io.dynamic-batch', severity: 'info', title: 'Dynamic batch dimension',
      detail: `The first dimension of ${list(ranked.map((i) => `${i.name} ${shapeText(i)}`))} is dynamic: requests can carry any number of rows and the server can batch them.`,
    });
  }
  if (unknownRank.length) {
    findings.push({
      check: 'io.unknown-shape', severity: 'info', title: 'Inputs without a declared shape',
      detail: `${list(unknownRank.map((i) => i.name))} declare${unknownRank.length === 1 ? 's' : ''} no shape, so ModelDock cannot check request shapes before running the model; a wrong shape fails inside ONNX Runtime.`,
      hint: 'Re-export with input shapes (symbolic names for the dynamic ones).',
    });
  }
  return findings;
}

function checkExternalData(summary: OnnxSummary): Finding[] {
  return summary.externalData.filter((f) => f.problem).map((file) => {
    const kind = externalProblemKind(file.problem!);
    const missing = kind === 'missing' || kind === 'truncated';
    return {
      check: `external-data.${kind}`,
      severity: 'error' as const,
      title: missing ? `External weights file ${kind === 'missing' ? 'missing' : 'incomplete'}: ${file.location}` : `External weights outside the model's folder: ${file.location}`,
      detail: `${file.problem} ${missing
        ? `The model keeps ${file.tensors} tensor${file.tensors === 1 ? '' : 's'} in that file; without it ONNX Runtime cannot load the model.`
        : 'ONNX Runtime refuses such paths, and a model that reads files outside its folder could leak them into a served image.'}`,
      hint: missing
        ? 'Copy the data file that came with the model into the same folder, under the name the model uses.'
        : 'Re-save the model with its external data beside it: onnx.save_model(model, path, save_as_external_data=True, location="model.onnx.data").',
    };
  });
}

function checkSize(summary: OnnxSummary): Finding[] {
  if (summary.parameterBytes < LARGE_MODEL_BYTES) return [];
  const gb = (summary.parameterBytes / 1024 ** 3).toFixed(1);
  return [{
    check: 'size.large', severity: 'info', title: `Large model: ${gb} GB of weights`,
    detail: `Each server replica needs at least ${gb} GB of memory for the weights plus working memory, loading takes seconds, and container images and pulls grow by the same amount.`,
    hint: 'Plan memory limits accordingly; quantization (onnxruntime.quantization) can shrink float32 weights about 4x.',
  }];
}

function checkLabels(summary: OnnxSummary, graph: GraphStructure, options: StaticValidationOptions): Finding[] {
  if (summary.labels || options.specHasLabels) return [];
  const classifierOps = new Set(['Softmax', 'LogSoftmax', 'ZipMap']);
  const producer = (name: string) => graph.nodes.find((n) => n.outputs.includes(name));
  const looksLikeClasses = summary.outputs.some((o) => {
    const op = producer(o.name);
    if (op && (classifierOps.has(op.opType) || /Classifier$/.test(op.opType))) return true;
    const lastDim = o.shape?.[o.shape.length - 1];
    return o.kind === 'tensor' && o.elementType === 'float32' && o.shape?.length === 2 && typeof lastDim === 'number' && lastDim >= 2 && /prob|logit|score|class/i.test(o.name);
  });
  if (!looksLikeClasses) return [];
  return [{
    check: 'labels.missing', severity: 'info', title: 'No class names',
    detail: 'The model looks like a classifier but carries no class names, so predictions read as indexes ("class 2") instead of names.',
    hint: 'Add labels to the spec (modeldock.yaml: labels: [setosa, versicolor, virginica]) or to the model\'s metadata_props under "labels".',
  }];
}

// ---------------------------------------------------------------------------------------------------------------

function allNodes(graph: GraphStructure): GraphNode[] {
  return graph.nodes.flatMap((n) => [n, ...n.subgraphs.flatMap(allNodes)]);
}

function nodeLabel(node: GraphNode): string {
  return node.name ? `${node.opType} "${node.name}"` : node.opType;
}

function shapeText(info: ValueInfo): string {
  return `[${(info.shape ?? []).map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

function list(names: string[]): string {
  const quoted = names.slice(0, MAX_NAMES_LISTED).map((n) => (n.startsWith('"') || /\s/.test(n) ? n : `"${n}"`));
  const more = names.length > MAX_NAMES_LISTED ? ` and ${names.length - MAX_NAMES_LISTED} more` : '';
  return quoted.join(', ') + more;
}

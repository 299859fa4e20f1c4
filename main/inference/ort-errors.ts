import { ModelDockError } from '../../shared/errors';
import { ONNX_DATA_TYPE_NAMES } from '../../shared/schemas/tensor';
import type { WorkerFailure } from './worker-protocol';

/**
 * ONNX Runtime's error text is written for its own developers ("[ONNXRuntimeError] : 1 : FAIL : Load model from
 * ... failed:/onnxruntime_src/...cc:181 ..."). These rules turn the common ones into a cause and a next step; the
 * raw text stays in `detail`.
 */
interface Rule {
  pattern: RegExp;
  explain: (m: RegExpExecArray) => { why: string; fix: string; code: string };
}

const RULES: Rule[] = [
  {
    pattern: /Unsupported model IR version: (\d+), max supported IR version: (\d+)/i,
    explain: (m) => ({
      code: 'unsupported-ir-version',
      why: `the model uses ONNX IR version ${m[1]}, newer than this ONNX Runtime supports (up to ${m[2]})`,
      fix: 'Export with an older ONNX version (e.g. torch.onnx.export(..., opset_version=17)) or update ModelDock.',
    }),
  },
  {
    pattern: /[Oo]pset (\d+) is under development|(?:opset|Opset)[^\n]*?(\d+)[^\n]*?(?:not supported|unsupported)|Current official support for domain (\S+) is till opset (\d+)/,
    explain: (m) => ({
      code: 'unsupported-opset',
      why: m[3] ? `the model imports domain ${m[3]} at an opset newer than this ONNX Runtime supports (up to ${m[4]})` : `the model needs opset ${m[1] ?? m[2]}, which this ONNX Runtime does not support`,
      fix: 'Export the model again with a lower opset (e.g. opset_version=17), or convert it with onnx.version_converter.',
    }),
  },
  {
    pattern: /([\w.]+):(\w+)\((-?\d+)\) is not a registered function\/op/,
    explain: (m) => ({
      code: m[1] && m[1] !== 'ai.onnx' && m[1] !== 'ai.onnx.ml' ? 'custom-op-missing' : 'unknown-op',
      why: m[1] && m[1] !== 'ai.onnx' && m[1] !== 'ai.onnx.ml'
        ? `operator ${m[2]} comes from the custom domain "${m[1]}", whose implementation is not part of ONNX Runtime`
        : `operator ${m[2]} is not known to this ONNX Runtime at opset ${m[3]}`,
      fix: m[1] && m[1] !== 'ai.onnx' && m[1] !== 'ai.onnx.ml'
        ? 'Export the model without custom operators, or replace them with standard ONNX operators.'
        : 'Check the operator name and opset, or export again with a standard opset.',
    }),
  },
  {
    pattern: /No opset import for domain '([^']+)'/,
    explain: (m) => ({
      code: 'custom-op-missing',
      why: `a node uses domain "${m[1]}", which the model does not import and ONNX Runtime does not provide`,
      fix: 'Add the domain to opset_import, or replace the custom operator with standard ones.',
    }),
  },
  {
    pattern: /Could not find an implementation for (\w+)\((\d+)\) node with name '([^']*)'/,
    explain: (m) => ({
      code: 'op-not-implemented',
      why: `ONNX Runtime has no CPU kernel for ${m[1]} (opset ${m[2]}) with the element types this model uses${m[3] ? ` (node "${m[3]}")` : ''}`,
      fix: 'Cast the tensors around this operator to a supported type (usually float32) when exporting, or use another opset.',
    }),
  },
  {
    pattern: /Type \(([^)]*\)?)\) of (?:input|output) arg \(([^)]*)\) of node \(([^)]*)\) does not match expected type \(([^)]*\)?)\)/,
    explain: (m) => ({
      code: 'type-mismatch',
      why: `tensor "${m[2]}" has type ${m[1]} but node "${m[3]}" expects ${m[4]}`,
      fix: 'Insert a Cast in the exported graph or fix the declared type of that tensor, then export again.',
    }),
  },
  {
    pattern: /(?:Type Error|TypeInferenceError|ShapeInferenceError|InferenceError)[^:]*:\s*(.+)/,
    explain: (m) => ({
      code: 'type-mismatch',
      why: `ONNX's type and shape checks fail: ${m[1].trim()}`,
      fix: 'Export the model again; if it persists, run onnx.checker.check_model(model, full_check=True) to find the node.',
    }),
  },
  {
    pattern: /(?:External data|external data|external initializer)[^\n]*?(?:not exist|No such file|cannot be opened|Failed|failed|invalid)/,
    explain: () => ({
      code: 'external-data-failed',
      why: 'the model\'s external weights file cannot be read',
      fix: 'Keep the weights file(s) in the same folder as the .onnx file, with the names the model refers to.',
    }),
  },
  {
    pattern: /Unsupported data type: (\d+)/,
    explain: (m) => ({
      code: 'unsupported-element-type',
      why: `an input or output has element type ${ONNX_DATA_TYPE_NAMES[Number(m[1])] ?? `#${m[1]}`}, which ONNX Runtime for Node cannot exchange`,
      fix: 'Cast that input or output to float32 (or another standard type) when exporting.',
    }),
  },
  {
    pattern: /Node input '([^']*)' is not a graph input, initializer, or output of a previous node/,
    explain: (m) => ({
      code: 'dangling-input',
      why: `a node reads "${m[1]}", which no graph input, initializer or earlier node produces`,
      fix: 'The export is incomplete or the graph was edited by hand: export the model again.',
    }),
  },
  {
    pattern: /ModelProto does not have a graph/,
    explain: () => ({ code: 'model-unreadable', why: 'the file holds no graph (it is empty or not an ONNX model)', fix: 'Export the model again; check that the file copied completely.' }),
  },
  {
    pattern: /Protobuf parsing failed|ModelProto.*parse|Failed to load model because protobuf parsing failed/i,
    explain: () => ({ code: 'model-unreadable', why: 'the file is not a valid ONNX model (protobuf parsing failed)', fix: 'Export the model again; check that the file copied completely.' }),
  },
  {
    pattern: /File doesn't exist|No such file or directory|ENOENT/,
    explain: () => ({ code: 'model-missing', why: 'the model file cannot be found', fix: 'Check the path, or open the model again.' }),
  },
  {
    pattern: /Got invalid dimensions for input: (\S+) for the following indices\s*(.*)/s,
    explain: (m) => ({ code: 'input-shape-mismatch', why: `input "${m[1]}" has the wrong size: ${m[2].replace(/\s+/g, ' ').trim()}`, fix: 'Give the input the shape the model declares.' }),
  },
  {
    pattern: /Unexpected input data type\. Actual: \(([^)]*\)?)\) , expected: \(([^)]*\)?)\)/,
    explain: (m) => ({ code: 'input-type-mismatch', why: `an input is ${m[1]} but the model expects ${m[2]}`, fix: 'Give the input the element type the model declares.' }),
  },
];

/** The useful sentence out of ORT's text: drops the "[ONNXRuntimeError] : 1 : FAIL :" prefix and source locations. */
export function cleanOrtMessage(raw: string): string {
  return raw
    .replace(/\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/g, '')
    .replace(/\/?[\w./-]*onnxruntime[\w./-]*\.(?:cc|h|cpp):\d+\s+(?:[\w:<>~,*& ]+\([^)]*\)(?:\s*const)?\s*)?/g, '')
    .replace(/Load model from .*? failed:\s*/g, '')
    .replace(/::<lambda\(\)>\s*/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

export interface OrtExplanation {
  code: string;
  why: string;
  fix: string;
}

export function explainOrtMessage(raw: string): OrtExplanation | null {
  for (const rule of RULES) {
    const m = rule.pattern.exec(raw);
    if (m) return rule.explain(m);
  }
  return null;
}

/** A worker failure as the error users see. */
export function workerFailureToError(failure: WorkerFailure, modelPath: string): ModelDockError {
  const known = explainOrtMessage(failure.message);
  const clean = cleanOrtMessage(failure.message);
  const file = modelPath.split(/[\\/]/).pop() ?? modelPath;
  if (failure.stage === 'load') {
    return new ModelDockError({
      code: known?.code ?? 'session-create-failed',
      title: 'ONNX Runtime cannot load this model',
      message: known ? `ONNX Runtime rejects ${file}: ${known.why}.` : `ONNX Runtime rejects ${file}: ${clean}`,
      fix: known?.fix ?? 'Check the model with Validate; export it again with a standard opset if the problem persists.',
      detail: failure.message,
    });
  }
  if (failure.stage === 'run') {
    return new ModelDockError({
      code: known?.code ?? 'run-failed',
      title: 'The model failed while running',
      message: known ? `ONNX Runtime stopped while running ${file}: ${known.why}.` : `ONNX Runtime stopped while running ${file}: ${clean}`,
      fix: known?.fix ?? 'Check the inputs\' shapes and values against the model\'s inputs.',
      detail: failure.message,
    });
  }
  return new ModelDockError({
    code: 'worker-request-failed',
    title: 'The inference worker could not do that',
    message: clean || 'The inference worker refused the request.',
    fix: 'Try again; if it keeps happening, report it with the details below.',
    detail: failure.message,
  });
}

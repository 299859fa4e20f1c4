import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';
import type { ModelReport, OnnxSummary } from '../../shared/schemas/model';
import type { StepProgress } from '../../shared/schemas/validation';
import { readProvenanceBeside } from '../convert/provenance-record';
import { conversionHint } from './conversion-hints';
import { detectFormat, type FormatDetection } from './detect-format';
import { fileAccessError } from './file-errors';
import { readOnnxModel, type OnnxModel } from './onnx-inspect';
import { isProtobufDecodeError } from './protobuf/file-reader';
import { scanModelFile } from './scan/scan-model';

/**
 * Opening a model: recognise it by content, then inspect ONNX (weights skipped) or explain how to convert the
 * rest. Every way a file can be wrong ends in a ModelDockError that names the file and the next step.
 */
const STEPS = ['Checking the file', 'Recognising the format', 'Reading the ONNX graph'];

export async function openModel(modelPath: string, onStep?: (p: StepProgress) => void): Promise<ModelReport> {
  return (await openModelDetailed(modelPath, onStep)).report;
}

/** Like openModel, also returning the graph wiring (for validation) when the model is ONNX. */
export async function openModelDetailed(
  modelPath: string, onStep?: (p: StepProgress) => void,
): Promise<{ report: ModelReport; model: OnnxModel | null }> {
  const started = performance.now();
  const step = (index: number) => onStep?.({ step: STEPS[index], index, total: STEPS.length });
  const absolute = path.resolve(modelPath);
  const fileName = path.basename(absolute);

  step(0);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch (error) {
    throw fileAccessError(absolute, error);
  }

  step(1);
  const detection = await detectFormat(absolute);
  if (detection.format === 'unknown') throw unknownFormatError(absolute, detection);

  const base = { path: absolute, fileName, format: detection.format, formatLabel: detection.label };
  if (detection.format !== 'onnx') {
    const bytes = stat.isDirectory() ? folderBytes(absolute) : stat.size;
    // The safety scan reads bytes only; a scan that cannot finish says so in its report instead of failing the open.
    const scan = await scanModelFile(absolute).catch(() => undefined);
    return {
      report: { ...base, bytes, conversion: conversionHint(detection, absolute), scan, inspectMs: elapsed(started) },
      model: null,
    };
  }

  step(2);
  let model: OnnxModel;
  try {
    model = await readOnnxModel(absolute);
  } catch (error) {
    if (isProtobufDecodeError(error)) throw damagedOnnxError(absolute, stat.size, error);
    throw error;
  }
  // A model ModelDock converted keeps its origin (and the original's scan) in a record beside it.
  const provenance = readProvenanceBeside(absolute, stat.size);
  return {
    report: {
      ...base, bytes: stat.size + externalBytes(model.summary), onnx: model.summary, ...(provenance ? { provenance } : {}), inspectMs: elapsed(started),
    },
    model,
  };
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

function externalBytes(summary: OnnxSummary): number {
  let total = 0;
  for (const file of summary.externalData) {
    if (!file.resolvedPath) continue;
    try { total += fs.statSync(file.resolvedPath).size; } catch { /* reported by validation */ }
  }
  return total;
}

function folderBytes(dir: string): number {
  let total = 0;
  let visited = 0;
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      if (++visited > 20_000) return;
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) total += fs.statSync(full).size;
    }
  };
  try { walk(dir); } catch { /* partial size is fine for display */ }
  return total;
}

function damagedOnnxError(filePath: string, size: number, cause: ModelDockError): ModelDockError {
  const name = path.basename(filePath);
  const truncated = cause.code === 'protobuf-truncated';
  const reexport = 'If the original is damaged too, export it again (torch.onnx.export, skl2onnx or tf2onnx) and check that the export finished without errors.';
  return new ModelDockError({
    code: truncated ? 'onnx-truncated' : 'onnx-damaged',
    title: truncated ? 'The ONNX file is incomplete' : 'The ONNX file is damaged',
    message: truncated
      ? `${name} is an ONNX model, but it is damaged: it ends after ${size} bytes in the middle of its graph, so part of the model is missing (an interrupted download, copy or export).`
      : `${name} starts like an ONNX model, but it is damaged: its data is not valid protobuf further in (${cause.message.replace(/^The data has /, '').replace(/, which.*$/, '')}).`,
    fix: `Copy or download the file again. ${reexport}`,
    detail: cause.message,
  });
}

function unknownFormatError(filePath: string, detection: FormatDetection): ModelDockError {
  const name = path.basename(filePath);
  switch (detection.unknownKind) {
    case 'folder': {
      const onnxFiles = safeList(filePath).filter((f) => f.toLowerCase().endsWith('.onnx'));
      return new ModelDockError({
        code: 'model-folder-unrecognised',
        title: 'This folder is not a model',
        message: `${name} is a folder without saved_model.pb, so it is not a TensorFlow SavedModel${onnxFiles.length ? `; it contains ${onnxFiles.slice(0, 3).join(', ')}` : ''}.`,
        fix: onnxFiles.length ? `Open ${onnxFiles[0]} inside the folder instead.` : 'Open the model file itself (for example model.onnx), or a SavedModel folder.',
      });
    }
    case 'empty':
      return new ModelDockError({
        code: 'model-empty',
        title: 'The model file is empty',
        message: `${name} has 0 bytes: the export, download or copy that made it did not write anything.`,
        fix: 'Export or copy the model again and check that it finished.',
      });
    case 'lfs-pointer':
      return new ModelDockError({
        code: 'model-lfs-pointer',
        title: 'This is a Git LFS pointer, not the model',
        message: `${name} is a small Git LFS pointer file: the real model was never downloaded.`,
        fix: 'Run "git lfs install" and "git lfs pull" in the repository, then open the file again.',
      });
    case 'html':
      return new ModelDockError({
        code: 'model-is-html',
        title: 'This is a web page, not a model',
        message: `${name} contains an HTML page, most likely a login or error page saved instead of the model.`,
        fix: 'Download the model again, from a direct file link or with the hub\'s own tool.',
      });
    case 'json':
    case 'text':
      return new ModelDockError({
        code: 'model-is-text',
        title: 'This is a text file, not a model',
        message: `${name} contains ${detection.unknownKind === 'json' ? 'JSON ' : ''}text (it starts with "${firstLine(filePath)}"), not model data.`,
        fix: 'Open the model file itself: an .onnx file, or a PyTorch, Keras, TensorFlow or scikit-learn model to convert.',
      });
    case 'zip':
      return new ModelDockError({
        code: 'model-zip-unrecognised',
        title: 'A zip archive that holds no model ModelDock knows',
        message: `${name} is a ${detection.label}; it is not a PyTorch, TorchScript or Keras 3 archive.`,
        fix: /containing/.test(detection.label) ? 'Unzip it and open the .onnx file inside.' : 'Unzip it and open the model file inside.',
      });
    case 'ort-format':
      return new ModelDockError({
        code: 'model-ort-format',
        title: 'ONNX Runtime .ort files are not supported',
        message: `${name} is in ONNX Runtime's optimised .ort format, which cannot be inspected or validated.`,
        fix: 'Open the .onnx file it was converted from.',
      });
    default:
      return new ModelDockError({
        code: 'model-unknown-format',
        title: 'Not a model format ModelDock recognises',
        message: `${name} is not ONNX, pickle/joblib, PyTorch, TorchScript, Keras, TensorFlow (SavedModel or Lite) or safetensors: its first bytes (${firstBytesHex(filePath)}) match none of them. It may be damaged, encrypted or from another tool.`,
        fix: 'If it is a model, export it to ONNX from the framework it was trained in; if it is an ONNX file, copy or download it again.',
      });
  }
}

function safeList(dir: string): string[] {
  try { return fs.readdirSync(dir); } catch { return []; }
}

function readHead(filePath: string, n: number): Buffer {
  const fd = fs.openSync(filePath, 'r');
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, fs.readSync(fd, buf, 0, n, 0));
  } finally {
    fs.closeSync(fd);
  }
}

function firstLine(filePath: string): string {
  const text = readHead(filePath, 200).toString('utf8').trim().split(/\r?\n/)[0] ?? '';
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function firstBytesHex(filePath: string): string {
  return [...readHead(filePath, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

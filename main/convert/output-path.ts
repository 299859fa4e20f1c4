import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError } from '../../shared/errors';

/**
 * Where the converted model goes: beside the model as <stem>.onnx, or <stem>-2.onnx... when that exists. An
 * explicit path that already exists is refused: a conversion never overwrites a file.
 */
export function defaultOnnxPath(modelPath: string): string {
  const absolute = path.resolve(modelPath);
  const dir = path.dirname(absolute);
  const stem = path.basename(absolute).replace(/\.[^.]+$/, '') || 'model';
  for (let n = 1; n < 10_000; n++) {
    const candidate = path.join(dir, n === 1 ? `${stem}.onnx` : `${stem}-${n}.onnx`);
    if (!fs.existsSync(candidate)) return candidate;
  }
  return path.join(dir, `${stem}-${Date.now()}.onnx`);
}

export function chooseOutPath(modelPath: string, requested?: string): string {
  if (!requested) return defaultOnnxPath(modelPath);
  const absolute = path.resolve(requested);
  if (fs.existsSync(absolute)) {
    throw new ModelDockError({
      code: 'convert-output-exists',
      title: 'The output file already exists',
      message: `${absolute} exists; a conversion never overwrites a file.`,
      fix: `Choose another name, or leave the output out to write ${path.basename(defaultOnnxPath(modelPath))} beside the model.`,
    });
  }
  if (!fs.existsSync(path.dirname(absolute))) {
    throw new ModelDockError({
      code: 'convert-output-folder-missing',
      title: 'The output folder does not exist',
      message: `${path.dirname(absolute)} does not exist.`,
      fix: 'Create the folder first, or choose an output path in an existing folder.',
    });
  }
  return absolute;
}

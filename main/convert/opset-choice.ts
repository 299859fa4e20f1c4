import type { OpsetChoice, PythonInterpreter } from '../../shared/schemas/convert';
import { ORT_VERSION } from '../engine/versions';
import { ORT_MAX_OPSET } from '../model/ort-support';
import type { RecipeKind } from './recipe-kind';

/**
 * The opset a recipe writes. 17 is the default: the bundled ONNX Runtime runs up to 26, but older runtimes, mobile
 * builds and tools downstream understand 17, and every exporter here writes it well (torch 1.13's TorchScript
 * exporter tops out at 17). A newer opset is only worth it when an operator needs it.
 */
const SAFE_OPSET = 17;

/** The TorchScript exporter's newest opset per torch release (torch.onnx._constants.ONNX_MAX_OPSET). */
const TORCH_MAX_OPSET: Array<[number, number, number]> = [
  [1, 8, 12], [1, 9, 12], [1, 10, 14], [1, 11, 15], [1, 12, 16], [1, 13, 17], [2, 0, 18], [2, 1, 19], [2, 2, 19], [2, 3, 20],
];

export function torchMaxOpset(version: string | null | undefined): number | null {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (!match) return null;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  let best: number | null = null;
  for (const [ma, mi, opset] of TORCH_MAX_OPSET) if (major > ma || (major === ma && minor >= mi)) best = opset;
  return best;
}

export function chooseOpset(kind: RecipeKind, python: PythonInterpreter | null, requested?: number): OpsetChoice {
  const runtimeMax = ORT_MAX_OPSET[''];
  const torchKind = kind === 'torchscript' || kind === 'torch-module' || kind === 'torch-state-dict' || kind === 'safetensors';
  const torchVersion = python?.packages.torch ?? null;
  const converterMax = torchKind ? torchMaxOpset(torchVersion) : null;
  if (requested !== undefined) {
    const over = converterMax !== null && requested > converterMax;
    return {
      opset: requested,
      runtimeMax,
      converterMax,
      reason: over
        ? `Opset ${requested} was asked for, but torch ${torchVersion} exports at most opset ${converterMax}: the export will fail. Use ${converterMax} or install a newer torch.`
        : `Opset ${requested} as asked; the bundled ONNX Runtime ${ORT_VERSION} runs opsets up to ${runtimeMax}.`,
    };
  }
  const opset = converterMax !== null ? Math.min(SAFE_OPSET, converterMax) : SAFE_OPSET;
  const torchNote = converterMax !== null ? ` torch ${torchVersion} exports up to opset ${converterMax}.` : '';
  return {
    opset,
    runtimeMax,
    converterMax,
    reason: `Opset ${opset}: the bundled ONNX Runtime ${ORT_VERSION} runs up to ${runtimeMax}, and ${opset} is also understood by older runtimes and tools.${torchNote} Choose a newer opset only if the export asks for one (an operator it needs is newer).`,
  };
}

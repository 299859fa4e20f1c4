import * as os from 'node:os';
import * as path from 'node:path';
import { DiscoverySchema, type Discovery, type OpsetChoice } from '../../shared/schemas/convert';
import { buildRecipe } from './build-recipe';
import type { ConvertTarget } from './convert-target';
import type { RecipeKind } from './recipe-kind';
import { recipeFileName } from './recipe-python';
import { findMarker, runRecipe } from './run-recipe';

/**
 * Reads a model's inputs by loading it in Python: the recipe itself runs with MODELDOCK_DISCOVER_ONLY=1, so the
 * discovery shown is the one the conversion will make. Callers check the risk gate first.
 */
const DISCOVERY_TIMEOUT_MS = 120_000;

const cache = new Map<string, Discovery>();

export async function discoverInputs(
  target: ConvertTarget, kind: RecipeKind, pythonPath: string,
  options: { opset: OpsetChoice; modelClass?: string; signal?: AbortSignal },
): Promise<{ discovery: Discovery | null; note: string | null }> {
  const key = `${target.path}\u0000${pythonPath}\u0000${options.modelClass ?? ''}\u0000${target.scan?.bytesScanned ?? ''}`;
  const cached = cache.get(key);
  if (cached) return { discovery: cached, note: null };
  const script = buildRecipe({
    kind, modelPath: target.path, formatLabel: target.detection.label, onnxPath: path.join(os.tmpdir(), 'modeldock-discovery.onnx'),
    opset: options.opset, discovery: null, modelClass: options.modelClass, loader: target.loader, scanVerdict: target.scan?.verdict ?? null,
  });
  const run = await runRecipe({
    pythonPath, script, scriptName: recipeFileName(target.path), cwd: path.dirname(target.path),
    env: { MODELDOCK_DISCOVER_ONLY: '1' }, timeoutMs: DISCOVERY_TIMEOUT_MS, signal: options.signal,
  });
  const raw = findMarker<Record<string, unknown>>(run.markers, 'discovered');
  if (run.exitCode === 0 && raw) {
    const stateDict = raw.stateDict as { tensors: number; first: Array<[string, number[]]> } | undefined;
    const parsed = DiscoverySchema.safeParse({
      source: 'python',
      inputs: ((raw.inputs as unknown[]) ?? []).map((i) => {
        const x = i as Record<string, unknown>;
        return { name: String(x.name ?? 'input'), shape: x.shape, dtype: String(x.dtype ?? 'float32'), guessed: !!x.guessed, ...(x.why ? { why: String(x.why) } : {}), ...(typeof x.high === 'number' ? { high: x.high } : {}) };
      }),
      className: typeof raw.className === 'string' ? raw.className : null,
      features: typeof raw.features === 'number' ? raw.features : null,
      classifier: typeof raw.classifier === 'boolean' ? raw.classifier : null,
      stateDict: stateDict ? { tensors: stateDict.tensors, first: stateDict.first.map(([name, shape]) => ({ name, shape })) } : null,
    });
    if (parsed.success) {
      cache.set(key, parsed.data);
      return { discovery: parsed.data, note: null };
    }
  }
  const error = findMarker<{ message?: string }>(run.markers, 'error');
  const why = error?.message ?? (run.timedOut ? 'loading took too long' : run.log.filter((l) => l.trim()).pop()?.trim() ?? 'no answer');
  return { discovery: null, note: `Loading the model to read its inputs did not work: ${why}` };
}

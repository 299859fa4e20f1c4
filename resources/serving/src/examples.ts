import { makeSampleInputs } from '../../../main/inference/sample-inputs';
import type { IoMeta } from '../../../main/inference/worker-protocol';
import type { ModelInfo } from './model-info';
import { flatValues, nestedValues } from './output-values';
import { toV2Datatype } from '../../../shared/v2-datatypes';

/** Example requests for the model actually served (home page, curl lines, OpenAPI examples). */
const MAX_EXAMPLE_VALUES = 64;

/** One example row for an input (without the batch axis), or null when it is too large to show. */
export function exampleRow(input: IoMeta): unknown {
  let sample;
  try {
    sample = makeSampleInputs([input], 'sample', 1, { firstDim: 1 })[0];
  } catch {
    return null;
  }
  if (sample.data.length > MAX_EXAMPLE_VALUES) return null;
  const nested = tidy(nestedValues(sample));
  return hasBatchAxis(input) && Array.isArray(nested) ? nested[0] : nested;
}

export function hasBatchAxis(input: IoMeta): boolean {
  return input.dims.length > 0 && (typeof input.dims[0] !== 'number' || input.dims[0] === 1 || input.dims[0] === -1);
}

/** The lesson's body: {"instances": [row]} or {"instances": [{"a": row, "b": row}]}; null when too large. */
export function lessonExample(model: ModelInfo): Record<string, unknown> | null {
  const rows = model.inputs.map((i) => exampleRow(i));
  if (rows.some((r) => r === null)) return null;
  if (model.inputs.length === 1) return { instances: [rows[0]] };
  return { instances: [Object.fromEntries(model.inputs.map((i, k) => [i.name, rows[k]]))] };
}

export function v2Example(model: ModelInfo): Record<string, unknown> | null {
  const inputs = [];
  for (const input of model.inputs) {
    let sample;
    try {
      sample = makeSampleInputs([input], 'sample', 1, { firstDim: 1 })[0];
    } catch {
      return null;
    }
    if (sample.data.length > MAX_EXAMPLE_VALUES) return null;
    inputs.push({ name: input.name, shape: sample.dims, datatype: toV2Datatype(input.elementType), data: tidy(flatValues(sample)) });
  }
  return { inputs };
}

/** Floats as someone would type them (one decimal, 0.5..4.5) rather than float32 noise like 0.30000001192092896. */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (typeof value === 'number' && !Number.isInteger(value)) return Math.round((value * 4 + 0.5) * 10) / 10;
  return value;
}

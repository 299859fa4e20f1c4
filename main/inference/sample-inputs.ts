import { ModelDockError } from '../../shared/errors';
import { numberToFloat16Bits } from './float16';
import { allocateValues, elementCount, isFloatType, isRuntimeElementType, unsupportedType, type HostTensor } from './host-tensor';
import type { IoMeta } from './worker-protocol';

export type SampleFill = 'sample' | 'random' | 'zeros';

/** Largest sample tensor: dynamic dims times fixed dims can explode (e.g. [batch, seq, 50000]). */
const MAX_SAMPLE_ELEMENTS = 50_000_000;

/**
 * Inputs that fit the model: every dynamic dimension set to `dynamicDim` (or `firstDim` for axis 0 when given), and
 * values valid for the type. "sample": floats in [0, 1), small non-negative ints (safe as indices), alternating
 * bools, "example" strings, repeatable. "random": the same ranges drawn afresh. "zeros": 0 / false / "".
 */
export function makeSampleInputs(inputs: IoMeta[], fill: SampleFill, dynamicDim: number, opts: { firstDim?: number; seed?: number } = {}): HostTensor[] {
  let seed = opts.seed ?? 0x2545f491;
  const next = fill === 'random' ? Math.random : () => {
    // xorshift32: repeatable "sample" values, so the same model always shows the same sample.
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    return seed / 4294967296;
  };
  return inputs.map((input) => {
    if (!input.isTensor || !input.elementType) {
      throw new ModelDockError({ code: 'non-tensor-input', title: 'This input is not a tensor', message: `Input "${input.name}" takes a sequence or map, which ONNX Runtime for Node cannot be given.`, fix: 'Export the model with tensor inputs.' });
    }
    const type = input.elementType;
    if (!isRuntimeElementType(type)) throw unsupportedType(type, `Input "${input.name}"`);
    const dims = input.dims.map((d, axis) => (typeof d === 'number' && d >= 0 ? d : axis === 0 && opts.firstDim ? opts.firstDim : dynamicDim));
    const count = elementCount(dims);
    if (count > MAX_SAMPLE_ELEMENTS) {
      throw new ModelDockError({ code: 'sample-too-large', title: 'Sample input too large', message: `Input "${input.name}" would have ${count.toLocaleString('en-US')} values at shape [${dims.join(', ')}].`, fix: 'Use a smaller size for dynamic dimensions.' });
    }
    const data = allocateValues(type, count);
    if (fill !== 'zeros') {
      for (let i = 0; i < count; i++) {
        if (type === 'string') (data as string[])[i] = 'example';
        else if (type === 'bool') (data as Uint8Array)[i] = fill === 'sample' ? i % 2 : next() < 0.5 ? 1 : 0;
        else if (isFloatType(type)) {
          const v = Math.round(next() * 1e4) / 1e4;
          if (type === 'float16') (data as Uint16Array)[i] = numberToFloat16Bits(v);
          else (data as Float32Array)[i] = v;
        } else {
          const v = Math.floor(next() * 10);
          if (type === 'int64') (data as BigInt64Array)[i] = BigInt(v);
          else if (type === 'uint64') (data as BigUint64Array)[i] = BigInt(v);
          else (data as Int32Array)[i] = v;
        }
      }
    }
    return { name: input.name, elementType: type, dims, data };
  });
}

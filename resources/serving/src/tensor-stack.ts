import { allocateValues, type HostTensor } from '../../../main/inference/host-tensor';

/** Tensors of the same shape after the first axis, stacked along it (several images -> one batch). */
export function stackRows(tensors: HostTensor[]): HostTensor {
  if (tensors.length === 1) return tensors[0];
  const first = tensors[0];
  const count = tensors.reduce((n, t) => n + t.data.length, 0);
  const data = allocateValues(first.elementType, count);
  let offset = 0;
  for (const t of tensors) {
    if (Array.isArray(data)) for (let k = 0; k < t.data.length; k++) data[offset + k] = (t.data as string[])[k];
    else (data as Float32Array).set(t.data as Float32Array, offset);
    offset += t.data.length;
  }
  const rows = tensors.reduce((n, t) => n + (t.dims[0] ?? 1), 0);
  return { name: first.name, elementType: first.elementType, dims: [rows, ...first.dims.slice(1)], data };
}

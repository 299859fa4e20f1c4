import * as ort from 'onnxruntime-node';
import type { ElementType } from '../../shared/schemas/tensor';
import type { HostTensor, TensorValues } from './host-tensor';

/** HostTensor <-> ort.Tensor, in the worker only (the engine process never loads ONNX Runtime's native code). */
export function hostToOrt(t: HostTensor): ort.Tensor {
  return new ort.Tensor(t.elementType as ort.Tensor.Type, t.data as ort.Tensor.DataType, t.dims);
}

export function ortToHost(name: string, tensor: ort.Tensor): HostTensor {
  let data = tensor.data as unknown as TensorValues;
  // Where Float16Array exists ORT returns one; the engine carries float16 as bits everywhere.
  if (tensor.type === 'float16' && !(data instanceof Uint16Array)) {
    const view = data as unknown as ArrayBufferView & { length: number };
    data = new Uint16Array(view.buffer, view.byteOffset, view.length);
  }
  return { name, elementType: tensor.type as ElementType, dims: tensor.dims.map(Number), data };
}

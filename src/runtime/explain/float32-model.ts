import type { OnnxModel } from '../onnx/codec';
import { DataType } from '../onnx/dtypes';

/** Gradient graphs are built in float32; models with float16 tensors must be converted first. */
export function toFloat32Model(model: OnnxModel): OnnxModel {
  const hasHalf = model.graph.initializer.some((tensor) => tensor.data_type === DataType.FLOAT16)
    || model.graph.input.some((input) => input.type?.tensor_type?.elem_type === DataType.FLOAT16);
  if (hasHalf) throw new Error('float16 models are not supported for attribution yet');
  return model;
}

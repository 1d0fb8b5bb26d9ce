import type { OnnxModel } from '../../onnx/codec';
import { toFloat32Model } from '../../explain/float32-model';

/** Float16 models are quantized from their float32 form; initializers stop being graph inputs (IR < 4 lists them). */
export function toFloat32(model: OnnxModel): OnnxModel {
  return toFloat32Model(model);
}

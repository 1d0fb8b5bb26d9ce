import type { OnnxModel } from './codec';
import { toNumber } from './codec';
import { convertFloat16ToFloat32 } from './convert';
import { DataType } from './dtypes';

/** IR 4 is the first version where initializers need not be listed as graph inputs. */
const IR_WITHOUT_INITIALIZER_INPUTS = 4;

/**
 * The model as attribution needs it: float32 (float16 tensors and I/O converted), and with initializers no longer
 * listed as graph inputs (IR < 4 models list them), so onnxruntime treats weights as constants and folds them.
 */
export function toFloat32Model(model: OnnxModel): OnnxModel {
  const hasHalf = model.graph.initializer.some((tensor) => tensor.data_type === DataType.FLOAT16)
    || [...model.graph.input, ...model.graph.output].some((value) => value.type?.tensor_type?.elem_type === DataType.FLOAT16);
  const converted = hasHalf ? convertFloat16ToFloat32(model) : model;
  const initializers = new Set(converted.graph.initializer.map((tensor) => tensor.name));
  if (!converted.graph.input.some((input) => initializers.has(input.name))) return converted;
  return {
    ...converted,
    ir_version: Math.max(toNumber(converted.ir_version), IR_WITHOUT_INITIALIZER_INPUTS),
    graph: { ...converted.graph, input: converted.graph.input.filter((input) => !initializers.has(input.name)) },
  };
}

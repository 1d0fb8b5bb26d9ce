import type { OnnxModel } from '../../onnx/codec';
import { dropUnusedInitializers, editableCopy, QuantizeError } from '../graph-edit';
import { constantsAsInitializers } from './constants';
import { dropIdentities } from './drop-identities';
import { foldBatchNormalization } from './fold-batch-norm';
import { foldBiasAdd } from './fold-bias-add';
import { foldConstants } from './fold-constants';
import { toFloat32 } from './float32';
import { upgradeToQuantizedOpset } from './opset';

export interface PreparePass {
  name: string;
  /** Returns the rewritten model: the same object changed in place, or a new one. */
  run(model: OnnxModel): OnnxModel;
}

/** The passes that make a float model ready for quantization, in the order they run. */
export const preparePasses: PreparePass[] = [
  { name: 'float16 to float32', run: toFloat32 },
  { name: 'Constant weights to initializers', run: constantsAsInitializers },
  { name: 'Identity and Dropout removal', run: dropIdentities },
  { name: 'opset 13', run: upgradeToQuantizedOpset },
  { name: 'constant folding of reshaped weights', run: foldConstants },
  { name: 'Conv + BatchNormalization folding', run: foldBatchNormalization },
  { name: 'bias Add folding', run: foldBiasAdd },
  { name: 'unused initializers', run: dropUnusedInitializers },
];

/** Operators that only a quantized model holds. */
const QUANTIZED_OPERATORS = /^(QuantizeLinear|DequantizeLinear|DynamicQuantizeLinear|QLinear\w+|ConvInteger|MatMulInteger\w*|QGemm|QAttention|DynamicQuantizeMatMul|MatMulIntegerToFloat)$/;

export function assertNotQuantized(model: OnnxModel, file: string): void {
  const node = model.graph.node.find((candidate) => QUANTIZED_OPERATORS.test(candidate.op_type));
  if (node) {
    throw new QuantizeError(`${file} is already quantized (node ${node.name || node.output[0]} is ${node.op_type}); quantize the float model instead`);
  }
}

/** Runs every prepare pass on a copy of the model (the caller's object and the file are left as they are). */
export function prepareModel(model: OnnxModel, onPass?: (name: string) => void): OnnxModel {
  let current = editableCopy(model);
  for (const pass of preparePasses) {
    onPass?.(pass.name);
    const next = pass.run(current);
    current = next === current ? next : editableCopy(next);
  }
  return current;
}

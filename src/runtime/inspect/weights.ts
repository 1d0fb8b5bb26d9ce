import { isDefaultDomain } from '../onnx/codec';
import { DataType } from '../onnx/dtypes';

/**
 * Which constant tensors are weights. A constant (initializer or Constant-node output) counts when some node reads
 * it as data rather than as a shape, axes, scales, index or bound argument, it is not a scalar, and its type is a
 * weight type (below): the scalars exporters emit (epsilon, 6 in ReLU6…) and shape constants are not parameters in
 * PyTorch or Keras counts either.
 */
const argumentSlots: Record<string, number[]> = {
  Reshape: [1], Expand: [1], Tile: [1], Unsqueeze: [1], Squeeze: [1], Slice: [1, 2, 3, 4], Pad: [1, 2, 3],
  Resize: [1, 2, 3], Upsample: [1], Split: [1], TopK: [1], Gather: [1], GatherElements: [1], GatherND: [1],
  ConstantOfShape: [0], Range: [0, 1, 2], OneHot: [1, 2], Clip: [1, 2], Dropout: [1, 2], CumSum: [1], Trilu: [1],
  ReduceMean: [1], ReduceSum: [1], ReduceMax: [1], ReduceMin: [1], ReduceProd: [1], ReduceL1: [1], ReduceL2: [1],
  ReduceLogSum: [1], ReduceLogSumExp: [1], ReduceSumSquare: [1], NonMaxSuppression: [2, 3, 4], RoiAlign: [2],
  ScatterElements: [1], ScatterND: [1],
};

export function isArgumentSlot(opType: string, inputIndex: number): boolean {
  return argumentSlots[opType]?.includes(inputIndex) ?? false;
}

const floatTypes = new Set<number>([DataType.FLOAT, DataType.FLOAT16, DataType.DOUBLE, DataType.BFLOAT16]);

/** Ops that read integer tensors as (quantized) weights. */
const quantizedWeightReaders = new Set(['DequantizeLinear', 'QLinearConv', 'QLinearMatMul', 'ConvInteger', 'MatMulInteger', 'QGemm']);

/**
 * Floating-point constants are weights; integer ones only where a quantized op reads them (elsewhere integers are
 * shapes, axes, indices and counts, for example int32 constants cast into a Reshape target).
 */
export function isWeightType(dataType: number, readers: { opType: string }[]): boolean {
  return floatTypes.has(dataType) || readers.some((reader) => quantizedWeightReaders.has(reader.opType));
}

/** Ops that pass a weight on to the layer using it: its parameters are that layer's, not theirs. */
const weightCarriers = new Set(['Reshape', 'Identity', 'Transpose', 'Cast', 'Unsqueeze', 'Squeeze', 'DequantizeLinear']);

export function isWeightCarrier(node: { op_type: string; domain?: string | null }): boolean {
  return isDefaultDomain(node.domain) && weightCarriers.has(node.op_type);
}

import { DataType } from '../onnx/dtypes';

/**
 * Which constant tensors are weights. A constant (initializer or Constant-node output) counts when some node reads
 * it as data rather than as a shape, axes, index or bound argument, and it is not a scalar: the scalars exporters
 * emit (epsilon, 6 in ReLU6…) and shape constants are not parameters in PyTorch or Keras counts either.
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

/** int64 is ONNX's type for shapes, axes and indices; bools and strings are masks and labels: none are weights. */
const nonWeightTypes = new Set([DataType.INT64, DataType.BOOL, DataType.STRING]);

export function isWeightType(dataType: number): boolean {
  return !nonWeightTypes.has(dataType as 7 | 9 | 8);
}

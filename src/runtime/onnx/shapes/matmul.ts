import { DataType } from '../dtypes';
import { Dim, ShapeRule, TensorFacts, broadcastShapes, withShape } from './facts';

const gemm: ShapeRule = (context) => {
  const [a, b] = context.inputs;
  if (!a?.shape || !b?.shape || a.shape.length !== 2 || b.shape.length !== 2) return [withShape(a, null)];
  const m = context.int('transA', 0) ? a.shape[1] : a.shape[0];
  const n = context.int('transB', 0) ? b.shape[0] : b.shape[1];
  return [withShape(a, [m, n])];
};

/** numpy.matmul: 1-D operands gain and then lose an axis; leading axes broadcast. */
function matmulShape(a: TensorFacts | undefined, b: TensorFacts | undefined, dtype?: number | null): TensorFacts {
  if (!a?.shape || !b?.shape || a.shape.length === 0 || b.shape.length === 0) return withShape(a, null, dtype);
  const left = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const right = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const batch = broadcastShapes([left.slice(0, -2), right.slice(0, -2)]);
  if (!batch) return withShape(a, null, dtype);
  const shape: Dim[] = [...batch];
  if (a.shape.length > 1) shape.push(left[left.length - 2]);
  if (b.shape.length > 1) shape.push(right[right.length - 1]);
  return withShape(a, shape, dtype);
}

const matmul: ShapeRule = (context) => [matmulShape(context.inputs[0], context.inputs[1])];

const matmulInteger: ShapeRule = (context) => [matmulShape(context.inputs[0], context.inputs[1], DataType.INT32)];

/** Inputs a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point; y has y_zero_point's type. */
const qlinearMatmul: ShapeRule = (context) => [matmulShape(context.inputs[0], context.inputs[3], context.inputs[7]?.dtype)];

export const matmulRules: Record<string, ShapeRule> = { Gemm: gemm, MatMul: matmul, MatMulInteger: matmulInteger, QLinearMatMul: qlinearMatmul };

import { Dim, ShapeRule, broadcastShapes, withShape } from './facts';

const gemm: ShapeRule = (context) => {
  const [a, b] = context.inputs;
  if (!a?.shape || !b?.shape || a.shape.length !== 2 || b.shape.length !== 2) return [withShape(a, null)];
  const m = context.int('transA', 0) ? a.shape[1] : a.shape[0];
  const n = context.int('transB', 0) ? b.shape[0] : b.shape[1];
  return [withShape(a, [m, n])];
};

/** numpy.matmul: 1-D operands gain and then lose an axis; leading axes broadcast. */
const matmul: ShapeRule = (context) => {
  const [a, b] = context.inputs;
  if (!a?.shape || !b?.shape || a.shape.length === 0 || b.shape.length === 0) return [withShape(a, null)];
  const left = a.shape.length === 1 ? [1, a.shape[0]] : a.shape;
  const right = b.shape.length === 1 ? [b.shape[0], 1] : b.shape;
  const batch = broadcastShapes([left.slice(0, -2), right.slice(0, -2)]);
  if (!batch) return [withShape(a, null)];
  const shape: Dim[] = [...batch];
  if (a.shape.length > 1) shape.push(left[left.length - 2]);
  if (b.shape.length > 1) shape.push(right[right.length - 1]);
  return [withShape(a, shape)];
};

export const matmulRules: Record<string, ShapeRule> = { Gemm: gemm, MatMul: matmul, MatMulInteger: matmul, QLinearMatMul: matmul };

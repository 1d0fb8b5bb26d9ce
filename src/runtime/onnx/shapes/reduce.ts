import { ShapeRule, knownInts, normalizeAxis, withShape } from './facts';
import { DataType } from '../dtypes';

/** Reduce ops take axes as an attribute, or (ReduceSum from opset 13, the others from 18) as an input. */
const reduce: ShapeRule = (context) => {
  const [x, axesInput] = context.inputs;
  if (!x?.shape) return [withShape(x, null)];
  const keepDims = context.int('keepdims', 1) === 1;
  const rank = x.shape.length;
  let axes = context.ints('axes');
  if (!axes && context.node.input[1]) {
    axes = knownInts(axesInput);
    if (!axes) return [withShape(x, keepDims ? x.shape.map(() => null) : null)];
  }
  if (!axes || axes.length === 0) {
    if (context.int('noop_with_empty_axes', 0) === 1) return [withShape(x, x.shape)];
    axes = x.shape.map((_, i) => i);
  }
  const reduced = new Set(axes.map((axis) => normalizeAxis(axis, rank)));
  const shape = keepDims ? x.shape.map((dim, i) => (reduced.has(i) ? 1 : dim)) : x.shape.filter((_, i) => !reduced.has(i));
  return [withShape(x, shape)];
};

const argReduce: ShapeRule = (context) => {
  const [x] = context.inputs;
  if (!x?.shape) return [{ dtype: DataType.INT64, shape: null }];
  const axis = normalizeAxis(context.int('axis', 0), x.shape.length);
  const keepDims = context.int('keepdims', 1) === 1;
  return [{ dtype: DataType.INT64, shape: keepDims ? x.shape.map((dim, i) => (i === axis ? 1 : dim)) : x.shape.filter((_, i) => i !== axis) }];
};

const topK: ShapeRule = (context) => {
  const [x, kInput] = context.inputs;
  if (!x?.shape) return [withShape(x, null), { dtype: DataType.INT64, shape: null }];
  const axis = normalizeAxis(context.int('axis', -1), x.shape.length);
  const k = context.opset < 10 ? context.int('k', 0) : knownInts(kInput)?.[0] ?? null;
  const shape = x.shape.map((dim, i) => (i === axis ? k : dim));
  return [withShape(x, shape), { dtype: DataType.INT64, shape }];
};

const reduceOps = ['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'];

export const reduceRules: Record<string, ShapeRule> = {
  ...Object.fromEntries(reduceOps.map((op) => [op, reduce])),
  ArgMax: argReduce, ArgMin: argReduce, TopK: topK,
};

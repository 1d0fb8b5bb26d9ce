import { ShapeRule, withShape } from './facts';
import { windowShape } from './conv';
import { DataType } from '../dtypes';

const pool: ShapeRule = (context) => {
  const [x] = context.inputs;
  const kernel = context.ints('kernel_shape');
  if (!x?.shape || !kernel) return [withShape(x, null), null];
  const shape = [x.shape[0], x.shape[1], ...windowShape(context, x.shape, kernel, context.int('ceil_mode', 0) === 1)];
  return [withShape(x, shape), { dtype: DataType.INT64, shape }];
};

const globalPool: ShapeRule = (context) => {
  const [x] = context.inputs;
  if (!x?.shape) return [withShape(x, null)];
  return [withShape(x, [x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)])];
};

export const poolRules: Record<string, ShapeRule> = {
  MaxPool: pool, AveragePool: pool, LpPool: pool,
  GlobalAveragePool: globalPool, GlobalMaxPool: globalPool, GlobalLpPool: globalPool,
};

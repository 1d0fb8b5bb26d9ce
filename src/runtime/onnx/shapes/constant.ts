import { OnnxTensor } from '../codec';
import { DataType, tensorDims, tensorValues } from '../dtypes';
import { Dim, MAX_TRACKED_ELEMENTS, ShapeRule, TensorFacts, isKnown, knownInts, normalizeAxis } from './facts';

/** Facts of a constant tensor, with its elements when it is small enough to matter for shape computations. */
export function tensorFacts(tensor: OnnxTensor): TensorFacts {
  const dims = tensorDims(tensor);
  const facts: TensorFacts = { dtype: tensor.data_type, shape: dims };
  const count = dims.reduce((product, dim) => product * dim, 1);
  if (count <= MAX_TRACKED_ELEMENTS && tensor.data_type !== DataType.STRING) {
    try {
      facts.value = Array.from(tensorValues(tensor) as ArrayLike<number | bigint>, (v) => Number(v));
    } catch {
      // Types tensorValues cannot decode simply stay untracked.
    }
  }
  return facts;
}

const constant: ShapeRule = (context) => {
  const tensor = context.tensor('value');
  if (tensor) return [tensorFacts(tensor)];
  const scalar = context.attribute('value_float') ?? context.attribute('value_int');
  if (scalar) {
    const isFloat = scalar.name === 'value_float';
    return [{ dtype: isFloat ? DataType.FLOAT : DataType.INT64, shape: [], value: [isFloat ? context.float('value_float', 0) : context.int('value_int', 0)] }];
  }
  const list = context.floats('value_floats') ?? context.ints('value_ints');
  if (list) return [{ dtype: context.attribute('value_floats') ? DataType.FLOAT : DataType.INT64, shape: [list.length], value: list.length <= MAX_TRACKED_ELEMENTS ? list : undefined }];
  return [null];
};

/** Shape yields the (possibly symbolic) dims themselves: the start of every exported shape computation. */
const shape: ShapeRule = (context) => {
  const [x] = context.inputs;
  if (!x?.shape) return [{ dtype: DataType.INT64, shape: [null] }];
  const rank = x.shape.length;
  const clamp = (axis: number) => Math.min(Math.max(normalizeAxis(axis, rank), 0), rank);
  const dims: Dim[] = x.shape.slice(clamp(context.int('start', 0)), clamp(context.int('end', rank)));
  return [{ dtype: DataType.INT64, shape: [dims.length], value: dims }];
};

const size: ShapeRule = (context) => {
  const dims = context.inputs[0]?.shape;
  const count = dims && dims.every(isKnown) ? (dims as number[]).reduce((p, d) => p * d, 1) : null;
  return [{ dtype: DataType.INT64, shape: [], value: [count] }];
};

const constantOfShape: ShapeRule = (context) => {
  const dims = context.inputs[0]?.value;
  const valueTensor = context.tensor('value');
  const dtype = valueTensor?.data_type ?? DataType.FLOAT;
  if (!dims) {
    const rank = context.inputs[0]?.shape?.[0];
    return [{ dtype, shape: isKnown(rank ?? null) ? Array(rank as number).fill(null) : null }];
  }
  const facts: TensorFacts = { dtype, shape: dims };
  const count = dims.every(isKnown) ? (dims as number[]).reduce((p, d) => p * d, 1) : null;
  if (count !== null && count <= MAX_TRACKED_ELEMENTS) facts.value = Array(count).fill(valueTensor ? tensorFacts(valueTensor).value?.[0] ?? null : 0);
  return [facts];
};

const range: ShapeRule = (context) => {
  const [start, limit, delta] = context.inputs.map((input) => knownInts(input)?.[0]);
  const dtype = context.inputs[0]?.dtype ?? null;
  if (start === undefined || limit === undefined || delta === undefined || delta === 0) return [{ dtype, shape: [null] }];
  const count = Math.max(Math.ceil((limit - start) / delta), 0);
  const facts: TensorFacts = { dtype, shape: [count] };
  if (count <= MAX_TRACKED_ELEMENTS) facts.value = Array.from({ length: count }, (_, i) => start + i * delta);
  return [facts];
};

const nonZero: ShapeRule = (context) => [{ dtype: DataType.INT64, shape: context.inputs[0]?.shape ? [context.inputs[0].shape.length, null] : [null, null] }];

export const constantRules: Record<string, ShapeRule> = {
  Constant: constant, Shape: shape, Size: size, ConstantOfShape: constantOfShape, Range: range, NonZero: nonZero,
};

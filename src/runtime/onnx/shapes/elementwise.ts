import { Dim, MAX_TRACKED_ELEMENTS, ShapeRule, TensorFacts, broadcastShapes, dimProduct, isKnown, sameAs, withShape } from './facts';
import { DataType } from '../dtypes';

type Operation = (a: number, b: number, isInteger: boolean) => number;

const integerTypes = new Set<number>([DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16, DataType.INT32, DataType.UINT32, DataType.INT64, DataType.UINT64]);

/** Elementwise arithmetic on tracked values, so shape computations like Shape→Gather→Mul fold to numbers. */
function foldValues(inputs: (TensorFacts | undefined)[], shape: Dim[] | null, operation?: Operation): Dim[] | undefined {
  if (!operation || !shape || inputs.length !== 2) return undefined;
  const [a, b] = inputs;
  if (!a?.value || !b?.value || !a.shape || !b.shape) return undefined;
  const isInteger = integerTypes.has(a.dtype ?? 0);
  const count = dimProduct(shape);
  if (count === null || count > MAX_TRACKED_ELEMENTS || shape.length > 1) return undefined;
  // Only scalars and 1-D vectors: enough for shape arithmetic, and indexing stays obvious.
  const at = (values: Dim[], i: number) => (values.length === 1 ? values[0] : values[i]);
  return Array.from({ length: count }, (_, i) => {
    const x = at(a.value!, i);
    const y = at(b.value!, i);
    return isKnown(x) && isKnown(y) ? operation(x, y, isInteger) : null;
  });
}

function binary(operation?: Operation, outputType?: number): ShapeRule {
  return (context) => {
    const inputs = context.inputs;
    const shape = broadcastShapes(inputs.map((input) => input?.shape));
    const facts: TensorFacts = withShape(inputs[0], shape, outputType);
    const value = foldValues(inputs, shape, operation);
    if (value) facts.value = value;
    return [facts];
  };
}

/** Integer tensors divide as C does (toward zero); floating ones exactly. */
const divide: Operation = (a, b, isInteger) => (isInteger ? Math.trunc(a / b) : a / b);

const variadic: ShapeRule = (context) => [withShape(context.inputs[0], broadcastShapes(context.inputs.map((input) => input?.shape)))];

const where: ShapeRule = (context) => {
  const [condition, x, y] = context.inputs;
  return [withShape(x ?? y, broadcastShapes([condition?.shape, x?.shape, y?.shape]))];
};

/** Same shape and type as the first input; values pass through where the op leaves them alone. */
const unary: ShapeRule = (context) => [sameAs(context.inputs[0])];

const passThrough: ShapeRule = (context) => {
  const input = context.inputs[0];
  if (!input) return [null];
  return [{ ...input }];
};

const negate: ShapeRule = (context) => {
  const input = context.inputs[0];
  const facts = sameAs(input);
  if (facts && input?.value) facts.value = input.value.map((v) => (isKnown(v) ? -v : null));
  return [facts];
};

const cast: ShapeRule = (context) => {
  const input = context.inputs[0];
  const to = context.int('to', 0);
  const facts: TensorFacts = withShape(input, input?.shape ?? null, to || null);
  // Casting to an integer type truncates toward zero; to bool, anything non-zero is 1.
  const convert = to === DataType.BOOL ? (v: number) => Number(v !== 0) : integerTypes.has(to) ? Math.trunc : (v: number) => v;
  if (input?.value) facts.value = input.value.map((v) => (isKnown(v) ? convert(v) : v));
  return [facts];
};

const castLike: ShapeRule = (context) => [withShape(context.inputs[0], context.inputs[0]?.shape ?? null, context.inputs[1]?.dtype ?? null)];

/** Dropout also returns its mask (bool from opset 12, the input's type before). */
const dropout: ShapeRule = (context) => {
  const input = context.inputs[0];
  return [sameAs(input), withShape(input, input?.shape ?? null, context.opset >= 12 ? DataType.BOOL : input?.dtype ?? null)];
};

const batchNormalization: ShapeRule = (context) => {
  const [x, , , mean, variance] = context.inputs;
  return [sameAs(x), sameAs(mean), sameAs(variance), sameAs(mean), sameAs(variance)];
};

const quantize: ShapeRule = (context) => {
  const [x, , zeroPoint] = context.inputs;
  return [withShape(x, x?.shape ?? null, zeroPoint?.dtype ?? DataType.UINT8)];
};

const dequantize: ShapeRule = (context) => {
  const [x, scale] = context.inputs;
  return [withShape(x, x?.shape ?? null, scale?.dtype ?? DataType.FLOAT)];
};

/** DynamicQuantizeLinear: x → uint8 y of x's shape, a scalar float scale and a scalar uint8 zero point. */
const dynamicQuantize: ShapeRule = (context) => {
  const x = context.inputs[0];
  return [withShape(x, x?.shape ?? null, DataType.UINT8), { dtype: DataType.FLOAT, shape: [] }, { dtype: DataType.UINT8, shape: [] }];
};

const comparison = (operation?: (a: number, b: number) => number) => binary(operation, DataType.BOOL);

const unaryOps = [
  'Relu', 'LeakyRelu', 'PRelu', 'Sigmoid', 'Tanh', 'Elu', 'Selu', 'Celu', 'HardSigmoid', 'HardSwish', 'Softplus', 'Softsign',
  'Exp', 'Log', 'Sqrt', 'Abs', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Erf', 'Sin', 'Cos', 'Tan', 'Sign', 'Mish', 'Gelu',
  'ThresholdedRelu', 'Shrink', 'Clip', 'Softmax', 'LogSoftmax', 'Hardmax', 'InstanceNormalization', 'LRN',
  'LayerNormalization', 'GroupNormalization', 'MeanVarianceNormalization', 'Not', 'IsNaN', 'IsInf', 'BitShift',
];

export const elementwiseRules: Record<string, ShapeRule> = {
  ...Object.fromEntries(unaryOps.map((op) => [op, unary])),
  Neg: negate,
  Identity: passThrough,
  Cast: cast,
  CastLike: castLike,
  Dropout: dropout,
  BatchNormalization: batchNormalization,
  QuantizeLinear: quantize,
  DequantizeLinear: dequantize,
  DynamicQuantizeLinear: dynamicQuantize,
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary(divide),
  Mod: binary((a, b) => a % b),
  Pow: binary(),
  Max: variadic, Min: variadic, Sum: variadic, Mean: variadic,
  And: comparison(), Or: comparison(), Xor: comparison(),
  Equal: comparison((a, b) => Number(a === b)), Less: comparison((a, b) => Number(a < b)), Greater: comparison((a, b) => Number(a > b)),
  LessOrEqual: comparison(), GreaterOrEqual: comparison(),
  Where: where,
};

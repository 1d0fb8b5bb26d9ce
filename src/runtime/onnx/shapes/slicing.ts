import { Dim, RuleContext, Shape, ShapeRule, TensorFacts, isKnown, knownInts, normalizeAxis, withShape } from './facts';

function clampIndex(index: number, dim: number, step: number): number {
  const resolved = index < 0 ? index + dim : index;
  return step > 0 ? Math.min(Math.max(resolved, 0), dim) : Math.min(Math.max(resolved, -1), dim - 1);
}

function sliceCount(dim: number, start: number, end: number, step: number): number {
  const from = clampIndex(start, dim, step);
  const to = clampIndex(end, dim, step);
  return Math.max(0, Math.ceil((to - from) / step));
}

/** Slice's starts/ends/axes/steps: attributes before opset 10, inputs from 10. */
function sliceArguments(context: RuleContext): { starts: number[]; ends: number[]; axes?: number[]; steps?: number[] } | undefined {
  if (context.opset < 10) {
    const starts = context.ints('starts');
    const ends = context.ints('ends');
    return starts && ends ? { starts, ends, axes: context.ints('axes') } : undefined;
  }
  const [, startsIn, endsIn, axesIn, stepsIn] = context.inputs;
  const starts = knownInts(startsIn);
  const ends = knownInts(endsIn);
  const axes = context.node.input[3] ? knownInts(axesIn) : undefined;
  const steps = context.node.input[4] ? knownInts(stepsIn) : undefined;
  if (!starts || !ends || (context.node.input[3] && !axes) || (context.node.input[4] && !steps)) return undefined;
  return { starts, ends, axes, steps };
}

const slice: ShapeRule = (context) => {
  const [x] = context.inputs;
  const args = sliceArguments(context);
  if (!x?.shape || !args) return [withShape(x, x?.shape ? x.shape.map(() => null) : null)];
  const shape: Shape = [...x.shape];
  const rank = shape.length;
  const picked: { axis: number; from: number; step: number; count: number }[] = [];
  args.starts.forEach((start, i) => {
    const axis = normalizeAxis(args.axes ? args.axes[i] : i, rank);
    const step = args.steps ? args.steps[i] : 1;
    const dim = shape[axis];
    if (!isKnown(dim)) { shape[axis] = null; return; }
    const count = sliceCount(dim, start, args.ends[i], step);
    shape[axis] = count;
    picked.push({ axis, from: clampIndex(start, dim, step), step, count });
  });
  const facts: TensorFacts = withShape(x, shape);
  if (x.value && rank === 1 && picked.length === 1) {
    const { from, step, count } = picked[0];
    facts.value = Array.from({ length: count }, (_, i) => x.value![from + i * step]);
  }
  return [facts];
};

const gather: ShapeRule = (context) => {
  const [data, indices] = context.inputs;
  if (!data?.shape || !indices?.shape) return [withShape(data, null)];
  const axis = normalizeAxis(context.int('axis', 0), data.shape.length);
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  const facts: TensorFacts = withShape(data, shape);
  const picks = knownInts(indices);
  if (data.value && data.shape.length === 1 && picks) {
    const size = data.value.length;
    facts.value = picks.map((index) => data.value![index < 0 ? index + size : index] ?? null);
  }
  return [facts];
};

const split: ShapeRule = (context) => {
  const [x, splitInput] = context.inputs;
  const outputs = context.node.output.length;
  if (!x?.shape) return Array(outputs).fill(withShape(x, null));
  const axis = normalizeAxis(context.int('axis', 0), x.shape.length);
  const dim = x.shape[axis];
  let sizes: Dim[] | undefined = context.ints('split') ?? (context.node.input[1] ? knownInts(splitInput) : undefined);
  if (!sizes && context.node.input[1]) sizes = Array(outputs).fill(null);
  if (!sizes) {
    const parts = context.int('num_outputs', outputs);
    sizes = isKnown(dim) ? Array.from({ length: parts }, (_, i) => Math.min(Math.ceil(dim / parts), Math.max(0, dim - i * Math.ceil(dim / parts)))) : Array(parts).fill(null);
  }
  return sizes.map((size) => withShape(x, x.shape!.map((d, i) => (i === axis ? size : d))));
};

const pad: ShapeRule = (context) => {
  const [x, padsInput, , axesInput] = context.inputs;
  if (!x?.shape) return [withShape(x, null)];
  const pads = context.opset < 11 ? context.ints('pads') : knownInts(padsInput);
  if (!pads) return [withShape(x, x.shape.map(() => null))];
  const rank = x.shape.length;
  const axes = context.node.input[3] ? knownInts(axesInput)?.map((axis) => normalizeAxis(axis, rank)) : x.shape.map((_, i) => i);
  if (!axes) return [withShape(x, x.shape.map(() => null))];
  const shape = [...x.shape];
  axes.forEach((axis, i) => {
    const dim = shape[axis];
    shape[axis] = isKnown(dim) ? dim + pads[i] + pads[i + axes.length] : pads[i] + pads[i + axes.length] === 0 ? dim : null;
  });
  return [withShape(x, shape)];
};

export const slicingRules: Record<string, ShapeRule> = { Slice: slice, Gather: gather, Split: split, Pad: pad };

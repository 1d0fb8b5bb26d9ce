import { Dim, Shape, ShapeRule, TensorFacts, dimProduct, isKnown, knownInts, normalizeAxis, withShape } from './facts';

const concat: ShapeRule = (context) => {
  const inputs = context.inputs;
  const first = inputs.find((input) => input?.shape);
  if (!first?.shape || inputs.some((input) => !input?.shape)) return [withShape(first, null)];
  const rank = first.shape.length;
  const axis = normalizeAxis(context.int('axis', 0), rank);
  const shape: Shape = first.shape.map((_, i) => {
    if (i === axis) return inputs.every((input) => isKnown(input!.shape![i])) ? inputs.reduce((sum, input) => sum + (input!.shape![i] as number), 0) : null;
    return inputs.map((input) => input!.shape![i]).find(isKnown) ?? first.shape![i];
  });
  const facts: TensorFacts = withShape(first, shape);
  if (rank === 1 && inputs.every((input) => input!.value)) facts.value = inputs.flatMap((input) => input!.value!);
  return [facts];
};

const flatten: ShapeRule = (context) => {
  const [x] = context.inputs;
  if (!x?.shape) return [withShape(x, null)];
  const axis = normalizeAxis(context.int('axis', 1), x.shape.length);
  return [withShape(x, [flattenDims(x.shape.slice(0, axis)), flattenDims(x.shape.slice(axis))])];
};

/** The product of dims; a lone symbolic dim (times ones) stays symbolic. */
function flattenDims(dims: Dim[]): Dim {
  const product = dimProduct(dims);
  if (product !== null) return product;
  const rest = dims.filter((dim) => dim !== 1);
  return rest.length === 1 ? rest[0] : null;
}

/**
 * Reshape's -1 is the input's element count divided by the other target dims. Symbolic dims that appear on both
 * sides cancel, so [batch, 16, 5, 5] → [-1, 400] gives [batch, 400].
 */
function inferMinusOne(input: Dim[], target: Dim[]): Dim {
  const numerator = [...input];
  let divisor = 1;
  for (const dim of target) {
    if (dim === -1) continue;
    if (isKnown(dim)) { divisor *= dim; continue; }
    const match = dim === null ? -1 : numerator.indexOf(dim);
    if (match < 0) return null;
    numerator.splice(match, 1);
  }
  const known = numerator.filter(isKnown).reduce((product, dim) => product * dim, 1);
  const symbolic = numerator.filter((dim) => !isKnown(dim));
  if (symbolic.length === 0) return known % divisor === 0 ? known / divisor : null;
  if (symbolic.length === 1 && symbolic[0] !== null && known === divisor) return symbolic[0];
  return null;
}

const reshape: ShapeRule = (context) => {
  const [x, target] = context.inputs;
  const requested: Dim[] | undefined = target?.value ?? context.ints('shape');
  if (!requested) {
    const rank = target?.shape?.length === 1 && isKnown(target.shape[0]) ? target.shape[0] : null;
    return [withShape(x, rank === null ? null : Array(rank).fill(null))];
  }
  const allowZero = context.int('allowzero', 0) === 1;
  const copied = requested.map((dim, i) => (dim === 0 && !allowZero ? (x?.shape ? x.shape[i] ?? null : null) : dim));
  const shape = copied.map((dim) => (dim === -1 ? (x?.shape ? inferMinusOne(x.shape, copied) : null) : dim));
  const facts: TensorFacts = withShape(x, shape);
  if (x?.value) facts.value = x.value;
  return [facts];
};

const transpose: ShapeRule = (context) => {
  const [x] = context.inputs;
  if (!x?.shape) return [withShape(x, null)];
  const perm = context.ints('perm') ?? x.shape.map((_, i) => x.shape!.length - 1 - i);
  return [withShape(x, perm.map((axis) => x.shape![axis]))];
};

function axesOf(context: Parameters<ShapeRule>[0]): number[] | undefined | 'unknown' {
  const attribute = context.ints('axes');
  if (attribute) return attribute;
  if (!context.inputs[1] && context.node.input.length < 2) return undefined;
  return knownInts(context.inputs[1]) ?? 'unknown';
}

const squeeze: ShapeRule = (context) => {
  const [x] = context.inputs;
  const axes = axesOf(context);
  if (!x?.shape || axes === 'unknown') return [withShape(x, null)];
  const rank = x.shape.length;
  const drop = new Set(axes ? axes.map((axis) => normalizeAxis(axis, rank)) : x.shape.flatMap((dim, i) => (dim === 1 ? [i] : [])));
  if (!axes && x.shape.some((dim) => !isKnown(dim))) return [withShape(x, null)];
  const facts: TensorFacts = withShape(x, x.shape.filter((_, i) => !drop.has(i)));
  if (x.value) facts.value = x.value;
  return [facts];
};

const unsqueeze: ShapeRule = (context) => {
  const [x] = context.inputs;
  const axes = axesOf(context);
  if (!x?.shape || !axes || axes === 'unknown') return [withShape(x, null)];
  const rank = x.shape.length + axes.length;
  const inserted = new Set(axes.map((axis) => normalizeAxis(axis, rank)));
  const shape: Shape = [];
  let next = 0;
  for (let i = 0; i < rank; i++) shape.push(inserted.has(i) ? 1 : x.shape[next++]);
  const facts: TensorFacts = withShape(x, shape);
  if (x.value) facts.value = x.value;
  return [facts];
};

const expand: ShapeRule = (context) => {
  const [x, target] = context.inputs;
  const requested = target?.value;
  if (!x?.shape || !requested) return [withShape(x, null)];
  const rank = Math.max(x.shape.length, requested.length);
  const shape: Shape = [];
  for (let i = 0; i < rank; i++) {
    const a = x.shape[i - rank + x.shape.length] ?? 1;
    const b = requested[i - rank + requested.length] ?? 1;
    shape.push(a === 1 ? b : b === 1 ? a : a === b ? a : null);
  }
  return [withShape(x, shape)];
};

const tile: ShapeRule = (context) => {
  const [x, repeats] = context.inputs;
  const counts = knownInts(repeats);
  if (!x?.shape || !counts) return [withShape(x, null)];
  return [withShape(x, x.shape.map((dim, i) => (isKnown(dim) ? dim * counts[i] : counts[i] === 1 ? dim : null)))];
};

const depthToSpace: ShapeRule = (context) => {
  const [x] = context.inputs;
  const block = context.int('blocksize', 1);
  if (!x?.shape || x.shape.length !== 4) return [withShape(x, null)];
  const [n, c, h, w] = x.shape;
  const scale = (dim: Dim, by: number) => (isKnown(dim) ? dim * by : null);
  if (context.node.op_type === 'DepthToSpace') return [withShape(x, [n, isKnown(c) ? c / (block * block) : null, scale(h, block), scale(w, block)])];
  return [withShape(x, [n, scale(c, block * block), isKnown(h) ? h / block : null, isKnown(w) ? w / block : null])];
};

export const layoutRules: Record<string, ShapeRule> = {
  Concat: concat, Flatten: flatten, Reshape: reshape, Transpose: transpose, Squeeze: squeeze, Unsqueeze: unsqueeze,
  Expand: expand, Tile: tile, DepthToSpace: depthToSpace, SpaceToDepth: depthToSpace,
};

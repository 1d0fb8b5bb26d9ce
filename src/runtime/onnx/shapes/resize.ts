import { Dim, RuleContext, ShapeRule, isKnown, knownInts, withShape } from './facts';

/** Resize (opset 10: X, scales; 11+: X, roi, scales, sizes) and Upsample (attribute scales, then an input). */
function scalesAndSizes(context: RuleContext): { scales?: number[]; sizes?: Dim[] } | undefined {
  const { node, inputs } = context;
  if (node.op_type === 'Upsample') {
    const scales = context.floats('scales') ?? knownInts(inputs[1]);
    return scales ? { scales } : undefined;
  }
  if (context.opset < 11) {
    const scales = knownInts(inputs[1]);
    return scales ? { scales } : undefined;
  }
  if (node.input[3]) {
    // Sizes may carry symbolic dims (a batch taken from Shape): they are output dims as they stand.
    const sizes = inputs[3]?.value;
    return sizes ? { sizes } : undefined;
  }
  const scales = node.input[2] ? knownInts(inputs[2]) : undefined;
  return scales && scales.length > 0 ? { scales } : undefined;
}

const resize: ShapeRule = (context) => {
  const [x] = context.inputs;
  if (!x?.shape) return [withShape(x, null)];
  const found = scalesAndSizes(context);
  if (!found) return [withShape(x, x.shape.map(() => null))];
  const rank = x.shape.length;
  const axes = context.ints('axes')?.map((axis) => (axis < 0 ? axis + rank : axis)) ?? x.shape.map((_, i) => i);
  const shape: Dim[] = [...x.shape];
  axes.forEach((axis, i) => {
    const dim = x.shape![axis];
    if (found.sizes) shape[axis] = found.sizes[i];
    else shape[axis] = found.scales![i] === 1 ? dim : isKnown(dim) ? Math.floor(dim * found.scales![i]) : null;
  });
  if (found.sizes && context.string('keep_aspect_ratio_policy', 'stretch') !== 'stretch') return [withShape(x, x.shape.map((d, i) => (axes.includes(i) ? null : d)))];
  return [withShape(x, shape)];
};

export const resizeRules: Record<string, ShapeRule> = { Resize: resize, Upsample: resize };

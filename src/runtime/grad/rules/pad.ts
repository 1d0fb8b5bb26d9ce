import type { Emitter } from '../emitter';
import { normalizeAxis } from '../helpers';
import type { GradientRuleEntry, RuleContext } from './types';

// "To the end": the largest bound that survives the trip through a JS number into int64.
const TO_END = Number.MAX_SAFE_INTEGER;

/**
 * reflect and edge modes, axis by axis: the border of dy folds back onto the input positions it copied (mirrored
 * without the edge for reflect, all onto the edge for edge) and adds to the centre.
 */
function foldBorders(context: RuleContext, emit: Emitter, mode: string, pads: number[], rank: number): string {
  const shape = context.shape(context.input(0));
  let gradient = context.gradOut;
  for (let axis = 0; axis < rank; axis++) {
    const [before, after] = [pads[axis], pads[axis + rank]];
    if (before === 0 && after === 0) continue;
    const size = shape?.[axis] ?? -1;
    if (size < 0) context.fail(`the size of '${context.input(0)}' along axis ${axis} is not known statically`);
    if (before < 0 || after < 0) context.fail(`negative pads in ${mode} mode are not supported`);
    if (mode === 'reflect' && (before >= size || after >= size)) context.fail('reflect pads must be smaller than the input');
    const along = (tensor: string, begin: number, end: number) => {
      const full = new Array<number>(2 * rank).fill(0);
      full[axis] = begin;
      full[axis + rank] = end;
      return emit.pad(tensor, full);
    };
    let folded = emit.slice(gradient, [before], [before + size], [axis]);
    if (before > 0) {
      const border = emit.slice(gradient, [0], [before], [axis]);
      folded = emit.add(folded, mode === 'edge'
        ? along(emit.reduceSum(border, [axis], true), 0, size - 1)
        : along(emit.slice(border, [-1], [-TO_END], [axis], [-1]), 1, size - 1 - before));
    }
    if (after > 0) {
      const border = emit.slice(gradient, [before + size], [TO_END], [axis]);
      folded = emit.add(folded, mode === 'edge'
        ? along(emit.reduceSum(border, [axis], true), size - 1, 0)
        : along(emit.slice(border, [-1], [-TO_END], [axis], [-1]), size - 1 - after, 1));
    }
    gradient = folded;
  }
  return gradient;
}

/**
 * Pad (opset 11 form (opset 11 form, pads as a constant input): dy cropped back to the input's extent, with
 * zeros where the pads were negative (cropping); the pad value gets the gradient of the padded border.
 */
export const padGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const mode = context.string('mode', 'constant');
    if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge') context.fail(`mode ${mode} is not supported`);
    const x = context.input(0);
    const rank = context.rank(x);
    const given = context.requireConstant(context.input(1), 'pads');
    const axes = context.input(3) ? context.requireConstant(context.input(3), 'axes').map((axis) => normalizeAxis(axis, rank)) : [...Array(rank).keys()];
    const pads = new Array<number>(2 * rank).fill(0);
    axes.forEach((axis, i) => {
      pads[axis] = given[i];
      pads[axis + rank] = given[i + axes.length];
    });
    if (mode !== 'constant') return [foldBorders(context, emit, mode, pads, rank)];
    const dy = context.gradOut;
    const restored = emit.pad(dy, pads.map((pad) => Math.max(-pad, 0)));
    const cropAxes = [...Array(rank).keys()].filter((axis) => pads[axis] > 0 || pads[axis + rank] > 0);
    const dx = cropAxes.length === 0
      ? restored
      : emit.slice(restored, cropAxes.map((axis) => Math.max(pads[axis], 0)), cropAxes.map((axis) => (pads[axis + rank] > 0 ? -pads[axis + rank] : TO_END)), cropAxes);
    const cropped = cropAxes.length === 0
      ? dy
      : emit.slice(dy, cropAxes.map((axis) => Math.max(pads[axis], 0)), cropAxes.map((axis) => (pads[axis + rank] > 0 ? -pads[axis + rank] : TO_END)), cropAxes);
    const dvalue = context.input(2) && context.needs(2)
      ? emit.reshapeLike(emit.sub(emit.reduceSum(dy, undefined, false), emit.reduceSum(cropped, undefined, false)), context.input(2))
      : undefined;
    return [context.needs(0) ? dx : undefined, undefined, dvalue];
  },
};

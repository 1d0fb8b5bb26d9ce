import { normalizeAxis } from '../helpers';
import type { GradientRuleEntry } from './types';

// "To the end": the largest bound that survives the trip through a JS number into int64.
const TO_END = Number.MAX_SAFE_INTEGER;

/**
 * Pad in constant mode (opset 11 form, pads as a constant input): dy cropped back to the input's extent, with
 * zeros where the pads were negative (cropping); the pad value gets the gradient of the padded border.
 */
export const padGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    if (context.string('mode', 'constant') !== 'constant') context.fail(`mode ${context.string('mode', 'constant')} is not supported`);
    const x = context.input(0);
    const rank = context.rank(x);
    const given = context.requireConstant(context.input(1), 'pads');
    const axes = context.input(3) ? context.requireConstant(context.input(3), 'axes').map((axis) => normalizeAxis(axis, rank)) : [...Array(rank).keys()];
    const pads = new Array<number>(2 * rank).fill(0);
    axes.forEach((axis, i) => {
      pads[axis] = given[i];
      pads[axis + rank] = given[i + axes.length];
    });
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

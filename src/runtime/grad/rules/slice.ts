import { normalizeAxis } from '../helpers';
import type { GradientRuleEntry } from './types';

// "To the end": the largest bound that survives the trip through a JS number into int64.
const TO_END = Number.MAX_SAFE_INTEGER;

/**
 * Slice (opset 10 form: bounds as inputs, which must be constants): along each sliced axis dy is spread back to
 * its positions: reversed for negative steps, interleaved with zeros for steps > 1, then padded or cropped
 * into the input's extent.
 */
export const sliceGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const x = context.input(0);
    const shape = context.shape(x);
    const rank = context.rank(x);
    const starts = context.requireConstant(context.input(1), 'starts');
    const ends = context.requireConstant(context.input(2), 'ends');
    const axes = context.input(3) ? context.requireConstant(context.input(3), 'axes') : starts.map((_, axis) => axis);
    const steps = context.input(4) ? context.requireConstant(context.input(4), 'steps') : starts.map(() => 1);
    let gradient = context.gradOut;
    axes.forEach((rawAxis, i) => {
      const axis = normalizeAxis(rawAxis, rank);
      const size = shape?.[axis] ?? -1;
      if (size < 0) context.fail(`the size of '${x}' along axis ${axis} is not known statically`);
      const step = steps[i];
      const clampIndex = (value: number, low: number, high: number) => Math.min(Math.max(value < 0 ? value + size : value, low), high);
      const start = step > 0 ? clampIndex(starts[i], 0, size) : clampIndex(starts[i], 0, size - 1);
      const end = step > 0 ? clampIndex(ends[i], 0, size) : clampIndex(ends[i], -1, size - 1);
      const count = Math.max(0, Math.ceil((end - start) / step));
      if (count === 0) {
        gradient = emit.zerosLike(x);
        return;
      }
      const first = step > 0 ? start : start + (count - 1) * step;
      const stride = Math.abs(step);
      if (step < 0) gradient = emit.slice(gradient, [-1], [-TO_END], [axis], [-1]);
      if (stride > 1) {
        const zerosAfter = new Array(2 * (rank + 1)).fill(0);
        zerosAfter[rank + 1 + axis + 1] = stride - 1;
        const interleaved = emit.pad(emit.unsqueeze(gradient, [axis + 1]), zerosAfter);
        const shapeNow = emit.shapeOf(gradient);
        const merged = emit.node('Concat', [
          emit.slice(shapeNow, [0], [axis], [0]),
          emit.int64([count * stride]),
          emit.slice(shapeNow, [axis + 1], [TO_END], [0]),
        ], { axis: 0 });
        gradient = emit.reshape(interleaved, merged);
      }
      const span = stride > 1 ? count * stride : count;
      const after = size - first - span;
      if (after < 0) gradient = emit.slice(gradient, [0], [span + after], [axis]);
      const pads = new Array(2 * rank).fill(0);
      pads[axis] = first;
      pads[axis + rank] = Math.max(after, 0);
      gradient = emit.pad(gradient, pads);
    });
    return [gradient];
  },
};

import { softmaxAxes } from './softmax-axes';
import type { GradientRuleEntry } from './types';

/** Softmax: dx = y·(dy − Σ dy·y) over the normalized axes. */
export const softmaxGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const y = context.output(0);
    const dy = context.gradOut;
    const weighted = emit.reduceSum(emit.mul(dy, y), softmaxAxes(context), true);
    return [emit.mul(y, emit.sub(dy, weighted))];
  },
};

import { softmaxAxes } from './softmax-axes';
import type { GradientRuleEntry } from './types';

/** LogSoftmax: dx = dy − exp(y)·Σ dy over the normalized axes. */
export const logSoftmaxGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const dy = context.gradOut;
    const total = emit.reduceSum(dy, softmaxAxes(context), true);
    return [emit.sub(dy, emit.mul(emit.node('Exp', [context.output(0)]), total))];
  },
};

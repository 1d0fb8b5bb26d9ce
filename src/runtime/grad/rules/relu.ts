import type { GradientRuleEntry } from './types';

/** Relu: dy where the output is positive. */
export const reluGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const positive = emit.node('Greater', [context.output(0), emit.float(0)]);
    return [emit.mul(context.gradOut, emit.mask(positive))];
  },
};

import type { GradientRuleEntry } from './types';

/** Tanh: dy·(1 − y²). */
export const tanhGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const y = context.output(0);
    return [emit.mul(context.gradOut, emit.sub(emit.float(1), emit.mul(y, y)))];
  },
};

import type { GradientRuleEntry } from './types';

/** Sigmoid: dy·y·(1 − y). */
export const sigmoidGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const y = context.output(0);
    return [emit.mul(context.gradOut, emit.mul(y, emit.sub(emit.float(1), y)))];
  },
};

import type { GradientRuleEntry } from './types';

/** GlobalMaxPool: dy to the positions that hold each channel's maximum. */
export const globalMaxPoolGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const x = context.input(0);
    const isMax = emit.mask(emit.node('Not', [emit.node('Less', [x, context.output(0)])]));
    return [emit.mul(isMax, context.gradOut)];
  },
};

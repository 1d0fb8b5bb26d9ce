import type { GradientRuleEntry } from './types';

/** LeakyRelu: dy where x > 0, alpha·dy elsewhere. */
export const leakyReluGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const alpha = context.float('alpha', 0.01);
    const slope = emit.node('Where', [emit.node('Greater', [context.input(0), emit.float(0)]), emit.float(1), emit.float(alpha)]);
    return [emit.mul(context.gradOut, slope)];
  },
};

import type { GradientRuleEntry } from './types';

/** HardSigmoid y = max(0, min(1, αx + β)): α·dy where 0 < αx + β < 1. */
export const hardSigmoidGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const alpha = context.float('alpha', 0.2);
    const beta = context.float('beta', 0.5);
    const linear = emit.add(emit.mul(context.input(0), emit.float(alpha)), emit.float(beta));
    const inside = emit.node('And', [emit.node('Greater', [linear, emit.float(0)]), emit.node('Less', [linear, emit.float(1)])]);
    return [emit.mul(context.gradOut, emit.mul(emit.mask(inside), emit.float(alpha)))];
  },
};

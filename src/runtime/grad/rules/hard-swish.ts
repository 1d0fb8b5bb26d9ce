import type { GradientRuleEntry } from './types';

/** HardSwish y = x·max(0, min(1, x/6 + 1/2)): dy·0 below −3, dy above 3, dy·(x/3 + 1/2) between. */
export const hardSwishGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const x = context.input(0);
    const middle = emit.add(emit.mul(x, emit.float(1 / 3)), emit.float(0.5));
    const slope = emit.node('Where', [
      emit.node('Less', [x, emit.float(-3)]),
      emit.float(0),
      emit.node('Where', [emit.node('Greater', [x, emit.float(3)]), emit.float(1), middle]),
    ]);
    return [emit.mul(context.gradOut, slope)];
  },
};

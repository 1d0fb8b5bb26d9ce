import type { GradientRuleEntry } from './types';

/** GlobalAveragePool: dy spread evenly over each channel's positions. */
export const globalAveragePoolGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const x = context.input(0);
    const positions = emit.div(emit.sizeOf(x), emit.sizeOf(context.output(0)));
    return [emit.div(emit.node('Expand', [context.gradOut, emit.shapeOf(x)]), positions)];
  },
};

import { normalizeAxis } from '../helpers';
import type { GradientRuleEntry } from './types';

/** Split: the output gradients concatenated back, with zeros for outputs that do not reach the objective. */
export const splitGradient: GradientRuleEntry = {
  backward: (context) => {
    const emit = context.emit;
    const axis = normalizeAxis(context.int('axis', 0), context.rank(context.input(0)));
    const parts = context.node.output.map((output, position) => context.dy(position) ?? emit.zerosLike(output));
    return [parts.length === 1 ? parts[0] : emit.node('Concat', parts, { axis })];
  },
};

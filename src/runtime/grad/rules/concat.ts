import { normalizeAxis } from '../helpers';
import type { GradientRuleEntry } from './types';

/** Concat: each input gets its own slice of dy along the axis. */
export const concatGradient: GradientRuleEntry = {
  backward: (context) => {
    const inputs = context.node.input;
    const axis = normalizeAxis(context.int('axis', 0), context.rank(inputs[0]));
    let offset = 0;
    return inputs.map((input, position) => {
      const size = context.shape(input)?.[axis] ?? -1;
      if (size < 0) context.fail(`the size of '${input}' along axis ${axis} is not known statically`);
      const start = offset;
      offset += size;
      return context.needs(position) ? context.emit.slice(context.gradOut, [start], [start + size], [axis]) : undefined;
    });
  },
};

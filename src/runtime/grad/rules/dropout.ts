import type { GradientRuleEntry } from './types';

/** Dropout in inference form is the identity; a training-mode Dropout (random mask) is refused. */
export const dropoutGradient: GradientRuleEntry = {
  backward: (context) => {
    const trainingMode = context.input(2) ? context.constantValues(context.input(2)) : [0];
    if (!trainingMode || trainingMode[0] !== 0) context.fail('training_mode is not known to be off');
    return [context.gradOut];
  },
};

import { reduceInputChannels } from '../tensor-math';
import type { AttributionMethod } from './types';

/** Vanilla gradient saliency (Simonyan et al. 2014): max over channels of |∂score/∂input|. */
export const saliency: AttributionMethod = {
  name: 'saliency',
  label: 'Gradient saliency',
  resolution: 'input',
  gradients: true,
  async compute(context) {
    const { gradients } = await context.inputGradients([context.input]);
    return reduceInputChannels(gradients[0], context.inputDims, context.layout, 'max-abs');
  },
};

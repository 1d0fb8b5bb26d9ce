import { reduceInputChannels } from '../tensor-math';
import type { AttributionMethod } from './types';

export const INTEGRATED_GRADIENT_STEPS = 32;

/** The points on the straight path from the zero baseline to the input where gradients are taken (midpoint rule). */
export function integrationPath(input: Float32Array, steps = INTEGRATED_GRADIENT_STEPS): Float32Array[] {
  return Array.from({ length: steps }, (_, step) => Float32Array.from(input, (value) => value * ((step + 0.5) / steps)));
}

/**
 * Integrated Gradients (Sundararajan et al. 2017) from an all-zero model input: (x − 0) ⊙ mean path gradient,
 * summed over channels (signed, so the map sums to about score(x) − score(0)).
 */
export const integratedGradients: AttributionMethod = {
  name: 'integrated-gradients',
  label: 'Integrated Gradients',
  resolution: 'input',
  gradients: true,
  async compute(context) {
    const { gradients } = await context.inputGradients(integrationPath(context.input));
    const attribution = new Float32Array(context.input.length);
    for (const gradient of gradients) for (let i = 0; i < attribution.length; i++) attribution[i] += gradient[i];
    for (let i = 0; i < attribution.length; i++) attribution[i] *= context.input[i] / gradients.length;
    return reduceInputChannels(attribution, context.inputDims, context.layout, 'sum');
  },
};

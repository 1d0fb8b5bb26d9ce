import { reduceInputChannels, seededNormal } from '../tensor-math';
import type { AttributionMethod } from './types';

export const SMOOTHGRAD_SAMPLES = 25;
export const SMOOTHGRAD_NOISE = 0.15;
export const SMOOTHGRAD_SEED = 1;

/** The noisy copies SmoothGrad averages over: x + N(0, σ²), σ = 0.15·(max(x) − min(x)), from a fixed seed. */
export function smoothGradInputs(input: Float32Array, samples = SMOOTHGRAD_SAMPLES, seed = SMOOTHGRAD_SEED): Float32Array[] {
  let min = Infinity;
  let max = -Infinity;
  for (const value of input) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const sigma = SMOOTHGRAD_NOISE * (max - min);
  const normal = seededNormal(seed);
  return Array.from({ length: samples }, () => Float32Array.from(input, (value) => value + sigma * normal()));
}

/** SmoothGrad (Smilkov et al. 2017): the input gradient averaged over noisy copies, then max over channels of |·|. */
export const smoothGrad: AttributionMethod = {
  name: 'smoothgrad',
  label: 'SmoothGrad',
  resolution: 'input',
  gradients: true,
  async compute(context) {
    const { gradients } = await context.inputGradients(smoothGradInputs(context.input));
    const mean = new Float32Array(context.input.length);
    for (const gradient of gradients) for (let i = 0; i < mean.length; i++) mean[i] += gradient[i] / gradients.length;
    return reduceInputChannels(mean, context.inputDims, context.layout, 'max-abs');
  },
};

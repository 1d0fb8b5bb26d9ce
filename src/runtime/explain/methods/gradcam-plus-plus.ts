import { assertSpatial, weightedChannelSum } from './cam-weights';
import type { AttributionMethod } from './types';

/**
 * Grad-CAM++ (Chattopadhyay et al. 2018), eq. 19 with the exponential-score simplification:
 * α = g² / (2g² + Σ_ij A · g³), w_k = Σ_ij α · ReLU(g).
 */
export const gradCamPlusPlus: AttributionMethod = {
  name: 'gradcam++',
  label: 'Grad-CAM++',
  resolution: 'layer',
  gradients: true,
  async compute(context) {
    const { activation, gradient } = await context.layerGradient();
    assertSpatial(activation, 'Grad-CAM++');
    const [, channels, height, width] = activation.dims;
    const plane = height * width;
    const weights = new Float64Array(channels);
    for (let k = 0; k < channels; k++) {
      let activationSum = 0;
      for (let p = 0; p < plane; p++) activationSum += activation.data[k * plane + p];
      let weight = 0;
      for (let p = 0; p < plane; p++) {
        const g = gradient.data[k * plane + p];
        if (g <= 0) continue;
        const g2 = g * g;
        weight += (g2 / (2 * g2 + activationSum * g2 * g + 1e-6)) * g;
      }
      weights[k] = weight;
    }
    return weightedChannelSum(activation, weights);
  },
};

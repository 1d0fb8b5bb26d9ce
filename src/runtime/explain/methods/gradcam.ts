import { assertSpatial, weightedChannelSum } from './cam-weights';
import type { AttributionMethod } from './types';

/** Grad-CAM (Selvaraju et al. 2017): channel weights are the spatial means of the gradient. */
export const gradCam: AttributionMethod = {
  name: 'gradcam',
  label: 'Grad-CAM',
  resolution: 'layer',
  gradients: true,
  async compute(context) {
    const { activation, gradient } = await context.layerGradient();
    assertSpatial(activation, 'Grad-CAM');
    const [, channels, height, width] = activation.dims;
    const plane = height * width;
    const weights = new Float64Array(channels);
    for (let k = 0; k < channels; k++) {
      let sum = 0;
      for (let p = 0; p < plane; p++) sum += gradient.data[k * plane + p];
      weights[k] = sum / plane;
    }
    return weightedChannelSum(activation, weights);
  },
};

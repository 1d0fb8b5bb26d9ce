import { assertSpatial } from './cam-weights';
import type { AttributionMethod } from './types';

/** Layer-CAM (Jiang et al. 2021): ReLU(Σ_k ReLU(g_k) ⊙ A_k), element-wise weights instead of one per channel. */
export const layerCam: AttributionMethod = {
  name: 'layercam',
  label: 'Layer-CAM',
  resolution: 'layer',
  gradients: true,
  async compute(context) {
    const { activation, gradient } = await context.layerGradient();
    assertSpatial(activation, 'Layer-CAM');
    const [, channels, height, width] = activation.dims;
    const plane = height * width;
    const sums = new Float64Array(plane);
    for (let k = 0; k < channels; k++) {
      for (let p = 0; p < plane; p++) sums[p] += Math.max(0, gradient.data[k * plane + p]) * activation.data[k * plane + p];
    }
    return { data: Float32Array.from(sums, (value) => Math.max(0, value)), size: [height, width] };
  },
};

import { inputGeometry, resizeBilinear } from '../tensor-math';
import { assertSpatial, weightedChannelSum } from './cam-weights';
import type { AttributionMethod } from './types';

/**
 * Score-CAM (Wang et al. 2020): each activation channel, upsampled to the input (bilinear, half-pixel) and
 * min-max normalized, masks the input; the channel's weight is the class probability of the masked input.
 * Channels that are constant carry no mask and get weight 0.
 */
export const scoreCam: AttributionMethod = {
  name: 'scorecam',
  label: 'Score-CAM',
  resolution: 'layer',
  async compute(context) {
    const activation = await context.layerActivation();
    assertSpatial(activation, 'Score-CAM');
    const [, channels, height, width] = activation.dims;
    const plane = height * width;
    const [inputHeight, inputWidth, inputChannels] = inputGeometry(context.inputDims, context.layout);
    const weights = new Float64Array(channels);
    for (let k = 0; k < channels; k++) {
      const mask = resizeBilinear(activation.data.subarray(k * plane, (k + 1) * plane), [height, width], [inputHeight, inputWidth]);
      let min = Infinity;
      let max = -Infinity;
      for (const value of mask) {
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
      if (!(max > min)) continue;
      const masked = new Float32Array(context.input.length);
      for (let i = 0; i < masked.length; i++) {
        const pixel = context.layout === 'nchw' ? i % (inputHeight * inputWidth) : Math.floor(i / inputChannels);
        masked[i] = context.input[i] * ((mask[pixel] - min) / (max - min));
      }
      [weights[k]] = await context.probabilities([masked]);
    }
    return weightedChannelSum(activation, weights);
  },
};

import { inputGeometry, resizeBilinear } from '../tensor-math';
import { assertSpatial, weightedChannelSum } from './cam-weights';
import type { AttributionMethod } from './types';

const MASKS_PER_CALL = 64;

/**
 * Score-CAM (Wang et al. 2020): each activation channel, upsampled to the input (bilinear, half-pixel) and
 * min-max normalized, masks the input; the channel's weight is the class probability of the masked input.
 * Channels that are constant carry no mask and get weight 0.
 */
export const scoreCam: AttributionMethod = {
  name: 'scorecam',
  label: 'Score-CAM',
  resolution: 'layer',
  gradients: false,
  async compute(context) {
    const activation = await context.layerActivation();
    assertSpatial(activation, 'Score-CAM');
    const [, channels, height, width] = activation.dims;
    const plane = height * width;
    const [inputHeight, inputWidth, inputChannels] = inputGeometry(context.inputDims, context.layout);
    const weights = new Float64Array(channels);
    const inputPlane = inputHeight * inputWidth;
    const scale = new Float64Array(inputPlane);
    const maskedInput = (mask: Float32Array, min: number, max: number): Float32Array => {
      for (let p = 0; p < inputPlane; p++) scale[p] = (mask[p] - min) / (max - min);
      const masked = new Float32Array(context.input.length);
      for (let c = 0; c < inputChannels; c++) {
        for (let p = 0; p < inputPlane; p++) {
          const i = context.layout === 'nchw' ? c * inputPlane + p : p * inputChannels + c;
          masked[i] = context.input[i] * scale[p];
        }
      }
      return masked;
    };
    // Masked copies are scored MASKS_PER_CALL at a time, so the model can run them in batches.
    let pending: { channel: number; input: Float32Array }[] = [];
    const scorePending = async () => {
      const probabilities = await context.probabilities(pending.map((each) => each.input));
      pending.forEach((each, index) => (weights[each.channel] = probabilities[index]));
      pending = [];
    };
    for (let k = 0; k < channels; k++) {
      const mask = resizeBilinear(activation.data.subarray(k * plane, (k + 1) * plane), [height, width], [inputHeight, inputWidth]);
      let min = Infinity;
      let max = -Infinity;
      for (const value of mask) {
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
      if (!(max > min)) continue;
      pending.push({ channel: k, input: maskedInput(mask, min, max) });
      if (pending.length === MASKS_PER_CALL) await scorePending();
    }
    if (pending.length > 0) await scorePending();
    return weightedChannelSum(activation, weights);
  },
};

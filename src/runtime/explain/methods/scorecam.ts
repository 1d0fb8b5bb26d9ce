import { bilinearResizer, inputGeometry } from '../tensor-math';
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
    const inputSize = context.input.length;
    const resize = bilinearResizer([height, width], [inputHeight, inputWidth]);
    const mask = new Float32Array(inputPlane);
    const scale = new Float64Array(inputPlane);
    const input = context.input;
    const nchw = context.layout === 'nchw';
    // Masked copies are written side by side into one buffer and scored MASKS_PER_CALL at a time, so the model runs
    // them in batches without further copies.
    const batch = new Float32Array(MASKS_PER_CALL * inputSize);
    const writeMasked = (slot: number, min: number, max: number): Float32Array => {
      const masked = batch.subarray(slot * inputSize, (slot + 1) * inputSize);
      for (let p = 0; p < inputPlane; p++) scale[p] = (mask[p] - min) / (max - min);
      for (let c = 0; c < inputChannels; c++) {
        if (nchw) {
          const offset = c * inputPlane;
          for (let p = 0; p < inputPlane; p++) masked[offset + p] = input[offset + p] * scale[p];
        } else {
          for (let p = 0; p < inputPlane; p++) masked[p * inputChannels + c] = input[p * inputChannels + c] * scale[p];
        }
      }
      return masked;
    };
    let pending: { channel: number; input: Float32Array }[] = [];
    const scorePending = async () => {
      const probabilities = await context.probabilities(pending.map((each) => each.input));
      pending.forEach((each, index) => (weights[each.channel] = probabilities[index]));
      pending = [];
    };
    for (let k = 0; k < channels; k++) {
      resize(activation.data.subarray(k * plane, (k + 1) * plane), mask);
      let min = Infinity;
      let max = -Infinity;
      for (let p = 0; p < inputPlane; p++) {
        if (mask[p] < min) min = mask[p];
        if (mask[p] > max) max = mask[p];
      }
      if (!(max > min)) continue;
      pending.push({ channel: k, input: writeMasked(pending.length, min, max) });
      if (pending.length === MASKS_PER_CALL) await scorePending();
    }
    if (pending.length > 0) await scorePending();
    return weightedChannelSum(activation, weights);
  },
};

import { assertSpatial } from './cam-weights';
import type { AttributionMethod } from './types';

const ITERATIONS = 2000;
const TOLERANCE = 1e-12;

/**
 * Eigen-CAM (Muhammad & Yeasin 2020): the activation, as an (H·W)×C matrix centered per channel, projected on its
 * first right singular vector, then ReLU. The singular vector's sign is arbitrary; it is chosen so the map
 * correlates positively with the channel sum of the activation.
 */
export const eigenCam: AttributionMethod = {
  name: 'eigencam',
  label: 'Eigen-CAM',
  resolution: 'layer',
  gradients: false,
  async compute(context) {
    const activation = await context.layerActivation();
    assertSpatial(activation, 'Eigen-CAM');
    const [, channels, height, width] = activation.dims;
    const plane = height * width;
    // centered[p][k] stored channel-major like the activation.
    const centered = new Float64Array(channels * plane);
    for (let k = 0; k < channels; k++) {
      let mean = 0;
      for (let p = 0; p < plane; p++) mean += activation.data[k * plane + p];
      mean /= plane;
      for (let p = 0; p < plane; p++) centered[k * plane + p] = activation.data[k * plane + p] - mean;
    }
    const projection = new Float64Array(plane);
    const project = (vector: Float64Array) => {
      projection.fill(0);
      for (let k = 0; k < channels; k++) for (let p = 0; p < plane; p++) projection[p] += centered[k * plane + p] * vector[k];
    };
    // Power iteration on XᵀX without forming it: v ← Xᵀ(Xv) / ‖·‖.
    let vector = new Float64Array(channels).fill(1 / Math.sqrt(channels));
    for (let iteration = 0; iteration < ITERATIONS; iteration++) {
      project(vector);
      const next = new Float64Array(channels);
      for (let k = 0; k < channels; k++) {
        let sum = 0;
        for (let p = 0; p < plane; p++) sum += centered[k * plane + p] * projection[p];
        next[k] = sum;
      }
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      let change = 0;
      for (let k = 0; k < channels; k++) {
        next[k] /= norm;
        change += (next[k] - vector[k]) ** 2;
      }
      vector = next;
      if (change < TOLERANCE) break;
    }
    project(vector);
    let agreement = 0;
    for (let p = 0; p < plane; p++) {
      let channelSum = 0;
      for (let k = 0; k < channels; k++) channelSum += activation.data[k * plane + p];
      agreement += projection[p] * channelSum;
    }
    const sign = agreement < 0 ? -1 : 1;
    return { data: Float32Array.from(projection, (value) => Math.max(0, sign * value)), size: [height, width] };
  },
};

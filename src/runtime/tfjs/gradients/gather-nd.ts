import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from '../kernels/geometry';

/**
 * GatherNd's gradient, which tfjs 4.22 does not register: the incoming gradient scattered back to the positions it
 * was gathered from, summed where an index repeats (as tf.scatterND sums). Indices are integers: a zero gradient (float32, as tfjs asks of every gradient).
 */
export function gatherNdGradient(tf: TfModule): Tf.GradConfig {
  return {
    kernelName: 'GatherNd',
    inputsToSave: ['params', 'indices'],
    gradFunc: (dy, saved) => {
      const [params, indices] = saved;
      return { params: () => tf.scatterND(indices, dy as Tf.Tensor, params.shape), indices: () => tf.zeros(indices.shape, 'float32') };
    },
  };
}

import type * as Tf from '@tensorflow/tfjs';
import { asTensor, type TfModule } from './geometry';

/**
 * out[s] = Σ_{i: ids[i] = s} x[i] (the gradient of gather). scatterND sums duplicate indices; negative ids are
 * dropped, as TensorFlow does, by sending them to an extra segment that is cut off.
 */
export function unsortedSegmentSum(tf: TfModule): Tf.KernelConfig {
  return {
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => tf.tidy(() => {
      const { numSegments } = attrs as unknown as Tf.UnsortedSegmentSumAttrs;
      const x = asTensor(tf, inputs.x as Tf.TensorInfo);
      const segmentIds = asTensor(tf, inputs.segmentIds as Tf.TensorInfo);
      const ids = segmentIds.toInt().reshape([-1]);
      const rows = x.reshape([ids.size, ...x.shape.slice(segmentIds.rank)]);
      const kept = tf.where(ids.less(0), tf.fill(ids.shape, numSegments, 'int32'), ids).reshape([-1, 1]);
      const summed = tf.scatterND(kept, rows, [numSegments + 1, ...rows.shape.slice(1)]);
      return summed.slice(0, numSegments);
    }),
  };
}

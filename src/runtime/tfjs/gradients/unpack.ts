import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from '../kernels/geometry';

/**
 * Unpack's gradient: the outputs' gradients stacked back along the axis. It replaces tfjs 4.22's, which fails when the
 * axis has one entry (the single output's gradient arrives as a bare tensor, not a list: "Argument tensors passed to
 * stack must be a `Tensor[]`"), as in MoveNet's keypoint decoder.
 */
export function unpackGradient(tf: TfModule): Tf.GradConfig {
  return {
    kernelName: 'Unpack',
    gradFunc: (dy, _saved, attrs) => {
      const { axis } = attrs as unknown as { axis: number };
      return { value: () => tf.stack(Array.isArray(dy) ? dy : [dy], axis) };
    },
  };
}

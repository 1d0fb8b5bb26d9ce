import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from '../kernels/geometry';

/**
 * SquaredDifference's gradient, ±2(a − b)·dy summed back over the axes each input was broadcast along. It replaces
 * tfjs 4.22's, which skips that sum (a [1, 17] input of MoveNet's keypoint decoder got a [48, 48, 17] gradient).
 */
export function squaredDifferenceGradient(tf: TfModule): Tf.GradConfig {
  const reduceTo = (gradient: Tf.Tensor, shape: number[]) => {
    const axes = tf.backend_util.getReductionAxes(shape, gradient.shape);
    return (axes.length > 0 ? gradient.sum(axes) : gradient).reshape(shape);
  };
  return {
    kernelName: 'SquaredDifference',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved;
      const twice = () => tf.mul(dy as Tf.Tensor, tf.mul(2, tf.sub(a, b)));
      return { a: () => reduceTo(twice(), a.shape), b: () => reduceTo(tf.neg(twice()), b.shape) };
    },
  };
}

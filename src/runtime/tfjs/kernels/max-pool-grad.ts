import type * as Tf from '@tensorflow/tfjs';
import { asTensor, dilateSpatially, padOrCrop, type TfModule } from './geometry';

/**
 * dx: each window's dy goes to the first cell (in row-major order, as tfjs's cpu kernel and TensorFlow pick) that
 * holds the window's max. For each of the kh·kw offsets, the strided read of the (−∞-padded) input at that offset is
 * compared with the pooled output; the matches not taken by an earlier offset receive dy, spread back by the stride.
 * It replaces @tensorflow/tfjs-backend-wasm 4.22's MaxPoolGrad, which routes dy to the wrong cells for strided
 * windows (2×2 stride 2 VALID, 3×3 stride 2 SAME).
 */
export function maxPoolGrad(tf: TfModule): Tf.KernelConfig {
  return {
    kernelName: 'MaxPoolGrad',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => tf.tidy(() => {
      const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as Tf.MaxPoolGradAttrs;
      const dy = asTensor(tf, inputs.dy as Tf.TensorInfo) as Tf.Tensor4D;
      const x = asTensor(tf, inputs.input as Tf.TensorInfo) as Tf.Tensor4D;
      const y = asTensor(tf, inputs.output as Tf.TensorInfo) as Tf.Tensor4D;
      const info = tf.backend_util.computePool2DInfo(x.shape, filterSize, strides, 1, pad, dimRoundingMode);
      const { filterHeight: kh, filterWidth: kw, strideHeight: sy, strideWidth: sx, outHeight, outWidth } = info;
      const { top, left } = info.padInfo;
      const [batch, height, width, channels] = x.shape;
      // The extent the windows cover, from the top-left of the padding.
      const spanY = (outHeight - 1) * sy + kh;
      const spanX = (outWidth - 1) * sx + kw;
      const padded = tf.pad(x, [[0, 0], [top, Math.max(0, spanY - top - height)], [left, Math.max(0, spanX - left - width)], [0, 0]], -Infinity)
        .slice([0, 0, 0, 0], [-1, spanY, spanX, -1]);
      let taken = tf.zerosLike(y);
      let sum = tf.zeros([batch, spanY, spanX, channels]) as Tf.Tensor4D;
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          const read = tf.stridedSlice(padded, [0, i, j, 0], [batch, i + (outHeight - 1) * sy + 1, j + (outWidth - 1) * sx + 1, channels], [1, sy, sx, 1]);
          const hit = tf.equal(read, y).toFloat().mul(tf.sub(1, taken));
          taken = taken.add(hit);
          const spread = dilateSpatially(tf, dy.mul(hit) as Tf.Tensor4D, [sy, sx]);
          sum = sum.add(padOrCrop(tf, spread, [i, spanY - i - spread.shape[1]], [j, spanX - j - spread.shape[2]]));
        }
      }
      return padOrCrop(tf, sum, [-top, height + top - spanY], [-left, width + left - spanX]);
    }),
  };
}

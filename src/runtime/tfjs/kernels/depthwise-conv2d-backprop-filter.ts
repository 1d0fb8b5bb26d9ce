import type * as Tf from '@tensorflow/tfjs';
import { asTensor, pair, padOrCrop, type TfModule } from './geometry';

/**
 * dW[kh, kw, c, m] = Σ_b,i,j xpad[b, i·s + kh·d, j·s + kw·d, c] · dy[b, i, j, c·M + m]: one depthwise conv over
 * the (channel, batch) pairs of the padded input, filtered by dy, read with the forward stride as dilation and the
 * forward dilation as stride (tfjs allows only one of the two above 1), then a sum over the batch.
 */
export function depthwiseConv2dBackpropFilter(tf: TfModule): Tf.KernelConfig {
  return {
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => tf.tidy(() => {
      const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as Tf.DepthwiseConv2dNativeBackpropFilterAttrs;
      const x = asTensor(tf, inputs.x as Tf.TensorInfo) as Tf.Tensor4D;
      const dy = asTensor(tf, inputs.dy as Tf.TensorInfo) as Tf.Tensor4D;
      const [kh, kw, channels, multiplier] = filterShape;
      const [batch] = x.shape;
      const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, dilations, pad, dimRoundingMode, true);
      const { top, bottom, left, right } = info.padInfo;
      const [, outHeight, outWidth] = dy.shape;
      const padded = padOrCrop(tf, x, [top, bottom], [left, right]);
      const [, paddedHeight, paddedWidth] = padded.shape;
      const pairs = padded.transpose([1, 2, 3, 0]).reshape([1, paddedHeight, paddedWidth, channels * batch]) as Tf.Tensor4D;
      const dyFilter = dy.reshape([batch, outHeight, outWidth, channels, multiplier]).transpose([1, 2, 3, 0, 4]).reshape([outHeight, outWidth, channels * batch, multiplier]) as Tf.Tensor4D;
      const full = tf.depthwiseConv2d(pairs, dyFilter, pair(dilations), 'valid', 'NHWC', pair(strides));
      return full.slice([0, 0, 0, 0], [1, kh, kw, -1]).reshape([kh, kw, channels, batch, multiplier]).sum(3);
    }),
  };
}

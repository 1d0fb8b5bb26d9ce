import type * as Tf from '@tensorflow/tfjs';
import { asTensor, dilateSpatially, pair, padOrCrop, type TfModule } from './geometry';

/**
 * dx[y] = Σ_k dyUp[y + pad − k·d] · w[k] with dyUp the stride-dilated dy: a depthwise conv (multiplier 1 over the
 * ci·m channels of dy) with the spatially flipped filter, then a sum over the multiplier.
 */
export function depthwiseConv2dBackpropInput(tf: TfModule): Tf.KernelConfig {
  return {
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => tf.tidy(() => {
      const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as Tf.DepthwiseConv2dNativeBackpropInputAttrs;
      const dy = asTensor(tf, inputs.dy as Tf.TensorInfo) as Tf.Tensor4D;
      const filter = asTensor(tf, inputs.filter as Tf.TensorInfo) as Tf.Tensor4D;
      const [kh, kw, channels, multiplier] = filter.shape;
      const [dilationY, dilationX] = pair(dilations);
      const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape, strides, dilations, pad, dimRoundingMode, true);
      const { top, left } = info.padInfo;
      const [, height, width] = inputShape;
      const spread = dilateSpatially(tf, dy, pair(strides));
      const padTop = (kh - 1) * dilationY - top;
      const padLeft = (kw - 1) * dilationX - left;
      const padded = padOrCrop(tf, spread, [padTop, height + (kh - 1) * dilationY - padTop - spread.shape[1]], [padLeft, width + (kw - 1) * dilationX - padLeft - spread.shape[2]]);
      const flipped = tf.reverse(filter, [0, 1]).reshape([kh, kw, channels * multiplier, 1]) as Tf.Tensor4D;
      const perMultiplier = tf.depthwiseConv2d(padded, flipped, 1, 'valid', 'NHWC', [dilationY, dilationX]);
      if (multiplier === 1) return perMultiplier;
      return perMultiplier.reshape([inputShape[0], height, width, channels, multiplier]).sum(4);
    }),
  };
}

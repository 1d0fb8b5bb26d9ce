import type * as Tf from '@tensorflow/tfjs';
import { asTensor, pair, padOrCrop, type TfModule } from './geometry';

/**
 * dW[kh, kw, ci, co] = Σ_b,i,j xpad[b, i·s + kh, j·s + kw, ci] · dy[b, i, j, co]: a conv2d of the padded input with
 * batch and channels swapped, filtered by dy (its batch as input channels), dilated by the forward stride.
 */
export function conv2dBackpropFilter(tf: TfModule): Tf.KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => tf.tidy(() => {
      const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Tf.Conv2DBackpropFilterAttrs;
      const toNhwc = (t: Tf.Tensor) => (dataFormat === 'NCHW' ? t.transpose([0, 2, 3, 1]) : t) as Tf.Tensor4D;
      const x = toNhwc(asTensor(tf, inputs.x as Tf.TensorInfo));
      const dy = toNhwc(asTensor(tf, inputs.dy as Tf.TensorInfo));
      const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode);
      const { top, bottom, left, right } = info.padInfo;
      const padded = padOrCrop(tf, x, [top, bottom], [left, right]);
      const swapped = padded.transpose([3, 1, 2, 0]) as Tf.Tensor4D;
      const dyFilter = dy.transpose([1, 2, 0, 3]) as Tf.Tensor4D;
      const full = tf.conv2d(swapped, dyFilter, 1, 'valid', 'NHWC', pair(strides));
      const [kh, kw] = filterShape;
      return full.slice([0, 0, 0, 0], [-1, kh, kw, -1]).transpose([1, 2, 0, 3]);
    }),
  };
}

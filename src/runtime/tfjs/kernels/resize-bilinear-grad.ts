import type * as Tf from '@tensorflow/tfjs';
import { asTensor, type TfModule } from './geometry';

/**
 * The [outSize, inSize] matrix of bilinear weights along one axis, as TensorFlow's ResizeBilinear reads its source:
 * source = (o + ½)·scale − ½ with half-pixel centres, else o·scale; scale = (in − 1)/(out − 1) with aligned corners,
 * else in/out; each output takes 1 − frac of the row below the source and frac of the row above (clamped to the edge).
 */
export function bilinearWeights(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Float32Array {
  const scale = alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
  const weights = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    const source = halfPixelCenters ? (o + 0.5) * scale - 0.5 : o * scale;
    const below = Math.min(inSize - 1, Math.max(0, Math.floor(source)));
    const above = Math.min(inSize - 1, Math.max(0, Math.ceil(source)));
    const frac = below === above ? 0 : source - below;
    weights[o * inSize + below] += 1 - frac;
    weights[o * inSize + above] += frac;
  }
  return weights;
}

/**
 * dx of a bilinear resize: the transposed interpolation applied to dy, one axis at a time (two matrix products).
 * It replaces @tensorflow/tfjs 4.22's ResizeBilinearGrad, which on wasm ignores half-pixel centres (the resize that
 * TensorFlow 2 converts with) and on cpu swaps height and width for non-square inputs.
 */
export function resizeBilinearGrad(tf: TfModule, backendName: string): Tf.KernelConfig {
  return {
    kernelName: 'ResizeBilinearGrad',
    backendName,
    kernelFunc: ({ inputs, attrs }) => tf.tidy(() => {
      const { alignCorners, halfPixelCenters } = attrs as unknown as { alignCorners: boolean; halfPixelCenters: boolean };
      const images = inputs.images as Tf.TensorInfo;
      const dy = asTensor(tf, inputs.dy as Tf.TensorInfo) as Tf.Tensor4D;
      const [batch, inHeight, inWidth, channels] = images.shape;
      const [, outHeight, outWidth] = dy.shape;
      const rows = tf.tensor2d(bilinearWeights(inHeight, outHeight, alignCorners, halfPixelCenters), [outHeight, inHeight]);
      const columns = tf.tensor2d(bilinearWeights(inWidth, outWidth, alignCorners, halfPixelCenters), [outWidth, inWidth]);
      // [B, oH, oW, C] → [B·C·oH, oW] · columns → [B, C, oH, iW] → [B·C·iW, oH] · rows → [B, C, iW, iH] → [B, iH, iW, C].
      const alongWidth = tf.matMul(dy.transpose([0, 3, 1, 2]).reshape([batch * channels * outHeight, outWidth]), columns);
      const alongHeight = tf.matMul(alongWidth.reshape([batch * channels, outHeight, inWidth]).transpose([0, 2, 1]).reshape([batch * channels * inWidth, outHeight]), rows);
      return alongHeight.reshape([batch, channels, inWidth, inHeight]).transpose([0, 3, 2, 1]);
    }),
  };
}

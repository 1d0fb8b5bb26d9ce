import type * as Tf from '@tensorflow/tfjs';

export type TfModule = typeof Tf;

/** A kernel input as a Tensor (kernels may be handed bare TensorInfos); disposed with the enclosing tidy. */
export function asTensor(tf: TfModule, info: Tf.TensorInfo): Tf.Tensor {
  if (info instanceof tf.Tensor) return info;
  return tf.engine().makeTensorFromDataId(info.dataId, info.shape, info.dtype);
}

export function pair(value: number | [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

/** Pads (positive amounts) or crops (negative amounts) the two spatial axes of an NHWC tensor. */
export function padOrCrop(tf: TfModule, x: Tf.Tensor4D, [top, bottom]: [number, number], [left, right]: [number, number]): Tf.Tensor4D {
  const padded = tf.pad(x, [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]]);
  const [, height, width] = padded.shape;
  const cropTop = Math.max(0, -top);
  const cropLeft = Math.max(0, -left);
  return tf.slice(padded, [0, cropTop, cropLeft, 0], [-1, height - cropTop - Math.max(0, -bottom), width - cropLeft - Math.max(0, -right), -1]);
}

/** Inserts stride−1 zeros between the spatial positions of an NHWC tensor (the adjoint of a strided read). */
export function dilateSpatially(tf: TfModule, x: Tf.Tensor4D, [strideY, strideX]: [number, number]): Tf.Tensor4D {
  if (strideY === 1 && strideX === 1) return x;
  const [batch, height, width, channels] = x.shape;
  const spread = tf.pad(x.reshape([batch, height, 1, width, 1, channels]), [[0, 0], [0, 0], [0, strideY - 1], [0, 0], [0, strideX - 1], [0, 0]]);
  const dense = spread.reshape([batch, height * strideY, width * strideX, channels]) as Tf.Tensor4D;
  return tf.slice(dense, [0, 0, 0, 0], [-1, (height - 1) * strideY + 1, (width - 1) * strideX + 1, -1]) as Tf.Tensor4D;
}

import { DataType } from '../dtypes';
import { Dim, RuleContext, ShapeRule, isKnown, withShape } from './facts';

/** Output size of one spatial axis of a sliding window (Conv, pools), following auto_pad and ceil_mode. */
export function windowOutput(input: Dim, kernel: number, stride: number, dilation: number, padBegin: number, padEnd: number, autoPad: string, ceilMode: boolean): Dim {
  if (!isKnown(input)) return null;
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return Math.ceil(input / stride);
  const effectiveKernel = (kernel - 1) * dilation + 1;
  if (autoPad === 'VALID') return Math.floor((input - effectiveKernel) / stride) + 1;
  const span = input + padBegin + padEnd - effectiveKernel;
  if (!ceilMode) return Math.floor(span / stride) + 1;
  let size = Math.ceil(span / stride) + 1;
  // The last window must start inside the input or the left padding (as onnxruntime and PyTorch do).
  if ((size - 1) * stride >= input + padBegin) size--;
  return size;
}

/** Spatial output dims for a window op whose kernel spans `kernel` over the trailing axes of `input`. */
export function windowShape(context: RuleContext, input: Dim[], kernel: number[], ceilMode: boolean): Dim[] {
  const spatial = kernel.length;
  const strides = context.ints('strides') ?? Array(spatial).fill(1);
  const dilations = context.ints('dilations') ?? Array(spatial).fill(1);
  const pads = context.ints('pads') ?? Array(spatial * 2).fill(0);
  const autoPad = context.string('auto_pad', 'NOTSET');
  return kernel.map((k, i) => windowOutput(input[input.length - spatial + i], k, strides[i], dilations[i], pads[i], pads[i + spatial], autoPad, ceilMode));
}

const conv: ShapeRule = (context) => {
  const [x, w] = context.inputs;
  if (!x?.shape) return [withShape(x, null)];
  const kernel = context.ints('kernel_shape') ?? (w?.shape && w.shape.slice(2).every(isKnown) ? (w.shape.slice(2) as number[]) : undefined);
  const channels = w?.shape ? w.shape[0] : null;
  if (!kernel) return [withShape(x, [x.shape[0], channels, ...x.shape.slice(2).map(() => null)])];
  return [withShape(x, [x.shape[0], channels, ...windowShape(context, x.shape, kernel, false)])];
};

const convTranspose: ShapeRule = (context) => {
  const [x, w] = context.inputs;
  if (!x?.shape) return [withShape(x, null)];
  const spatial = x.shape.length - 2;
  const group = context.int('group', 1);
  const channels = w?.shape && isKnown(w.shape[1]) ? w.shape[1] * group : null;
  const outputShape = context.ints('output_shape');
  if (outputShape) return [withShape(x, [x.shape[0], channels, ...outputShape.slice(-spatial)])];
  const kernel = context.ints('kernel_shape') ?? (w?.shape && w.shape.slice(2).every(isKnown) ? (w.shape.slice(2) as number[]) : undefined);
  if (!kernel) return [withShape(x, [x.shape[0], channels, ...Array(spatial).fill(null)])];
  const strides = context.ints('strides') ?? Array(spatial).fill(1);
  const dilations = context.ints('dilations') ?? Array(spatial).fill(1);
  const outputPadding = context.ints('output_padding') ?? Array(spatial).fill(0);
  const pads = context.ints('pads') ?? Array(spatial * 2).fill(0);
  const autoPad = context.string('auto_pad', 'NOTSET');
  const dims = kernel.map((k, i) => {
    const input = x.shape![2 + i];
    if (!isKnown(input)) return null;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') return input * strides[i];
    const padTotal = autoPad === 'VALID' ? 0 : pads[i] + pads[i + spatial];
    return strides[i] * (input - 1) + outputPadding[i] + (k - 1) * dilations[i] + 1 - padTotal;
  });
  return [withShape(x, [x.shape[0], channels, ...dims])];
};

/** ConvInteger: x, w, x_zero_point, w_zero_point → int32 y. */
const convInteger: ShapeRule = (context) => conv(context).map((facts) => facts && { ...facts, dtype: DataType.INT32 });

/** QLinearConv: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B → y of y_zero_point's type. */
const qlinearConv: ShapeRule = (context) => {
  const [x, , , w, , , , yZeroPoint] = context.inputs;
  return conv({ ...context, inputs: [x, w] }).map((facts) => facts && { ...facts, dtype: yZeroPoint?.dtype ?? DataType.UINT8 });
};

export const convRules: Record<string, ShapeRule> = { Conv: conv, ConvTranspose: convTranspose, ConvInteger: convInteger, QLinearConv: qlinearConv };

import type { ActivationType } from './types';

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

export interface IntegerRange {
  qmin: number;
  qmax: number;
}

/** The integer range of a type, as onnxruntime uses it: symmetric int8 drops -128, reduce-range keeps 7 bits. */
export function integerRange(type: ActivationType, symmetric: boolean, reduceRange = false): IntegerRange {
  if (type === 'uint8') return reduceRange ? { qmin: 0, qmax: 127 } : { qmin: 0, qmax: 255 };
  if (reduceRange) return { qmin: -64, qmax: 64 };
  return symmetric ? { qmin: -127, qmax: 127 } : { qmin: -128, qmax: 127 };
}

/** Rounds half to even, as numpy (and onnxruntime's QuantizeLinear) do. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Scale and zero point mapping [rmin, rmax] (widened to include 0, so that zero is exact) onto [qmin, qmax];
 * symmetric ranges are centred on zero. A range of zero width gets scale 1.
 */
export function quantParams(rmin: number, rmax: number, range: IntegerRange, symmetric: boolean): QuantParams {
  let low = Math.min(rmin, 0);
  let high = Math.max(rmax, 0);
  if (symmetric) {
    const absMax = Math.max(Math.abs(low), Math.abs(high));
    low = -absMax;
    high = absMax;
  }
  const scale = (high - low) / (range.qmax - range.qmin);
  if (!(scale > 0) || !Number.isFinite(scale)) return { scale: 1, zeroPoint: symmetric ? roundHalfEven((range.qmin + range.qmax) / 2) : range.qmin };
  const zeroPoint = Math.min(range.qmax, Math.max(range.qmin, roundHalfEven(range.qmin - low / scale)));
  return { scale: Math.fround(scale), zeroPoint };
}

export function quantizeValue(value: number, params: QuantParams, range: IntegerRange): number {
  return Math.min(range.qmax, Math.max(range.qmin, roundHalfEven(value / params.scale) + params.zeroPoint));
}

export interface QuantizedWeight {
  values: Int8Array;
  scales: Float32Array;
  zeroPoints: Int8Array;
}

/**
 * Symmetric int8 weights, one scale per slice along `axis` (per-channel) or one for the tensor (axis undefined).
 */
export function quantizeWeight(values: Float32Array, dims: number[], axis: number | undefined, reduceRange: boolean): QuantizedWeight {
  const range = integerRange('int8', true, reduceRange);
  const channels = axis === undefined ? 1 : dims[axis];
  const inner = axis === undefined ? values.length : dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (index: number) => (axis === undefined ? 0 : Math.floor(index / inner) % channels);
  const absMax = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) absMax[channelOf(i)] = Math.max(absMax[channelOf(i)], Math.abs(values[i]));
  const params = Array.from(absMax, (max) => quantParams(-max, max, range, true));
  const quantized = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) quantized[i] = quantizeValue(values[i], params[channelOf(i)], range);
  return { values: quantized, scales: Float32Array.from(params, (p) => p.scale), zeroPoints: new Int8Array(channels) };
}

/** Bias as int32 with scale x_scale · w_scale (per channel) and zero point 0, as integer kernels accumulate it. */
export function quantizeBias(bias: Float32Array, inputScale: number, weightScales: Float32Array): { values: Int32Array; scales: Float32Array } {
  const scales = Float32Array.from(bias, (_, c) => inputScale * weightScales[weightScales.length === 1 ? 0 : c]);
  const values = Int32Array.from(bias, (b, c) => {
    const scale = scales[c];
    return scale > 0 ? Math.max(-2147483648, Math.min(2147483647, roundHalfEven(b / scale))) : 0;
  });
  return { values, scales };
}

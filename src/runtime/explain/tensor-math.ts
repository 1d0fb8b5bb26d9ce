import { seededRandom } from '../random';

/** Small array helpers for attribution maps: [C, H, W] float tensors stored flat. */

export interface FloatMap {
  data: Float32Array;
  /** [height, width]. */
  size: [number, number];
}

/**
 * Bilinear resize of one plane with half-pixel centers and edge clamping, the convention of
 * torch.nn.functional.interpolate(mode='bilinear', align_corners=False) and onnxruntime's Resize.
 */
export function resizeBilinear(plane: ArrayLike<number>, from: [number, number], to: [number, number]): Float32Array {
  const [inH, inW] = from;
  const [outH, outW] = to;
  const out = new Float32Array(outH * outW);
  const axis = (outIndex: number, inSize: number, outSize: number) => {
    const source = Math.max(0, (outIndex + 0.5) * (inSize / outSize) - 0.5);
    const low = Math.min(Math.floor(source), inSize - 1);
    const high = Math.min(low + 1, inSize - 1);
    return { low, high, weight: source - low };
  };
  for (let y = 0; y < outH; y++) {
    const row = axis(y, inH, outH);
    for (let x = 0; x < outW; x++) {
      const column = axis(x, inW, outW);
      const top = plane[row.low * inW + column.low] * (1 - column.weight) + plane[row.low * inW + column.high] * column.weight;
      const bottom = plane[row.high * inW + column.low] * (1 - column.weight) + plane[row.high * inW + column.high] * column.weight;
      out[y * outW + x] = top * (1 - row.weight) + bottom * row.weight;
    }
  }
  return out;
}

export function minMaxNormalize(values: ArrayLike<number>): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const range = max - min;
  return Float32Array.from(values as ArrayLike<number>, (value) => (range > 0 ? (value - min) / range : 0));
}

/** Share of the largest |values| that pixel attribution maps clip (Captum's visualize_image_attr default, outlier_perc=2). */
export const PIXEL_OUTLIER_SHARE = 0.02;

/**
 * A pixel attribution map (saliency, SmoothGrad, Integrated Gradients, occlusion) as people read it, the way Captum
 * draws it: absolute values, divided by the value below which 98% of them lie, clipped to [0, 1]. A few extreme
 * pixels then no longer wash the rest of the map out to a uniform color.
 */
export function pixelAttributionHeat(values: ArrayLike<number>): Float32Array {
  const magnitudes = Float32Array.from(values as ArrayLike<number>, Math.abs);
  const sorted = Float32Array.from(magnitudes).sort();
  const threshold = sorted[Math.min(sorted.length - 1, Math.floor((1 - PIXEL_OUTLIER_SHARE) * sorted.length))] ?? 0;
  return magnitudes.map((value) => (threshold > 0 ? Math.min(1, value / threshold) : 0));
}

/** A map scaled to [0, 1] for display: pixel attributions as pixelAttributionHeat, layer maps (CAMs) by min-max. */
export function displayHeat(values: ArrayLike<number>, pixelAttribution: boolean): Float32Array {
  return pixelAttribution ? pixelAttributionHeat(values) : minMaxNormalize(values);
}

/**
 * Reduces a model-input-shaped attribution ([1,C,H,W] or [1,H,W,C]) over channels to an H×W map:
 * the largest |value| (gradient saliency) or the signed sum (integrated gradients, whose sum is meaningful).
 */
export function reduceInputChannels(values: ArrayLike<number>, dims: readonly number[], layout: 'nchw' | 'nhwc', how: 'max-abs' | 'sum'): FloatMap {
  const [channels, height, width] = layout === 'nchw' ? [dims[1], dims[2], dims[3]] : [dims[3], dims[1], dims[2]];
  const plane = height * width;
  const out = new Float32Array(plane);
  for (let p = 0; p < plane; p++) {
    let acc = 0;
    for (let k = 0; k < channels; k++) {
      const value = values[layout === 'nchw' ? k * plane + p : p * channels + k];
      acc = how === 'max-abs' ? Math.max(acc, Math.abs(value)) : acc + value;
    }
    out[p] = acc;
  }
  return { data: out, size: [height, width] };
}

/** [height, width, channels] of a model input. */
export function inputGeometry(dims: readonly number[], layout: 'nchw' | 'nhwc'): [number, number, number] {
  return layout === 'nchw' ? [dims[2], dims[3], dims[1]] : [dims[1], dims[2], dims[3]];
}

/** A deterministic normal-distribution source (mulberry32 + Box-Muller), so attributions are reproducible. */
export function seededNormal(seed: number): () => number {
  const uniform = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

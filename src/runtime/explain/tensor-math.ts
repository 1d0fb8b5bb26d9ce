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
  return bilinearResizer(from, to)(plane, new Float32Array(to[0] * to[1]));
}

/**
 * resizeBilinear for many planes of one size: the taps of each axis are computed once, and each call writes into
 * the given output.
 */
export function bilinearResizer(from: [number, number], to: [number, number]): (plane: ArrayLike<number>, out: Float32Array) => Float32Array {
  const [inH, inW] = from;
  const [outH, outW] = to;
  const taps = (inSize: number, outSize: number) => {
    const low = new Int32Array(outSize);
    const high = new Int32Array(outSize);
    const weight = new Float64Array(outSize);
    for (let i = 0; i < outSize; i++) {
      const source = Math.max(0, (i + 0.5) * (inSize / outSize) - 0.5);
      low[i] = Math.min(Math.floor(source), inSize - 1);
      high[i] = Math.min(low[i] + 1, inSize - 1);
      weight[i] = source - low[i];
    }
    return { low, high, weight };
  };
  const rows = taps(inH, outH);
  const columns = taps(inW, outW);
  // Separable: each source row is interpolated along x once, then output rows blend two of those.
  const across = new Float64Array(inH * outW);
  return (plane, out) => {
    for (let y = 0; y < inH; y++) {
      for (let x = 0; x < outW; x++) {
        const weight = columns.weight[x];
        across[y * outW + x] = plane[y * inW + columns.low[x]] * (1 - weight) + plane[y * inW + columns.high[x]] * weight;
      }
    }
    for (let y = 0; y < outH; y++) {
      const upper = rows.low[y] * outW;
      const lower = rows.high[y] * outW;
      const weight = rows.weight[y];
      for (let x = 0; x < outW; x++) out[y * outW + x] = across[upper + x] * (1 - weight) + across[lower + x] * weight;
    }
    return out;
  };
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

/** A [1, H, W, C] tensor's values reordered as [1, C, H, W]. */
export function nhwcToNchw(data: ArrayLike<number>, [, height, width, channels]: readonly number[]): { data: Float32Array; dims: number[] } {
  const out = new Float32Array(height * width * channels);
  const plane = height * width;
  for (let p = 0; p < plane; p++) for (let k = 0; k < channels; k++) out[k * plane + p] = data[p * channels + k];
  return { data: out, dims: [1, channels, height, width] };
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

/** Methods whose maps are signed pixel gradients: drawn as |value| clipped at ABSOLUTE_MAP_MASS of the mass, not min-max. */
export const ABSOLUTE_VALUE_METHODS: ReadonlySet<string> = new Set(['saliency', 'smoothgrad', 'integrated-gradients']);

/** The share of a map's total |value| kept below the clipping threshold (Captum's outlier_perc of 1). */
export const ABSOLUTE_MAP_MASS = 0.99;

/**
 * |value| / t clipped to [0, 1], where t is the smallest value whose cumulative sum (of the sorted |values|) reaches
 * `mass` of the total: Captum's visualize_image_attr(sign='absolute_value'). The few largest gradients saturate
 * instead of washing every other pixel out to near zero.
 */
export function absoluteClipNormalize(values: ArrayLike<number>, mass = ABSOLUTE_MAP_MASS): Float32Array {
  const magnitudes = Float32Array.from(values as ArrayLike<number>, Math.abs);
  const sorted = Float32Array.from(magnitudes).sort();
  let total = 0;
  for (const value of sorted) total += value;
  let threshold = sorted.length ? sorted[sorted.length - 1] : 0;
  let cumulative = 0;
  for (const value of sorted) {
    cumulative += value;
    if (cumulative >= mass * total) {
      threshold = value;
      break;
    }
  }
  return magnitudes.map((value) => (threshold > 0 ? Math.min(1, value / threshold) : 0));
}

/** A map upsampled to [height, width] and scaled to [0, 1] the way its method's maps are read. */
export function displayHeat(map: { data: ArrayLike<number>; size: [number, number] }, size: [number, number], method: string): Float32Array {
  const resized = resizeBilinear(map.data, map.size, size);
  return ABSOLUTE_VALUE_METHODS.has(method) ? absoluteClipNormalize(resized) : minMaxNormalize(resized);
}

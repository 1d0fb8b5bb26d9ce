import type { Pixels } from '../images/decode';

export type OutputKind = 'classification' | 'image' | 'segmentation' | 'tensor';

/**
 * What an output is, from its dims alone:
 * - one non-unit dim → classification scores ([1,1000], [1,1000,1,1]);
 * - [1,C,H,W] or [1,H,W,C] with C 1 or 3 and H, W ≥ 8 → an image (style transfer, super-resolution, denoising);
 * - [1,K,H,W] with K ≥ 2 classes and H, W ≥ 2 → per-pixel class scores (segmentation);
 * - anything else → a tensor summary.
 */
export function outputKind(dims: readonly number[]): OutputKind {
  const nonUnit = dims.filter((dim) => dim !== 1);
  if (nonUnit.length === 1 && nonUnit[0] >= 2) return 'classification';
  if (dims.length === 4 && dims[0] === 1) {
    const [, c, h, w] = dims;
    if ((c === 1 || c === 3) && h >= 8 && w >= 8) return 'image';
    if ((dims[3] === 1 || dims[3] === 3) && dims[1] >= 8 && dims[2] >= 8) return 'image';
    if (c >= 2 && h >= 2 && w >= 2) return 'segmentation';
  }
  return 'tensor';
}

export interface TensorSummary {
  shape: number[];
  min: number;
  max: number;
  mean: number;
  /** The largest values with their flat indices. */
  topValues: { index: number; value: number }[];
}

export function summarizeTensor(dims: readonly number[], values: ArrayLike<number>, topCount = 5): TensorSummary {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value < min) min = value;
    if (value > max) max = value;
    sum += value;
  }
  const top: { index: number; value: number }[] = [];
  for (let i = 0; i < values.length; i++) {
    if (topCount > 0 && (top.length < topCount || values[i] > top[top.length - 1].value)) {
      top.push({ index: i, value: values[i] });
      top.sort((a, b) => b.value - a.value);
      if (top.length > topCount) top.pop();
    }
  }
  return { shape: [...dims], min, max, mean: values.length ? sum / values.length : NaN, topValues: top };
}

/** How an image-like output's values map to 0-255: the range they were produced in, or their own min-max. */
export type ImageRange = '0-1' | '-1-1' | '0-255' | 'min-max';

/** The value below which a share `q` of the values lie (by sorting a sample of at most 65,536 values). */
function quantile(values: ArrayLike<number>, q: number): number {
  const step = Math.max(1, Math.floor(values.length / 65536));
  const sample: number[] = [];
  for (let i = 0; i < values.length; i += step) sample.push(values[i]);
  sample.sort((a, b) => a - b);
  return sample[Math.min(sample.length - 1, Math.floor(q * sample.length))];
}

/**
 * The range an image-like output was produced in, from its values: models overshoot their nominal range a little
 * (a super-resolution net's [0, 1] output reaches -0.02 and 1.03), so the 0.5% and 99.5% quantiles decide.
 * One-channel maps (depth, masks, heat maps) are scaled by their own min-max so that they stay visible.
 */
export function imageRange(channels: number, values: ArrayLike<number>): ImageRange {
  if (channels === 1) return 'min-max';
  const low = quantile(values, 0.005);
  const high = quantile(values, 0.995);
  if (high <= 1.5 && low >= -0.25) return '0-1';
  if (high <= 1.5 && low >= -1.5) return '-1-1';
  if (high <= 300 && low >= -45) return '0-255';
  return 'min-max';
}

/** An image-like output as 8-bit RGB pixels, scaled from the range imageRange detects. */
export function outputToPixels(dims: readonly number[], values: ArrayLike<number>): { pixels: Pixels; range: ImageRange } {
  const nchw = dims[1] === 1 || dims[1] === 3;
  const [channels, height, width] = nchw ? [dims[1], dims[2], dims[3]] : [dims[3], dims[1], dims[2]];
  const range = imageRange(channels, values);
  const { min, max } = summarizeTensor(dims, values, 0);
  const toByte = range === '0-1' ? (v: number) => v * 255
    : range === '-1-1' ? (v: number) => (v + 1) * 127.5
      : range === '0-255' ? (v: number) => v
        : (v: number) => (max > min ? ((v - min) / (max - min)) * 255 : 0);
  const plane = width * height;
  const data = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < 3; k++) {
      const channel = channels === 1 ? 0 : k;
      const value = nchw ? values[channel * plane + p] : values[p * channels + channel];
      data[p * 3 + k] = Math.max(0, Math.min(255, Math.round(toByte(value))));
    }
  }
  return { pixels: { data, width, height, channels: 3 }, range };
}

/** The PASCAL VOC palette: distinct colors by spreading the bits of the class index over R, G and B. */
export function classColor(index: number): [number, number, number] {
  const color: [number, number, number] = [0, 0, 0];
  let value = index;
  for (let shift = 7; shift >= 0 && value > 0; shift--) {
    for (let channel = 0; channel < 3; channel++) color[channel] |= ((value >> channel) & 1) << shift;
    value >>= 3;
  }
  return color;
}

export interface LegendEntry {
  index: number;
  label: string | null;
  color: [number, number, number];
  /** Share of pixels assigned to this class. */
  fraction: number;
}

export interface SegmentationMask {
  width: number;
  height: number;
  /** Class index per pixel (argmax over the class dim). */
  classes: Uint16Array;
  legend: LegendEntry[];
}

export function segmentationMask(dims: readonly number[], values: ArrayLike<number>, labels?: readonly string[]): SegmentationMask {
  const [, classCount, height, width] = dims;
  const plane = width * height;
  const classes = new Uint16Array(plane);
  const counts = new Array<number>(classCount).fill(0);
  for (let p = 0; p < plane; p++) {
    let best = 0;
    for (let k = 1; k < classCount; k++) if (values[k * plane + p] > values[best * plane + p]) best = k;
    classes[p] = best;
    counts[best]++;
  }
  const legend = counts
    .map((count, index) => ({ index, label: labels?.[index] ?? null, color: classColor(index), fraction: count / plane }))
    .filter((entry) => entry.fraction > 0)
    .sort((a, b) => b.fraction - a.fraction);
  return { width, height, classes, legend };
}

/** Blends the mask's colors over the picture (same size), leaving class 0 (background) untinted. */
export function maskOverlay(mask: SegmentationMask, picture: Pixels, opacity = 0.55): Pixels {
  if (picture.width !== mask.width || picture.height !== mask.height || picture.channels !== 3) {
    throw new Error('the picture must be RGB at the mask size');
  }
  const data = new Uint8Array(picture.data);
  for (let p = 0; p < mask.classes.length; p++) {
    const index = mask.classes[p];
    if (index === 0) continue;
    const color = classColor(index);
    for (let k = 0; k < 3; k++) data[p * 3 + k] = Math.round((1 - opacity) * data[p * 3 + k] + opacity * color[k]);
  }
  return { ...picture, data };
}

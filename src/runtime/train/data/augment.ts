import type { Preprocessing, ValueRange } from '../../images/types';
import type { AugmentationName } from '../types';
import { sampleSize, type SampleShape } from './images';

export type AugmentSpec = Partial<Record<AugmentationName, number>>;

export const AUGMENTATION_NAMES: AugmentationName[] = ['flip', 'rotate', 'shift', 'scale', 'color', 'noise', 'cutout'];

/**
 * Default strengths: flip = probability, rotate = degrees, shift = pixels (8% of the smaller side), scale = fraction,
 * color = brightness/contrast fraction, noise = standard deviation as a fraction of the value range,
 * cutout = side of the square as a fraction of the smaller side.
 */
export function defaultStrength(name: AugmentationName, shape: Pick<SampleShape, 'height' | 'width'>): number {
  switch (name) {
    case 'flip': return 0.5;
    case 'rotate': return 10;
    case 'shift': return Math.max(1, Math.round(0.08 * Math.min(shape.height, shape.width)));
    case 'scale': return 0.1;
    case 'color': return 0.2;
    case 'noise': return 0.05;
    case 'cutout': return 0.25;
  }
}

/** Parses `flip,rotate=15,shift=3`: names with optional strengths (a missing strength means the default, stored as NaN until the shape is known). */
export function parseAugmentList(text: string): AugmentSpec {
  const spec: AugmentSpec = {};
  for (const part of text.split(',').map((item) => item.trim()).filter(Boolean)) {
    const [name, value] = part.split('=');
    if (!(AUGMENTATION_NAMES as string[]).includes(name)) throw new Error(`unknown augmentation "${name}"; choose from ${AUGMENTATION_NAMES.join(', ')}`);
    const strength = value === undefined ? Number.NaN : Number(value);
    if (value !== undefined && !(Number.isFinite(strength) && strength >= 0)) throw new Error(`augmentation ${name} needs a non-negative strength, got "${value}"`);
    spec[name as AugmentationName] = strength;
  }
  return spec;
}

/** The spec with every missing (NaN) strength replaced by its default for this sample shape. */
export function resolveAugmentSpec(spec: AugmentSpec, shape: SampleShape): Required<AugmentSpec> {
  const resolved = {} as Required<AugmentSpec>;
  for (const name of AUGMENTATION_NAMES) {
    const value = spec[name];
    resolved[name] = value === undefined ? 0 : Number.isNaN(value) ? defaultStrength(name, shape) : value;
  }
  return resolved;
}

function rangeBounds(range: ValueRange): [number, number] {
  return range === '0-1' ? [0, 1] : range === '0-255' ? [0, 255] : [-1, 1];
}

/** A standard normal number from two uniforms (Box-Muller). */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * Augments batches of model input tensors in place, on the float values in the model's layout. Geometric changes
 * (flip, rotation, shift, scale) are one bilinear affine warp; pixels that come from outside the image are black.
 * Color and noise work in the pixel range before mean/std and are clipped to it. All draws come from `random`.
 */
export class Augmenter {
  readonly strengths: Required<AugmentSpec>;
  private readonly mean: number[];
  private readonly std: number[];
  private readonly bounds: [number, number];
  private readonly scratch: Float32Array;

  constructor(spec: AugmentSpec, readonly shape: SampleShape, pre: Pick<Preprocessing, 'mean' | 'std' | 'range'>) {
    this.strengths = resolveAugmentSpec(spec, shape);
    const perChannel = (values: number[]) => Array.from({ length: shape.channels }, (_, c) => values[values.length === 1 ? 0 : c]);
    this.mean = perChannel(pre.mean);
    this.std = perChannel(pre.std);
    this.bounds = rangeBounds(pre.range);
    this.scratch = new Float32Array(sampleSize(shape));
  }

  get active(): boolean {
    return AUGMENTATION_NAMES.some((name) => this.strengths[name] > 0);
  }

  /** Augments `count` samples stored one after the other in `batch`. */
  apply(batch: Float32Array, count: number, random: () => number): void {
    const size = sampleSize(this.shape);
    for (let i = 0; i < count; i++) this.applyOne(batch.subarray(i * size, (i + 1) * size), random);
  }

  /** Offsets of channel c and of pixel p (row-major) in a sample: value index = c · channelStride + p · pixelStride. */
  private get strides(): { channelStride: number; pixelStride: number } {
    const { layout, channels, height, width } = this.shape;
    return layout === 'nchw' ? { channelStride: height * width, pixelStride: 1 } : { channelStride: 1, pixelStride: channels };
  }

  /** The tensor value of a black pixel in channel c. */
  private black(c: number): number {
    return (this.bounds[0] - this.mean[c]) / this.std[c];
  }

  private applyOne(sample: Float32Array, random: () => number): void {
    const s = this.strengths;
    const flip = s.flip > 0 && random() < s.flip;
    const angle = s.rotate > 0 ? (random() * 2 - 1) * s.rotate * Math.PI / 180 : 0;
    const dx = s.shift > 0 ? (random() * 2 - 1) * s.shift : 0;
    const dy = s.shift > 0 ? (random() * 2 - 1) * s.shift : 0;
    const zoom = s.scale > 0 ? 1 + (random() * 2 - 1) * s.scale : 1;
    if (flip || angle !== 0 || dx !== 0 || dy !== 0 || zoom !== 1) this.warp(sample, flip, angle, dx, dy, zoom);
    if (s.color > 0) this.color(sample, 1 + (random() * 2 - 1) * s.color, 1 + (random() * 2 - 1) * s.color);
    if (s.noise > 0) this.noise(sample, s.noise, random);
    if (s.cutout > 0) this.cutout(sample, s.cutout, random(), random());
  }

  /**
   * Output pixel p takes the input at F·S⁻¹·R(-θ)·(p - c - t) + c (c the image center, F the mirror), read bilinearly.
   * A pure mirror lands on pixel centers, so it is exact.
   */
  warp(sample: Float32Array, flip: boolean, angle: number, dx: number, dy: number, zoom: number): void {
    const { channels, height, width } = this.shape;
    const { channelStride, pixelStride } = this.strides;
    this.scratch.set(sample);
    const source = this.scratch;
    const cx = (width - 1) / 2;
    const cy = (height - 1) / 2;
    const cos = Math.cos(angle) / zoom;
    const sin = Math.sin(angle) / zoom;
    // The four neighbours' pixel indices (-1 outside the image) and bilinear weights of each output pixel.
    const corner = new Int32Array(4);
    const weight = new Float64Array(4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const ux = x - cx - dx;
        const uy = y - cy - dy;
        const rx = cos * ux + sin * uy;
        const sx = flip ? cx - rx : cx + rx;
        const sy = -sin * ux + cos * uy + cy;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        for (let k = 0; k < 4; k++) {
          const xx = x0 + (k & 1);
          const yy = y0 + (k >> 1);
          corner[k] = xx >= 0 && xx < width && yy >= 0 && yy < height ? yy * width + xx : -1;
          weight[k] = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);
        }
        const out = (y * width + x) * pixelStride;
        for (let c = 0; c < channels; c++) {
          const black = this.black(c);
          let value = 0;
          for (let k = 0; k < 4; k++) {
            if (weight[k] === 0) continue;
            value += weight[k] * (corner[k] < 0 ? black : source[c * channelStride + corner[k] * pixelStride]);
          }
          sample[c * channelStride + out] = value;
        }
      }
    }
  }

  /** Brightness multiplies the pixel values; contrast scales their distance from the sample's mean. */
  private color(sample: Float32Array, brightness: number, contrast: number): void {
    const { channels, height, width } = this.shape;
    const { channelStride, pixelStride } = this.strides;
    const [low, high] = this.bounds;
    const pixels = height * width;
    let sum = 0;
    for (let c = 0; c < channels; c++) for (let p = 0; p < pixels; p++) sum += sample[c * channelStride + p * pixelStride] * this.std[c] + this.mean[c];
    const average = (sum / sample.length) * brightness;
    for (let c = 0; c < channels; c++) {
      const mean = this.mean[c];
      const std = this.std[c];
      for (let p = 0; p < pixels; p++) {
        const at = c * channelStride + p * pixelStride;
        const adjusted = ((sample[at] * std + mean) * brightness - average) * contrast + average;
        sample[at] = (Math.min(high, Math.max(low, adjusted)) - mean) / std;
      }
    }
  }

  private noise(sample: Float32Array, strength: number, random: () => number): void {
    const { channels, height, width } = this.shape;
    const { channelStride, pixelStride } = this.strides;
    const [low, high] = this.bounds;
    const sigma = strength * (high - low);
    for (let c = 0; c < channels; c++) {
      const mean = this.mean[c];
      const std = this.std[c];
      for (let p = 0; p < height * width; p++) {
        const at = c * channelStride + p * pixelStride;
        const value = sample[at] * std + mean + sigma * gaussian(random);
        sample[at] = (Math.min(high, Math.max(low, value)) - mean) / std;
      }
    }
  }

  /** A black square of side strength × the smaller side, centered anywhere in the image (it may stick out). */
  private cutout(sample: Float32Array, strength: number, u: number, v: number): void {
    const { channels, height, width } = this.shape;
    const { channelStride, pixelStride } = this.strides;
    const side = Math.max(1, Math.round(strength * Math.min(height, width)));
    const top = Math.floor(v * height) - Math.floor(side / 2);
    const left = Math.floor(u * width) - Math.floor(side / 2);
    for (let y = Math.max(0, top); y < Math.min(height, top + side); y++) {
      for (let x = Math.max(0, left); x < Math.min(width, left + side); x++) {
        for (let c = 0; c < channels; c++) sample[c * channelStride + (y * width + x) * pixelStride] = this.black(c);
      }
    }
  }
}

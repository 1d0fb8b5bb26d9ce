import { decodeImage, loadSharp } from '../../images/decode';
import { channelCount, pixelsToTensor } from '../../images/tensor';
import type { Layout, Preprocessing } from '../../images/types';
import type { LabelledImage } from './folder';

/** One decoded sample's shape, in the model's layout. */
export interface SampleShape {
  layout: Layout;
  channels: number;
  height: number;
  width: number;
}

export interface SkippedImage {
  file: string;
  reason: string;
}

/** Labelled images as model input tensors, decoded with the model's preprocessing. */
export interface ImageSet {
  readonly shape: SampleShape;
  readonly files: string[];
  readonly labels: Int32Array;
  /** Multi-label data: each sample's classes as a multi-hot row of `classes` values. */
  readonly targets?: Float32Array;
  /** True when every sample is decoded in memory; false when samples are decoded per batch. */
  readonly cached: boolean;
  /** Writes the samples at `indices` one after the other into `out` (indices.length × sampleSize values). */
  gather(indices: ArrayLike<number>, out: Float32Array): Promise<void>;
}

export interface LoadOptions {
  /** Decoded tensors are kept in memory when they fit in this many bytes (default 1 GiB); otherwise decoded per batch. */
  budgetBytes?: number;
  onProgress?: (done: number, total: number) => void;
  /** Multi-label data: the class count of the multi-hot targets built from each sample's `labels`. */
  multiLabelClasses?: number;
}

export const DEFAULT_CACHE_BUDGET = 1024 ** 3;
const DECODE_CONCURRENCY = 4;

export function sampleShape(pre: Preprocessing): SampleShape {
  return { layout: pre.layout, channels: channelCount(pre), height: pre.size[0], width: pre.size[1] };
}

export function sampleSize(shape: SampleShape): number {
  return shape.channels * shape.height * shape.width;
}

/** Batch dims [N, C, H, W] or [N, H, W, C]. */
export function batchDims(shape: SampleShape, count: number): number[] {
  return shape.layout === 'nchw' ? [count, shape.channels, shape.height, shape.width] : [count, shape.height, shape.width, shape.channels];
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

async function forEachConcurrently<T>(items: T[], work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(DECODE_CONCURRENCY, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  });
  await Promise.all(lanes);
}

export async function decodeSample(file: string, pre: Preprocessing): Promise<Float32Array> {
  return pixelsToTensor(await decodeImage(file, pre), pre);
}

/** Multi-hot rows of the samples' classes. */
function multiHot(samples: LabelledImage[], classes: number): Float32Array {
  const targets = new Float32Array(samples.length * classes);
  samples.forEach((sample, i) => {
    for (const label of sample.labels ?? [sample.label]) targets[i * classes + label] = 1;
  });
  return targets;
}

class CachedImageSet implements ImageSet {
  readonly cached = true;
  constructor(readonly shape: SampleShape, readonly files: string[], readonly labels: Int32Array, private readonly data: Float32Array, readonly targets?: Float32Array) {}

  async gather(indices: ArrayLike<number>, out: Float32Array): Promise<void> {
    const size = sampleSize(this.shape);
    for (let i = 0; i < indices.length; i++) out.set(this.data.subarray(indices[i] * size, (indices[i] + 1) * size), i * size);
  }
}

class StreamedImageSet implements ImageSet {
  readonly cached = false;
  constructor(readonly shape: SampleShape, readonly files: string[], readonly labels: Int32Array, private readonly pre: Preprocessing, readonly targets?: Float32Array) {}

  async gather(indices: ArrayLike<number>, out: Float32Array): Promise<void> {
    const size = sampleSize(this.shape);
    await forEachConcurrently(Array.from(indices), async (sample, i) => {
      try {
        out.set(await decodeSample(this.files[sample], this.pre), i * size);
      } catch (error) {
        throw new Error(`${this.files[sample]}: ${reasonOf(error)}`);
      }
    });
  }
}

/**
 * Decodes labelled images once with the model's preprocessing. When all of them fit in the budget they are kept as one
 * Float32Array; otherwise each file's header is checked now and the pixels are decoded per batch.
 * Unreadable images are skipped and returned with the reason.
 */
export async function loadImages(samples: LabelledImage[], pre: Preprocessing, options: LoadOptions = {}): Promise<{ set: ImageSet; skipped: SkippedImage[] }> {
  const shape = sampleShape(pre);
  const size = sampleSize(shape);
  const budget = options.budgetBytes ?? DEFAULT_CACHE_BUDGET;
  const skipped: SkippedImage[] = [];
  const readable = new Array<boolean>(samples.length).fill(true);
  let done = 0;
  const progress = () => options.onProgress?.(++done, samples.length);
  const targetsOf = (kept: LabelledImage[]) => (options.multiLabelClasses ? multiHot(kept, options.multiLabelClasses) : undefined);

  if (samples.length * size * 4 <= budget) {
    const all = new Float32Array(samples.length * size);
    await forEachConcurrently(samples, async (sample, index) => {
      try {
        all.set(await decodeSample(sample.file, pre), index * size);
      } catch (error) {
        readable[index] = false;
        skipped.push({ file: sample.file, reason: reasonOf(error) });
      }
      progress();
    });
    const kept = samples.map((_, index) => index).filter((index) => readable[index]);
    const data = kept.length === samples.length ? all : new Float32Array(kept.length * size);
    if (data !== all) kept.forEach((from, to) => data.set(all.subarray(from * size, (from + 1) * size), to * size));
    const keptSamples = kept.map((i) => samples[i]);
    return { set: new CachedImageSet(shape, keptSamples.map((s) => s.file), Int32Array.from(keptSamples, (s) => s.label), data, targetsOf(keptSamples)), skipped: sortSkipped(skipped) };
  }

  const sharp = loadSharp();
  await forEachConcurrently(samples, async (sample, index) => {
    try {
      const meta = await sharp(sample.file).metadata();
      if (!meta.width || !meta.height) throw new Error('no image size in the header');
    } catch (error) {
      readable[index] = false;
      skipped.push({ file: sample.file, reason: reasonOf(error) });
    }
    progress();
  });
  const kept = samples.filter((_, index) => readable[index]);
  return { set: new StreamedImageSet(shape, kept.map((s) => s.file), Int32Array.from(kept, (s) => s.label), pre, targetsOf(kept)), skipped: sortSkipped(skipped) };
}

function sortSkipped(skipped: SkippedImage[]): SkippedImage[] {
  return skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/**
 * The preprocessing a model built from the data uses (the built-in CNN): the first readable image's size, grayscale
 * when the images sampled have one channel, pixels in [0, 1], NCHW. Overrides win field by field.
 */
export async function preprocessingFromData(files: string[], overrides: Partial<Preprocessing> = {}): Promise<Preprocessing> {
  const sharp = loadSharp();
  let size: [number, number] | undefined;
  let gray = true;
  for (const file of files.slice(0, 32)) {
    try {
      const meta = await sharp(file).metadata();
      if (!meta.width || !meta.height) continue;
      size ??= [meta.height, meta.width];
      if ((meta.channels ?? 3) > 2 && meta.space !== 'b-w') gray = false;
    } catch {
      // unreadable images are reported when the data is loaded
    }
  }
  if (!size) throw new Error(`none of the first ${Math.min(files.length, 32)} images of the data could be read`);
  const given = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)) as Partial<Preprocessing>;
  return {
    size, resize: 'stretch', channels: gray ? 'gray' : 'rgb', layout: 'nchw', range: '0-1', mean: [0], std: [1],
    source: `built from the data (${size[0]}×${size[1]}, ${gray ? 'grayscale' : 'RGB'})`,
    ...given,
  };
}

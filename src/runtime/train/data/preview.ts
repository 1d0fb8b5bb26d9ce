import { loadSharp } from '../../images/decode';
import { scaleFor } from '../../images/tensor';
import type { Preprocessing } from '../../images/types';
import { seededRandom } from '../../random';
import type { Augmenter } from './augment';
import { sampleSize, type ImageSet } from './images';

export interface PreviewOptions {
  /** How many samples (default 16), each shown augmented. */
  count?: number;
  columns?: number;
  seed?: number;
  /** Smallest tile side in pixels; small images are enlarged (nearest neighbour) to it. */
  minTile?: number;
}

/** A PNG grid of augmented training samples, as the model sees them (mean/std undone, RGB). */
export async function renderAugmentationPreview(set: ImageSet, augmenter: Augmenter, pre: Preprocessing, options: PreviewOptions = {}): Promise<Buffer> {
  const random = seededRandom(options.seed ?? 0);
  const count = Math.min(options.count ?? 16, set.files.length);
  if (count === 0) throw new Error('there are no training images to preview');
  const columns = Math.min(options.columns ?? Math.ceil(Math.sqrt(count)), count);
  const rows = Math.ceil(count / columns);
  const { channels, height, width, layout } = set.shape;
  const indices = Array.from({ length: count }, () => Math.floor(random() * set.files.length));
  const batch = new Float32Array(count * sampleSize(set.shape));
  await set.gather(indices, batch);
  augmenter.apply(batch, count, random);

  const gap = 2;
  const gridWidth = columns * width + (columns - 1) * gap;
  const gridHeight = rows * height + (rows - 1) * gap;
  const grid = new Uint8Array(gridWidth * gridHeight * 3).fill(128);
  const { scale, offset } = scaleFor(pre.range);
  const mean = (c: number) => pre.mean[pre.mean.length === 1 ? 0 : c];
  const std = (c: number) => pre.std[pre.std.length === 1 ? 0 : c];
  const size = sampleSize(set.shape);
  for (let n = 0; n < count; n++) {
    const left = (n % columns) * (width + gap);
    const top = Math.floor(n / columns) * (height + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let k = 0; k < 3; k++) {
          const c = channels === 1 ? 0 : pre.channels === 'bgr' ? 2 - k : k;
          const at = n * size + (layout === 'nchw' ? (c * height + y) * width + x : (y * width + x) * channels + c);
          const pixel = ((batch[at] * std(c) + mean(c)) - offset) / scale;
          grid[((top + y) * gridWidth + left + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(pixel)));
        }
      }
    }
  }
  const zoom = Math.max(1, Math.ceil((options.minTile ?? 64) / Math.min(height, width)));
  return loadSharp()(Buffer.from(grid.buffer), { raw: { width: gridWidth, height: gridHeight, channels: 3 } })
    .resize(gridWidth * zoom, gridHeight * zoom, { kernel: 'nearest' })
    .png()
    .toBuffer();
}

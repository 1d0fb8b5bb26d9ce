import { inputGeometry } from '../tensor-math';
import type { AttributionMethod } from './types';

const WINDOWS_PER_CALL = 64;

/** Window and stride of occlusion as fractions of the input side: 1/7 and half a window (32 and 16 px at 224). */
export function occlusionWindows(height: number, width: number): { window: number; stride: number; boxes: [number, number][] } {
  const window = Math.max(1, Math.round(Math.min(height, width) / 7));
  const stride = Math.max(1, Math.round(window / 2));
  const starts = (size: number) => {
    const list: number[] = [];
    for (let start = 0; start + window < size + stride; start += stride) list.push(Math.min(start, size - window));
    return [...new Set(list)];
  };
  const boxes: [number, number][] = [];
  for (const top of starts(height)) for (const left of starts(width)) boxes.push([top, left]);
  return { window, stride, boxes };
}

/** The input with a window set to 0 (the model-input zero: the mean color under mean/std normalization). */
export function occlude(input: Float32Array, dims: readonly number[], layout: 'nchw' | 'nhwc', top: number, left: number, window: number): Float32Array {
  const [height, width, channels] = inputGeometry(dims, layout);
  const out = new Float32Array(input);
  for (let y = top; y < top + window && y < height; y++) {
    for (let x = left; x < left + window && x < width; x++) {
      for (let k = 0; k < channels; k++) out[layout === 'nchw' ? (k * height + y) * width + x : (y * width + x) * channels + k] = 0;
    }
  }
  return out;
}

/** Occlusion sensitivity (Zeiler & Fergus 2014): per pixel, the mean drop of the class score over the windows that cover it. */
export const occlusion: AttributionMethod = {
  name: 'occlusion',
  label: 'Occlusion sensitivity',
  resolution: 'input',
  gradients: false,
  async compute(context) {
    const [height, width] = inputGeometry(context.inputDims, context.layout);
    const { window, boxes } = occlusionWindows(height, width);
    const [base] = await context.scores([context.input]);
    const drop = new Float64Array(height * width);
    const covered = new Float64Array(height * width);
    // Windows are scored WINDOWS_PER_CALL at a time, so the model can run them in batches.
    for (let start = 0; start < boxes.length; start += WINDOWS_PER_CALL) {
      const chunk = boxes.slice(start, start + WINDOWS_PER_CALL);
      const scores = await context.scores(chunk.map(([top, left]) => occlude(context.input, context.inputDims, context.layout, top, left, window)));
      chunk.forEach(([top, left], index) => {
        for (let y = top; y < top + window; y++) {
          for (let x = left; x < left + window; x++) {
            drop[y * width + x] += base - scores[index];
            covered[y * width + x] += 1;
          }
        }
      });
    }
    return { data: Float32Array.from(drop, (value, i) => (covered[i] ? value / covered[i] : 0)), size: [height, width] };
  },
};

import type { Pixels } from './decode';
import type { Preprocessing, ValueRange } from './types';

/** Pixel value p (0-255) becomes p · scale + offset in the range's units. */
export function scaleFor(range: ValueRange): { scale: number; offset: number } {
  switch (range) {
    case '0-1': return { scale: 1 / 255, offset: 0 };
    case '0-255': return { scale: 1, offset: 0 };
    case '-1-1': return { scale: 1 / 127.5, offset: -1 };
  }
}

export function channelCount(pre: Pick<Preprocessing, 'channels'>): 1 | 3 {
  return pre.channels === 'gray' ? 1 : 3;
}

/** The model input dims [1, C, H, W] or [1, H, W, C]. */
export function inputDims(pre: Preprocessing): number[] {
  const [h, w] = pre.size;
  const c = channelCount(pre);
  return pre.layout === 'nchw' ? [1, c, h, w] : [1, h, w, c];
}

/** Turns decoded pixels into a float tensor: range scaling, then (x - mean) / std per channel, in the chosen order and layout. */
export function pixelsToTensor(pixels: Pixels, pre: Preprocessing): Float32Array {
  const c = channelCount(pre);
  if (pixels.channels !== c) throw new Error(`pixels have ${pixels.channels} channels, preprocessing wants ${c}`);
  const { width, height, data } = pixels;
  const { scale, offset } = scaleFor(pre.range);
  const perChannel = (values: number[], name: string) => {
    if (values.length !== 1 && values.length !== c) throw new Error(`${name} needs 1 or ${c} values, got ${values.length}`);
    return Array.from({ length: c }, (_, i) => values[values.length === 1 ? 0 : i]);
  };
  const mean = perChannel(pre.mean, 'mean');
  const std = perChannel(pre.std, 'std');
  const out = new Float32Array(width * height * c);
  const plane = width * height;
  for (let p = 0; p < plane; p++) {
    for (let k = 0; k < c; k++) {
      // mean/std are given in the model's channel order; pixels are RGB.
      const source = pre.channels === 'bgr' ? 2 - k : k;
      const value = (data[p * c + source] * scale + offset - mean[k]) / std[k];
      out[pre.layout === 'nchw' ? k * plane + p : p * c + k] = value;
    }
  }
  return out;
}

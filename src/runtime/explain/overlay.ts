import { decodeImage, type Pixels } from '../images/decode';
import type { Preprocessing } from '../images/types';
import { encodePng } from '../predict/png';
import { colormap, type ColormapName } from './colormap';
import { displayHeat, type FloatMap } from './tensor-math';

export interface OverlayOptions {
  opacity?: number;
  colormap?: ColormapName;
}

/** Blends a colored heatmap over the picture. */
export function blendHeatmap(picture: Pixels, heat: Float32Array, options: OverlayOptions = {}): Pixels {
  const opacity = options.opacity ?? 0.5;
  const color = colormap(options.colormap ?? 'jet');
  const data = new Uint8Array(picture.width * picture.height * 3);
  for (let p = 0; p < heat.length; p++) {
    const tint = color(heat[p]);
    for (let k = 0; k < 3; k++) {
      const base = picture.data[p * picture.channels + (picture.channels === 1 ? 0 : k)];
      data[p * 3 + k] = Math.round((1 - opacity) * base + opacity * tint[k]);
    }
  }
  return { data, width: picture.width, height: picture.height, channels: 3 };
}

/** The image as the model saw it (same resize), with the map of `method` over it, as PNG. */
export async function renderOverlay(image: string | Buffer, pre: Preprocessing, cam: FloatMap, method: string, options: OverlayOptions = {}): Promise<Buffer> {
  const picture = await decodeImage(image, { size: pre.size, resize: pre.resize, channels: 'rgb' });
  return encodePng(blendHeatmap(picture, displayHeat(cam, pre.size, method), options));
}

import { decodeImage, type Pixels } from '../images/decode';
import type { Preprocessing } from '../images/types';
import { encodePng } from '../predict/png';
import { colormap, type ColormapName } from './colormap';
import { displayHeat, resizeBilinear, type FloatMap } from './tensor-math';

export interface OverlayOptions {
  opacity?: number;
  colormap?: ColormapName;
  /** A map at the input's resolution (saliency, Integrated Gradients…): drawn as absolute values, outliers clipped. */
  pixelAttribution?: boolean;
}

/** The map upsampled (bilinear) to [height, width] and scaled to [0, 1] (see displayHeat). */
export function heatmapAt(cam: FloatMap, size: [number, number], pixelAttribution = false): Float32Array {
  return displayHeat(resizeBilinear(cam.data, cam.size, size), pixelAttribution);
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

/** The image as the model saw it (same resize), with the map over it, as PNG. */
export async function renderOverlay(image: string | Buffer, pre: Preprocessing, cam: FloatMap, options: OverlayOptions = {}): Promise<Buffer> {
  const picture = await decodeImage(image, { size: pre.size, resize: pre.resize, channels: 'rgb' });
  return encodePng(blendHeatmap(picture, heatmapAt(cam, pre.size, options.pixelAttribution), options));
}

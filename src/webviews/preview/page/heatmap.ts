import { colormap, type ColormapName } from '../../../runtime/explain/colormap';
import { displayHeat } from '../../../runtime/explain/tensor-math';

/** The cam upsampled (bilinear) to the picture and scaled to [0, 1] as its method's maps are read: once per explanation. */
export function normalizedHeat(cam: { size: [number, number]; values: number[] }, width: number, height: number, method: string): Float32Array {
  return displayHeat({ data: cam.values, size: cam.size }, [height, width], method);
}

/** Writes picture ⊕ colored heat into `target` (RGBA, same size): (1 − opacity)·picture + opacity·color. */
export function blendInto(target: Uint8ClampedArray, picture: Uint8ClampedArray, heat: Float32Array, opacity: number, name: ColormapName): void {
  const color = colormap(name);
  for (let p = 0; p < heat.length; p++) {
    const tint = color(heat[p]);
    for (let k = 0; k < 3; k++) target[p * 4 + k] = (1 - opacity) * picture[p * 4 + k] + opacity * tint[k];
    target[p * 4 + 3] = 255;
  }
}

export function loadImage(src: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error('the picture could not be decoded'));
    image.src = src;
  });
}

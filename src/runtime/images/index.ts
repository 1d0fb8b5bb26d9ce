export * from './types';
export * from './presets';
export * from './decode';
export * from './tensor';
export * from './model-input';
export * from './guess';
export * from './sidecar';
export * from './resolve';

import { decodeImage } from './decode';
import { inputDims, pixelsToTensor } from './tensor';
import type { Preprocessing } from './types';

/** Decodes an image file (or bytes) into the model input tensor described by `pre`. */
export async function imageToTensor(source: string | Buffer, pre: Preprocessing): Promise<{ data: Float32Array; dims: number[] }> {
  const pixels = await decodeImage(source, pre);
  return { data: pixelsToTensor(pixels, pre), dims: inputDims(pre) };
}
export * from './flags';

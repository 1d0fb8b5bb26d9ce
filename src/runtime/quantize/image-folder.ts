import { decodeImage } from '../images/decode';
import { listFolderImages, type FolderImage } from '../images/folder';
import { inputDims, pixelsToTensor } from '../images/tensor';
import type { Preprocessing } from '../images/types';
import { QuantizeError } from './graph-edit';

export type { FolderImage };

export interface ImageFolder {
  images: FolderImage[];
  /** Class subfolder names in order (empty for a flat folder). */
  classes: string[];
}

/**
 * The images of a folder (flat, or one subfolder per class), with classes interleaved (one image of each class in
 * turn) so that the first N images of a long folder cover every class.
 */
export function listImageFolder(folder: string): ImageFolder {
  let listed: FolderImage[];
  try {
    listed = listFolderImages(folder);
  } catch (error) {
    throw new QuantizeError((error as Error).message);
  }
  const byClass = new Map<string | undefined, FolderImage[]>();
  for (const image of listed) {
    const group = byClass.get(image.label);
    if (group) group.push(image);
    else byClass.set(image.label, [image]);
  }
  const groups = [...byClass.values()];
  const images: FolderImage[] = [];
  for (let i = 0; images.length < listed.length; i++) for (const group of groups) if (i < group.length) images.push(group[i]);
  return { images, classes: [...byClass.keys()].filter((label): label is string => label !== undefined) };
}

export interface PreparedImage extends FolderImage {
  input: { data: Float32Array; dims: number[] };
}

export interface SkippedImage { file: string; reason: string }

/**
 * Decodes and preprocesses images one at a time, exactly as the Preview panel does; images the decoder rejects are
 * skipped and reported through `onSkip`. Stops after `limit` usable images.
 */
export async function* preprocessedImages(images: FolderImage[], pre: Preprocessing, limit: number, onSkip: (skipped: SkippedImage) => void, signal?: AbortSignal): AsyncGenerator<PreparedImage> {
  let produced = 0;
  for (const image of images) {
    if (produced >= limit) return;
    if (signal?.aborted) throw new QuantizeError('cancelled');
    let data: Float32Array;
    try {
      data = pixelsToTensor(await decodeImage(image.file, pre), pre);
    } catch (error) {
      onSkip({ file: image.file, reason: (error as Error).message });
      continue;
    }
    produced++;
    yield { ...image, input: { data, dims: inputDims(pre) } };
  }
}

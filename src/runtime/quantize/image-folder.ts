import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeImage } from '../images/decode';
import { inputDims, pixelsToTensor } from '../images/tensor';
import type { Preprocessing } from '../images/types';
import { QuantizeError } from './graph-edit';

const IMAGE_FILE = /\.(png|jpe?g|webp|gif|tiff?|avif)$/i;

export interface FolderImage {
  file: string;
  /** The class subfolder's name, when the folder has one subfolder per class. */
  className?: string;
}

export interface ImageFolder {
  images: FolderImage[];
  /** Class subfolder names in order (empty for a flat folder). */
  classes: string[];
}

const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/**
 * The images of a folder: its own image files, or one subfolder per class. Classes are interleaved (one image of
 * each class in turn), so that the first N images of a long folder cover every class.
 */
export function listImageFolder(folder: string): ImageFolder {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch (error) {
    throw new QuantizeError(`cannot read the image folder ${folder} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const flat = entries.filter((entry) => entry.isFile() && IMAGE_FILE.test(entry.name)).map((entry) => entry.name).sort(byName);
  const subfolders = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name).sort(byName);
  const perClass = subfolders
    .map((name) => ({ name, files: fs.readdirSync(path.join(folder, name)).filter((file) => IMAGE_FILE.test(file)).sort(byName) }))
    .filter((entry) => entry.files.length > 0);
  if (flat.length === 0 && perClass.length === 0) {
    throw new QuantizeError(`${folder} holds no images (.png, .jpg, .webp, .gif, .tiff, .avif), neither directly nor in class subfolders`);
  }
  if (perClass.length === 0) return { images: flat.map((name) => ({ file: path.join(folder, name) })), classes: [] };
  const images: FolderImage[] = [];
  const longest = Math.max(...perClass.map((entry) => entry.files.length));
  for (let i = 0; i < longest; i++) {
    for (const entry of perClass) if (i < entry.files.length) images.push({ file: path.join(folder, entry.name, entry.files[i]), className: entry.name });
  }
  return { images, classes: perClass.map((entry) => entry.name) };
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

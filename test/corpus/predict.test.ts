import * as assert from 'node:assert/strict';
import { applyPreset, decodeImage, guessPreprocessing, pixelsToTensor } from '../../src/runtime/images';
import { Predictor } from '../../src/runtime/predict/predictor';
import { readTfjsArtifacts } from '../../src/runtime/predict/tfjs-model';
import { loadSharp } from '../../src/runtime/images/decode';
import * as fs from 'node:fs';
import { createSession, runSession } from '../../src/runtime/onnx/session';
import { sharedImage, sharedModel } from '../unit/helpers/shared';
import { corpus, corpusAvailable, corpusFile } from './corpus';
import { recordResult } from './results';
import { tfjs } from './tfjs-profile';

const byId = (id: string) => corpus.find((m) => m.id === id)!;
const dummyFacts = { name: 'x', dtype: 'float32', dims: [1, 48, 48, 3], producer: '', irVersion: 0, opset: null, metadata: {} };

describe('corpus: predict', function () {
  this.timeout(180_000);

  it('an int32-input pose model (MoveNet) gets raw 0-255 pixels, and its outputs equal tfjs run on them directly', async function () {
    const model = byId('movenet');
    if (!corpusAvailable(model)) this.skip();
    const file = corpusFile(model);
    const predictor = await Predictor.open(file);
    try {
      assert.equal(predictor.facts.dtype, 'int32');
      assert.deepEqual([predictor.preprocessing.range, predictor.preprocessing.mean, predictor.preprocessing.std], ['0-255', [0], [1]]);
      const image = sharedImage('cat.jpg');
      const input = pixelsToTensor(await decodeImage(image, predictor.preprocessing), predictor.preprocessing);
      assert.ok(input.every((v) => Number.isInteger(v) && v >= 0 && v <= 255), 'values an int32 input holds');
      assert.ok(Math.max(...input) > 100, 'a real picture, not a near-blank one');
      const { outputs } = await predictor.forward(image);

      const tf = await tfjs();
      const graph = await tf.loadGraphModel({ load: async () => readTfjsArtifacts(file) });
      const direct = graph.execute(tf.tensor(Int32Array.from(input), [1, 192, 192, 3], 'int32')) as import('@tensorflow/tfjs').Tensor;
      const expected = await direct.data();
      tf.dispose(direct);
      graph.dispose();
      assert.deepEqual([...outputs[0].values], [...expected]);
    } finally {
      await predictor.release();
    }
  });

  it('a channels-first tfjs layers model (MNIST weights) reads NCHW input, and its outputs equal the ONNX original run in onnxruntime', async function () {
    const model = byId('mnist-nchw');
    if (!corpusAvailable(model)) this.skip();
    const predictor = await Predictor.open(corpusFile(model));
    const session = await createSession(fs.readFileSync(sharedModel('mnist.onnx')));
    try {
      assert.deepEqual(predictor.facts.dims, [null, 1, 28, 28]);
      assert.equal(predictor.preprocessing.layout, 'nchw');
      const image = sharedImage('mnist_28.png');
      const input = pixelsToTensor(await decodeImage(image, predictor.preprocessing), predictor.preprocessing);
      const { outputs } = await predictor.forward(image);
      const expected = (await runSession(session, { Input3: { data: input, dims: [1, 1, 28, 28] } })).Plus214_Output_0.data as Float32Array;
      assert.equal(outputs[0].values.length, 10);
      const scale = Math.max(...expected.map(Math.abs));
      expected.forEach((value, k) => assert.ok(Math.abs(outputs[0].values[k] - value) <= 1e-4 * scale, `logit ${k}: ${outputs[0].values[k]} vs onnxruntime ${value}`));
      assert.equal(expected.indexOf(Math.max(...expected)), 8, 'the digit in the picture');
    } finally {
      await session.release();
      await predictor.release();
    }
  });

  // The ESRGAN model is close to linear in its input's scale: fed [0, 1] it answers in [0, 1] (overshooting a little),
  // fed 0-255 it answers in 0-255. Either way the PNG must show the picture.
  for (const [preset, range] of [['unit', '0-1'], ['raw', '0-255']] as const) {
    it(`a super-resolution model's RGB output in ${range} is written as a visible PNG (the input's brightness)`, async function () {
      const model = byId('esrgan-x2');
      if (!corpusAvailable(model)) this.skip();
      const predictor = await Predictor.open(corpusFile(model), { renderImages: true, overrides: applyPreset(guessPreprocessing(dummyFacts), preset) });
      try {
        const image = sharedImage('kitten_224.png');
        const output = (await predictor.predict(image)).outputs[0];
        assert.equal(output.kind, 'image');
        if (output.kind !== 'image') return;
        assert.deepEqual(output.dims, [1, 96, 96, 3]);
        assert.equal(output.range, range);
        const written = await loadSharp()(output.png!).raw().toBuffer();
        const source = await decodeImage(image, { size: [96, 96], resize: predictor.preprocessing.resize, channels: 'rgb' });
        const mean = (data: ArrayLike<number>) => Array.from(data).reduce((s, v) => s + v, 0) / data.length;
        assert.ok(Math.abs(mean(written) - mean(source.data)) < 0.1 * mean(source.data), `PNG mean ${mean(written)}, picture mean ${mean(source.data)}`);
      } finally {
        await predictor.release();
      }
    });
  }

  for (const model of corpus) {
    it(`${model.id}: predicts on a photo with the guessed preprocessing (inputs its dtype holds)`, async function () {
      if (!corpusAvailable(model)) this.skip();
      const predictor = await Predictor.open(corpusFile(model), { overrides: model.kind === 'super-resolution' ? { size: [48, 48] } : {} });
      try {
        const prediction = await predictor.predict(sharedImage('cat.jpg'));
        assert.ok(prediction.outputs.length > 0);
        for (const output of prediction.outputs) assert.ok(output.dims.length > 0);
        if (/int/.test(predictor.facts.dtype)) assert.equal(predictor.preprocessing.range, '0-255');
        recordResult(model.id, { predict: `ok: ${[...new Set(prediction.outputs.map((o) => o.kind))].join(', ')}` });
      } catch (error) {
        recordResult(model.id, { predict: `failed: ${(error as Error).message.slice(0, 60)}` });
        throw error;
      } finally {
        await predictor.release();
      }
    });
  }
});

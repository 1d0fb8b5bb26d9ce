import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import { predictVerb } from '../../../src/runtime/cli/verbs/predict';
import { imageToTensor } from '../../../src/runtime/images';
import { runPreviewRequest, type ExplainResponse, type PredictResponse } from '../../../src/runtime/preview/jobs';
import { Predictor } from '../../../src/runtime/predict';
import { readTfjsArtifacts } from '../../../src/runtime/predict/tfjs-model';
import { initTfjsBackend, loadTfjs } from '../../../src/runtime/tfjs/backend';
import { writeNsfwjsModelJson } from '../../fixtures/models/nsfwjs';
import { writeTinyGraphModel } from '../../fixtures/models/tiny-graph-model';
import { sharedImage } from '../helpers/shared';

const tf = loadTfjs();

const NSFWJS_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

async function captureStdout(run: () => Promise<number>): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(' '));
  try {
    return { code: await run(), text: lines.join('\n') };
  } finally {
    console.log = original;
  }
}

/** The model's output computed by tfjs directly on the same preprocessed image, for comparison. */
async function directOutput(model: Tf.LayersModel | Tf.GraphModel, input: { data: Float32Array; dims: number[] }): Promise<Float32Array> {
  const tensor = tf.tensor(input.data, input.dims);
  const output = (model instanceof tf.GraphModel ? model.execute(tensor) : model.predict(tensor)) as Tf.Tensor;
  const values = Float32Array.from(await output.data());
  tf.dispose([tensor, output]);
  return values;
}

describe('predict: TensorFlow.js models through the Predictor', function () {
  this.timeout(120000);
  const image = sharedImage('kitten_224.png');
  let nsfwjs: { dir: string; modelJson: string };
  let graphModelJson: string;
  before(() => {
    nsfwjs = writeNsfwjsModelJson();
    fs.writeFileSync(path.join(nsfwjs.dir, 'labels.txt'), `${NSFWJS_CLASSES.join('\n')}\n`);
    graphModelJson = writeTinyGraphModel();
  });
  after(() => {
    fs.rmSync(nsfwjs.dir, { recursive: true, force: true });
    fs.rmSync(path.dirname(graphModelJson), { recursive: true, force: true });
  });

  it('nsfwjs MobileNetV2 (layers model): a 5-way distribution with labels equal to tf.loadLayersModel on the same input', async () => {
    const predictor = await Predictor.open(nsfwjs.modelJson, { top: 5 });
    try {
      const { backend } = await initTfjsBackend();
      assert.equal(predictor.provider, `tfjs ${backend}`);
      assert.deepEqual(predictor.facts.dims, [null, 224, 224, 3]);
      assert.equal(predictor.preprocessing.layout, 'nhwc');
      assert.deepEqual(predictor.preprocessing.size, [224, 224]);
      const prediction = await predictor.predict(image);
      assert.equal(prediction.outputs.length, 1);
      const output = prediction.outputs[0];
      assert.equal(output.kind, 'classification');
      if (output.kind !== 'classification') return;
      assert.equal(output.classCount, 5);
      assert.equal(output.softmaxApplied, false, 'the model ends in softmax');
      assert.ok(Math.abs(output.top.reduce((sum, entry) => sum + entry.probability, 0) - 1) < 1e-4);
      assert.deepEqual(output.top.map((entry) => entry.label).sort(), [...NSFWJS_CLASSES].sort());

      const model = await tf.loadLayersModel({ load: async () => readTfjsArtifacts(nsfwjs.modelJson) });
      const expected = await directOutput(model, await imageToTensor(image, predictor.preprocessing));
      model.dispose();
      for (const entry of output.top) {
        assert.equal(entry.label, NSFWJS_CLASSES[entry.index]);
        assert.ok(Math.abs(entry.probability - expected[entry.index]) < 1e-5, `${entry.label}: ${entry.probability} vs ${expected[entry.index]}`);
      }
      console.log(`      kitten_224.png on nsfwjs (${predictor.provider}, ${prediction.latencyMs.toFixed(1)} ms): ${output.top.map((entry) => `${entry.label} ${(entry.probability * 100).toFixed(1)}%`).join(', ')}`);
    } finally {
      await predictor.release();
    }
  });

  it('a tfjs graph model (Conv2D, depthwise, MatMul, Softmax): input shape gives the preprocessing, output equals tf.loadGraphModel', async () => {
    const predictor = await Predictor.open(graphModelJson);
    try {
      assert.deepEqual(predictor.preprocessing.size, [8, 8]);
      assert.equal(predictor.preprocessing.layout, 'nhwc');
      const output = (await predictor.predict(image)).outputs[0];
      assert.equal(output.kind, 'classification');
      if (output.kind !== 'classification') return;
      assert.equal(output.classCount, 10);
      const model = await tf.loadGraphModel({ load: async () => readTfjsArtifacts(graphModelJson) });
      const expected = await directOutput(model, await imageToTensor(image, predictor.preprocessing));
      model.dispose();
      const order = Array.from(expected.keys()).sort((a, b) => expected[b] - expected[a]);
      assert.deepEqual(output.top.map((entry) => entry.index), order.slice(0, 5));
      for (const entry of output.top) assert.ok(Math.abs(entry.probability - expected[entry.index]) < 1e-5);
    } finally {
      await predictor.release();
    }
  });

  it('the predict verb and the preview panel job accept model.json', async () => {
    const { code, text } = await captureStdout(() => predictVerb([nsfwjs.modelJson, image, '--top', '3', '--json']));
    assert.equal(code, 0);
    const report = JSON.parse(text);
    assert.match(report.provider, /^tfjs /);
    assert.equal(report.labels, path.join(nsfwjs.dir, 'labels.txt'));
    assert.equal(report.results[0].outputs[0].top.length, 3);
    const panel = (await runPreviewRequest({ action: 'predict', model: nsfwjs.modelJson, images: [image], top: 5 })) as PredictResponse;
    assert.equal(panel.results[0].error, undefined);
    assert.equal(panel.results[0].outputs[0].kind, 'classification');
    assert.equal(report.results[0].outputs[0].top[0].label, (panel.results[0].outputs[0] as { top: { label: string }[] }).top[0].label);
    assert.ok(panel.results[0].picture.length > 0);
  });

  it('the preview panel job explains a tfjs model, with the class named by its label', async () => {
    const predicted = (await runPreviewRequest({ action: 'predict', model: nsfwjs.modelJson, images: [image], top: 5 })) as PredictResponse;
    const drawing = (predicted.results[0].outputs[0] as { top: { label: string; probability: number }[] }).top.find((entry) => entry.label === 'Drawing')!;
    const response = (await runPreviewRequest({ action: 'explain', model: nsfwjs.modelJson, image, method: 'gradcam', targetClass: 'Drawing' })) as ExplainResponse;
    assert.equal(response.targetClass, NSFWJS_CLASSES.indexOf('Drawing'));
    assert.equal(response.label, 'Drawing');
    assert.deepEqual(response.layer, { tensor: 'out_relu', node: 'out_relu', dims: [1, 7, 7, 1280] });
    assert.deepEqual(response.cam.size, [7, 7]);
    assert.equal(response.cam.values.length, 49);
    assert.ok(Math.abs(response.probability - drawing.probability) < 1e-5);
    assert.ok(response.picture.length > 0);
    await assert.rejects(runPreviewRequest({ action: 'explain', model: nsfwjs.modelJson, image, method: 'gradcam', targetClass: 'Cat' }), /Cat/);
  });
});

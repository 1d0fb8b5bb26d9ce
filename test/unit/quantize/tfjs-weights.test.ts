import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import { imageToTensor } from '../../../src/runtime/images';
import { Predictor } from '../../../src/runtime/predict';
import { runQuantize } from '../../../src/runtime/quantize';
import { affineQuantize, quantizeTfjsModel } from '../../../src/runtime/quantize/tfjs-weights';
import type { QuantizeReport, TfjsWeightDtype } from '../../../src/runtime/quantize/types';
import { initTfjsBackend } from '../../../src/runtime/tfjs/backend';
import { writeNsfwjsModelJson } from '../../fixtures/models/nsfwjs';
import { writeTinyGraphModel } from '../../fixtures/models/tiny-graph-model';
import { sharedImagesDir } from '../helpers/shared';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tf = require('@tensorflow/tfjs') as typeof Tf;

interface Manifest { weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string; quantization?: { dtype: string; min?: number; scale?: number } }[] }[]; modelTopology: unknown; format?: string }

/** What tfjs's own loader gets from a folder: model.json and its shards read here, independently of the project's reader. */
function loadArtifacts(modelJson: string): Tf.io.ModelArtifacts {
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8')) as Manifest;
  const shards = json.weightsManifest.flatMap((group) => group.paths.map((p) => fs.readFileSync(path.join(path.dirname(modelJson), p))));
  const data = Buffer.concat(shards);
  return {
    modelTopology: json.modelTopology as Tf.io.ModelArtifacts['modelTopology'],
    format: json.format,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights) as Tf.io.WeightsManifestEntry[],
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer,
  };
}

function weightBytes(modelJson: string): number {
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8')) as Manifest;
  return json.weightsManifest.flatMap((g) => g.paths).reduce((sum, p) => sum + fs.statSync(path.join(path.dirname(modelJson), p)).size, 0);
}

/** Every variable of a layers model by name, as float32 values. */
function variables(model: Tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
}

describe('quantize: TensorFlow.js weight quantization in tfjs-converter\'s manifest format', function () {
  this.timeout(300000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-quant-'));
  const evalDir = path.join(tmp, 'eval');
  let nsfwjs: { dir: string; modelJson: string };
  before(async () => {
    await initTfjsBackend();
    nsfwjs = writeNsfwjsModelJson();
    fs.mkdirSync(evalDir);
    const sampleImages = path.resolve(__dirname, '../../../sample-workspace/images');
    for (const [dir, prefix] of [[sharedImagesDir, 'shared'], [sampleImages, 'sample']]) {
      for (const name of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, name), path.join(evalDir, `${prefix}-${name}`));
    }
  });
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(nsfwjs.dir, { recursive: true, force: true });
  });

  it('affine quantization follows tfjs-converter: the documented example, the nudged zero, a constant tensor', () => {
    // quantization.py's own docstring: [0, -0.1, 1.2] → [20, 0, 255], min -0.10196078817, scale 0.00509803940852.
    const example = affineQuantize(Float32Array.from([0, -0.1, 1.2]), 'uint8');
    assert.deepEqual(Array.from(example.data), [20, 0, 255]);
    assert.ok(Math.abs(example.min - -0.10196078817) < 1e-9, String(example.min));
    assert.ok(Math.abs(example.scale - 0.00509803940852) < 1e-12, String(example.scale));
    assert.equal(example.data[0] * example.scale + example.min, 0, 'zero is exact after the nudge');
    const positive = affineQuantize(Float32Array.from([1, 2, 3]), 'uint16');
    assert.equal(positive.min, 1, 'a range without 0 is not nudged');
    assert.deepEqual(Array.from(positive.data), [0, 32768, 65535].map((v, i) => (i === 1 ? Math.round((2 - 1) / positive.scale) : v)));
    const constant = affineQuantize(Float32Array.from([0.5, 0.5]), 'uint8');
    assert.deepEqual([Array.from(constant.data), constant.min, constant.scale], [[0, 0], 0.5, 1]);
  });

  for (const dtype of ['uint8', 'uint16', 'float16'] as TfjsWeightDtype[]) {
    it(`nsfwjs MobileNetV2 at ${dtype}: loads with tf.loadLayersModel, weights within half a step, same top-1 on the sample images`, async () => {
      const out = path.join(tmp, `nsfwjs-${dtype}`, 'model.json');
      const events: string[] = [];
      const report: QuantizeReport = await quantizeTfjsModel({ model: nsfwjs.modelJson, mode: 'static', tfjsDtype: dtype, out, evaluation: evalDir }, (event) => events.push(event.type === 'stage' ? event.stage : 'progress'));
      assert.equal(report.output, out);
      assert.deepEqual(events.filter((e) => e !== 'progress'), ['prepare', 'quantize', 'write', 'evaluate']);
      const json = JSON.parse(fs.readFileSync(out, 'utf8')) as Manifest;
      const original = JSON.parse(fs.readFileSync(nsfwjs.modelJson, 'utf8')) as Manifest;
      assert.deepEqual(json.modelTopology, original.modelTopology, 'topology untouched');
      const specs = json.weightsManifest.flatMap((g) => g.weights);
      assert.equal(report.nodes.quantized, specs.length);
      for (const spec of specs) {
        assert.equal(spec.dtype, 'float32');
        assert.equal(spec.quantization?.dtype, dtype);
        if (dtype !== 'float16') assert.ok(Number.isFinite(spec.quantization?.min) && spec.quantization!.scale! > 0, spec.name);
      }
      const perElement = dtype === 'uint16' ? 2 : dtype === 'float16' ? 2 : 1;
      const count = specs.reduce((sum, s) => sum + s.shape.reduce((p, d) => p * d, 1), 0);
      assert.equal(weightBytes(out), count * perElement);
      assert.equal(report.quantized.bytes, fs.statSync(out).size + weightBytes(out));

      const floatModel = await tf.loadLayersModel({ load: async () => loadArtifacts(nsfwjs.modelJson) });
      const quantModel = await tf.loadLayersModel({ load: async () => loadArtifacts(out) });
      const floatWeights = variables(floatModel);
      const steps = new Map(specs.map((s) => [s.name, s.quantization?.scale ?? 0]));
      let worst = 0;
      for (const [name, values] of variables(quantModel)) {
        const reference = floatWeights.get(name)!;
        for (let i = 0; i < values.length; i++) {
          const error = Math.abs(values[i] - reference[i]);
          const bound = dtype === 'float16' ? Math.abs(reference[i]) * 2 ** -11 + 6e-8 : steps.get(name)! * 0.5 * (1 + 1e-4) + 1e-7;
          if (error > bound) assert.fail(`${name}[${i}]: ${values[i]} vs ${reference[i]} (bound ${bound})`);
          worst = Math.max(worst, error);
        }
      }
      const images = fs.readdirSync(evalDir);
      const predictor = await Predictor.open(nsfwjs.modelJson);
      const tops: string[] = [];
      for (const name of images) {
        const input = await imageToTensor(path.join(evalDir, name), predictor.preprocessing);
        const tensor = tf.tensor(input.data, input.dims);
        const [a, b] = [floatModel.predict(tensor) as Tf.Tensor, quantModel.predict(tensor) as Tf.Tensor];
        const [topA, topB] = [a.argMax(-1).dataSync()[0], b.argMax(-1).dataSync()[0]];
        assert.equal(topB, topA, `${name}: top-1 ${topB} vs ${topA}`);
        tops.push(`${name} ${topA}`);
        tf.dispose([tensor, a, b]);
      }
      await predictor.release();
      floatModel.dispose();
      quantModel.dispose();

      assert.equal(report.agreement?.images, images.length);
      assert.equal(report.agreement?.top1Agreement, 1);
      assert.ok(report.agreement!.meanCosine > 0.99, String(report.agreement!.meanCosine));
      assert.match(report.provider, /^tfjs /);
      console.log(`      ${dtype}: ${(report.original.bytes / 1e6).toFixed(2)} MB → ${(report.quantized.bytes / 1e6).toFixed(2)} MB, latency ${report.original.latencyMs.toFixed(1)} → ${report.quantized.latencyMs.toFixed(1)} ms, cosine ${report.agreement!.meanCosine.toFixed(5)}, SQNR ${report.agreement!.sqnrDb.toFixed(1)} dB, largest weight error ${worst.toExponential(2)}`);
    });
  }

  it('a graph model: only the weights a wildcard selects change, int32 constants stay, it predicts through the Predictor', async () => {
    const modelJson = writeTinyGraphModel();
    try {
      const out = path.join(tmp, 'graph-uint8', 'model.json');
      // Through runQuantize, which hands model.json files to the tfjs weight quantizer.
      const report = await runQuantize({ model: modelJson, mode: 'static', tfjsDtype: 'uint8', tfjsWeights: ['conv/*'], out });
      const specs = (JSON.parse(fs.readFileSync(out, 'utf8')) as Manifest).weightsManifest[0].weights;
      assert.deepEqual(specs.map((s) => [s.name, s.quantization?.dtype ?? s.dtype]), [['conv/kernel', 'uint8'], ['conv/bias', 'uint8'], ['depthwise/kernel', 'float32'], ['flatten/shape', 'int32'], ['dense/kernel', 'float32']]);
      assert.deepEqual(report.nodes.keptFloat.map((k) => [k.name, k.reason]), [['depthwise/kernel', 'not selected'], ['flatten/shape', 'int32 weights are not quantized'], ['dense/kernel', 'not selected']]);
      const model = await tf.loadGraphModel({ load: async () => loadArtifacts(out) });
      const reference = await tf.loadGraphModel({ load: async () => loadArtifacts(modelJson) });
      const x = tf.randomUniform([1, 8, 8, 3], 0, 1, 'float32', 7);
      const [a, b] = [reference.execute(x) as Tf.Tensor, model.execute(x) as Tf.Tensor];
      const difference = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
      assert.ok(difference > 0 && difference < 1e-2, String(difference));
      tf.dispose([x, a, b]);
      model.dispose();
      reference.dispose();
      const predictor = await Predictor.open(out);
      const output = (await predictor.predict(path.join(sharedImagesDir, 'kitten_224.png'))).outputs[0];
      await predictor.release();
      assert.equal(output.kind, 'classification');
    } finally {
      fs.rmSync(path.dirname(modelJson), { recursive: true, force: true });
    }
  });

  it('bad input: an existing output, a pattern that matches no weight, a folder with no images; nothing is written', async () => {
    const existing = path.join(tmp, 'nsfwjs-uint8', 'model.json');
    await assert.rejects(quantizeTfjsModel({ model: nsfwjs.modelJson, mode: 'static', tfjsDtype: 'uint8', out: existing }), /exists already/);
    const none = path.join(tmp, 'none', 'model.json');
    await assert.rejects(quantizeTfjsModel({ model: nsfwjs.modelJson, mode: 'static', tfjsWeights: ['nothing/*'], out: none }), /no float32 weight matches "nothing\/\*"/);
    assert.equal(fs.existsSync(path.dirname(none)), false);
    const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
    await assert.rejects(quantizeTfjsModel({ model: nsfwjs.modelJson, mode: 'static', out: path.join(tmp, 'e', 'model.json'), evaluation: empty }), /no images/);
    assert.equal(fs.existsSync(path.join(tmp, 'e')), false);
  });
});

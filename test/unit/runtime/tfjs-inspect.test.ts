import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import { inspectModel, TfjsFormatError } from '../../../src/runtime/inspect';
import { loadTfjs } from '../../../src/runtime/tfjs/backend';
import { loadNsfwjsTopology, loadNsfwjsWeights, writeNsfwjsModelJson } from '../../fixtures/models/nsfwjs';
import { tinyGraphModel, tinyGraphModelJson, tinyGraphWeightData, writeTinyGraphModel } from '../../fixtures/models/tiny-graph-model';
import { pythonMissing, torchvisionReference } from './reference';

async function loadTf(): Promise<typeof Tf> {
  const tf = loadTfjs();
  await tf.setBackend('cpu');
  return tf;
}

const arrayBufferOf = (buffer: Buffer) => buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) as ArrayBuffer;

describe('inspect: TensorFlow.js layers model (nsfwjs MobileNetV2)', function () {
  let summary: Awaited<ReturnType<typeof inspectModel>>;
  let model: import('@tensorflow/tfjs').LayersModel;
  before(async () => {
    summary = await inspectModel(writeNsfwjsModelJson().modelJson);
    const tf = await loadTf();
    const topology = loadNsfwjsTopology();
    model = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: topology.modelTopology, weightSpecs: topology.weightsManifest.flatMap((g) => g.weights) as never,
      weightData: arrayBufferOf(Buffer.concat(loadNsfwjsWeights(topology))),
    }));
  });

  it('counts parameters like tfjs countParams() and like Keras MobileNetV2 plus this head', () => {
    assert.equal(summary.format, 'tfjs-layers');
    assert.equal(summary.params, model.countParams());
    // Keras MobileNetV2(include_top=False) has 2,257,984 parameters; nsfwjs adds Dense 1280→256→128→5.
    assert.equal(summary.params, 2_257_984 + (1280 * 256 + 256) + (256 * 128 + 128) + (128 * 5 + 5));
    assert.deepEqual(summary.paramBytesByDtype, { uint8: { count: summary.params, bytes: summary.params } });
  });

  it('gives every layer the output shape and parameter count tfjs gives it', () => {
    assert.equal(summary.layers.length, model.layers.length);
    for (const layer of model.layers) {
      const row = summary.layers.find((l) => l.name === layer.name)!;
      assert.deepEqual(row.outputShape, layer.outputShape, layer.name);
      assert.equal(row.params, layer.countParams(), layer.name);
    }
    assert.deepEqual(summary.inputs, [{ name: 'input_1', dtype: 'float32', shape: [null, 224, 224, 3] }]);
    assert.deepEqual(summary.outputs.map((o) => o.shape), [[null, 5]]);
  });

  it('counts Conv2D, DepthwiseConv2D and Dense MACs from the tfjs layers', () => {
    let expected = 0;
    for (const layer of model.layers) {
      const kernel = layer.getWeights()[0]?.shape as number[];
      const outputs = (layer.outputShape as number[]).slice(1).reduce((p, d) => p * d, 1);
      const className = layer.getClassName();
      if (className === 'Conv2D' || className === 'Dense') expected += outputs * kernel.slice(0, -1).reduce((p, d) => p * d, 1);
      if (className === 'DepthwiseConv2D') expected += outputs * kernel[0] * kernel[1];
    }
    assert.equal(summary.macs, expected);
    assert.equal(summary.ops.DepthwiseConv2D, 17);
  });

  it('has the backbone MACs of torchvision mobilenet_v2 (same architecture, counted by PyTorch hooks)', function () {
    const missing = pythonMissing(['torch', 'torchvision']);
    if (missing) {
      console.warn(`skipping: ${missing}`);
      this.skip();
    }
    this.timeout(900_000);
    const torchvision = torchvisionReference().models.mobilenet_v2;
    const torchHead = 1280 * 1000;
    const nsfwHead = 1280 * 256 + 256 * 128 + 128 * 5;
    assert.equal(summary.macs, torchvision.macs - torchHead + nsfwHead);
  });
});

/** Saves a tfjs model as model.json + weights.bin in a temp folder, the way tf.io file handlers lay it out. */
async function saveLayersModel(tf: typeof Tf, model: Tf.LayersModel): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-layers-'));
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({
      format: 'layers-model', generatedBy: 'TensorFlow.js', modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return path.join(dir, 'model.json');
}

describe('inspect: TensorFlow.js layers models built and saved by tfjs', () => {
  it('Sequential and functional models: every layer shape and parameter count as tfjs reports them', async () => {
    const tf = await loadTf();
    const sequential = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.separableConv2d({ filters: 16, kernelSize: 3, strides: 2 }),
        tf.layers.batchNormalization(),
        tf.layers.upSampling2d({ size: [2, 2] }),
        tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const input = tf.input({ shape: [32, 32, 3] });
    const left = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'valid' }).apply(input) as import('@tensorflow/tfjs').SymbolicTensor;
    const right = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 }).apply(input) as import('@tensorflow/tfjs').SymbolicTensor;
    const joined = tf.layers.concatenate({ axis: -1 }).apply([left, right]) as import('@tensorflow/tfjs').SymbolicTensor;
    const pooled = tf.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(joined) as import('@tensorflow/tfjs').SymbolicTensor;
    const flat = tf.layers.flatten().apply(pooled) as import('@tensorflow/tfjs').SymbolicTensor;
    const functional = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3 }).apply(flat) as import('@tensorflow/tfjs').SymbolicTensor });

    for (const model of [sequential, functional]) {
      const summary = await inspectModel(await saveLayersModel(tf, model));
      assert.equal(summary.params, model.countParams());
      for (const layer of model.layers) {
        if (layer.getClassName() === 'InputLayer') continue;
        const row = summary.layers.find((l) => l.name === layer.name);
        assert.ok(row, `layer ${layer.name} listed`);
        assert.deepEqual(row.outputShape, layer.outputShape, `${layer.name} (${layer.getClassName()})`);
        assert.equal(row.params, layer.countParams(), layer.name);
      }
      assert.deepEqual(summary.outputs[0].shape, model.outputs[0].shape);
    }
  });
});

describe('inspect: TensorFlow.js graph model', () => {
  it('reads shapes, parameters and MACs of a graph model that tfjs itself runs', async () => {
    const summary = await inspectModel(writeTinyGraphModel());
    assert.equal(summary.format, 'tfjs-graph');
    assert.equal(summary.params, tinyGraphModel.params);
    assert.equal(summary.macs, tinyGraphModel.macs);
    assert.deepEqual(summary.inputs, [{ name: 'x', dtype: 'float', shape: [null, 8, 8, 3] }]);
    assert.deepEqual(summary.layers.find((l) => l.name === 'conv/Conv2D')?.outputShape, [null, 4, 4, 4]);
    assert.deepEqual(summary.layers.find((l) => l.name === 'depthwise/depthwise')?.outputShape, [null, 2, 2, 4]);

    const tf = await loadTf();
    const json = tinyGraphModelJson() as { modelTopology: object; weightsManifest: { weights: object[] }[] };
    const graphModel = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights as never, weightData: arrayBufferOf(tinyGraphWeightData()) }));
    const intermediate = graphModel.execute(tf.zeros([1, 8, 8, 3]), ['conv/Conv2D', 'depthwise/depthwise', 'probabilities']) as import('@tensorflow/tfjs').Tensor[];
    assert.deepEqual(intermediate.map((t) => t.shape), [[1, 4, 4, 4], [1, 2, 2, 4], [1, 10]]);
    assert.deepEqual(summary.outputs.map((o) => o.name), ['probabilities']);
  });

  it('rejects JSON that is not a tfjs model, naming the file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-')), 'package.json');
    fs.writeFileSync(file, '{"name": "not a model"}');
    await assert.rejects(inspectModel(file), (error: unknown) => error instanceof TfjsFormatError && (error as Error).message.startsWith(file));
  });
});

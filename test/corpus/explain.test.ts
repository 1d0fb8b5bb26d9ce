import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { METHODS, methodsForModel } from '../../src/runtime/explain/methods';
import { readModelJson } from '../../src/runtime/tfjs/inspect';
import { readTfjsArtifacts } from '../../src/runtime/predict/tfjs-model';
import type * as Tf from '@tensorflow/tfjs';
import { tfjs } from './tfjs-profile';
import { explainTfjsModel } from '../../src/runtime/explain/tfjs-gradcam';
import { Explainer } from '../../src/runtime/explain/explainer';
import { readModelFile } from '../../src/runtime/onnx/codec';
import { Predictor } from '../../src/runtime/predict/predictor';
import { sharedImage, sharedModel } from '../unit/helpers/shared';
import { corpus, corpusAvailable, corpusFile } from './corpus';
import { recordResult } from './results';

const byId = (id: string) => corpus.find((m) => m.id === id)!;

describe('corpus: explain TensorFlow.js models', function () {
  this.timeout(600_000);

  it('every method runs on a tfjs layers model (nsfwjs MobileNetV2) and gives a finite, non-flat map', async function () {
    const model = byId('nsfwjs');
    if (!corpusAvailable(model)) this.skip();
    const file = corpusFile(model);
    const done: string[] = [];
    for (const method of Object.keys(METHODS)) {
      // Score-CAM runs the model once per channel: on the 320-channel layer before the 1,280-channel default.
      const layer = method === 'scorecam' ? 'block_16_project_BN' : undefined;
      const explanation = await explainTfjsModel(file, sharedImage('kitten_224.png'), { method, layer });
      const { data, size: [height, width] } = explanation.cam;
      assert.ok(width > 0 && height > 0 && data.length === width * height, method);
      assert.ok(data.every(Number.isFinite), `${method}: finite`);
      // Score-CAM's map on a BatchNorm output (signed activations) may be all zero after its ReLU.
      if (method !== 'scorecam') assert.ok(Math.max(...data) > Math.min(...data), `${method}: not flat`);
      if (METHODS[method].resolution === 'layer') assert.deepEqual([height, width], explanation.layerDims!.slice(1, 3), method);
      else assert.deepEqual([height, width], [224, 224], method);
      done.push(method);
    }
    recordResult(model.id, { explain: `${done.length}/9 methods` });
  });

  it('a fully convolutional model with open spatial dims binds them at the preprocessing size before choosing the layer', async function () {
    const model = byId('esrgan-x2');
    if (!corpusAvailable(model)) this.skip();
    const explanation = await explainTfjsModel(corpusFile(model), sharedImage('kitten_224.png'), { method: 'eigencam', overrides: { size: [40, 40] } });
    const layerDims = explanation.layerDims!;
    assert.equal(layerDims.length, 4);
    assert.ok(layerDims.slice(1, 3).every((d) => d >= 40), layerDims.join('×'));
    assert.deepEqual(explanation.cam.size, layerDims.slice(1, 3));
    recordResult(model.id, { explain: `eigencam at ${layerDims.slice(1, 3).join('×')}` });
  });
  it('a channels-first layers model (MNIST weights): Grad-CAM at its last pool equals the ONNX engine\'s on the original model', async function () {
    const model = byId('mnist-nchw');
    if (!corpusAvailable(model)) this.skip();
    const image = sharedImage('mnist_28.png');
    const ours = await explainTfjsModel(corpusFile(model), image, { method: 'gradcam' });
    assert.equal(ours.layer, 'pool2', 'the last layer with spatial extent, read channels-first');
    assert.deepEqual(ours.layerDims, [1, 16, 4, 4]);
    assert.deepEqual(ours.cam.size, [4, 4]);
    const original = readModelFile(sharedModel('mnist.onnx'));
    const pools = original.graph.node.filter((node) => node.op_type === 'MaxPool');
    const explainer = await Explainer.open(sharedModel('mnist.onnx'), { sampleImage: image, overrides: ours.preprocessing });
    try {
      const reference = await explainer.explain(image, { method: 'gradcam', layer: pools[pools.length - 1].output[0] });
      assert.equal(ours.targetClass, reference.targetClass);
      assert.deepEqual(reference.cam.size, [4, 4]);
      const scale = Math.max(...reference.cam.data.map(Math.abs));
      ours.cam.data.forEach((value, i) => assert.ok(Math.abs(value - reference.cam.data[i]) <= 1e-4 * scale, `cell ${i}: ${value} vs ONNX ${reference.cam.data[i]}`));
    } finally {
      await explainer.release();
    }
    recordResult(model.id, { explain: 'gradcam = ONNX engine\'s' });
  });
});

describe('corpus: explain objective by output kind (ONNX)', function () {
  this.timeout(600_000);
  const root = path.resolve(__dirname, '../..');
  before(() => execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' }));

  const cases = [
    { id: 'ocr-det', size: '96,128', kind: 'dense', pattern: /map summed over the \d+ pixels above 0\.5|whole map/ },
    { id: 'ocr-rec', size: '48,160', kind: 'sequence', pattern: /sum over \d+ steps of each step's top class/ },
    { id: 'ocr-cls', size: '48,192', kind: 'classification', pattern: /the class \d output/ },
  ];
  for (const { id, size, kind, pattern } of cases) {
    it(`${id}: the ${kind} objective, its score equal to the output run directly, a small JSON`, async function () {
      const model = byId(id);
      if (!corpusAvailable(model)) this.skip();
      const file = corpusFile(model);
      const image = sharedImage('cat.jpg');
      const result = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'explain', file, image, '--method', 'gradcam', '--size', size, '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      assert.equal(result.status, 0, result.stderr);
      assert.ok(result.stdout.length < 64 * 1024, `${result.stdout.length} bytes of JSON`);
      const report = JSON.parse(result.stdout);
      assert.equal(report.objective.kind, kind);
      assert.match(report.objective.description, pattern);

      // The objective recomputed from the output of a plain forward pass, by the rule for its kind.
      const predictor = await Predictor.open(file, { overrides: report.preprocessing });
      try {
        const [output] = (await predictor.forward(image)).outputs;
        let expected: number;
        if (kind === 'classification') expected = output.values[report.class];
        else if (kind === 'sequence') {
          const [, steps, classes] = output.dims;
          expected = 0;
          for (let t = 0; t < steps; t++) expected += Math.max(...output.values.subarray(t * classes, (t + 1) * classes));
        } else {
          const above = output.values.filter((v) => v > 0.5);
          expected = above.length > 0 ? above.reduce((s, v) => s + v, 0) : output.values.reduce((s, v) => s + v, 0);
        }
        assert.ok(Math.abs(report.score - expected) <= 1e-4 * Math.max(1, Math.abs(expected)), `score ${report.score}, expected ${expected}`);
        recordResult(id, { explain: `gradcam, ${kind} objective` });
      } finally {
        await predictor.release();
      }
    });
  }
});

describe('corpus: the methods offered are the ones that run', () => {
  it('all nine on ONNX and tfjs layers models; on tfjs graph models, the gradient methods only where tfjs can differentiate the output', async function () {
    this.timeout(600_000);
    const forwardOnly = Object.values(METHODS).filter((method) => !method.gradients).map((method) => method.name);
    for (const model of corpus) {
      if (!corpusAvailable(model) || model.source === 'derived') continue;
      const file = corpusFile(model);
      const offered = methodsForModel(file, readModelJson).map((m) => m.name);
      if (model.format !== 'tfjs-graph') {
        assert.deepEqual(offered, Object.keys(METHODS), model.id);
        continue;
      }
      // tfjs's own verdict: the gradient of the model's first output, taken directly.
      const tf = await tfjs();
      const graph = await tf.loadGraphModel({ load: async () => readTfjsArtifacts(file) });
      const input = graph.inputs[0];
      const x = tf.ones(input.shape!.map((dim, axis) => (dim > 0 ? dim : axis === 0 ? 1 : 64)), 'float32');
      // An int32 input (MoveNet's pixels) is differentiated at the Cast to float that reads it: an integer has no gradient.
      const nodes = (readModelJson(file).modelTopology as { node: { name: string; op: string; input?: string[] }[] }).node;
      const cast = input.dtype === 'int32' ? nodes.find((node) => node.op === 'Cast' && (node.input ?? []).some((ref) => ref.split(':')[0] === input.name)) : undefined;
      const feeds = (at: Tf.Tensor) => (cast ? { [input.name]: at.toInt(), [cast.name]: at } : { [input.name]: input.dtype === 'int32' ? at.toInt() : at });
      const differentiable = (() => {
        try {
          const gradient = tf.grad((at: Tf.Tensor) => (graph.execute(feeds(at), graph.outputNodes[0]) as Tf.Tensor).sum())(x);
          gradient.dispose();
          return true;
        } catch (error) {
          assert.match((error as Error).message, /gradient function not found|executeAsync/, `${model.id}: ${(error as Error).message.slice(0, 300)}`);
          return false;
        }
      })();
      tf.dispose(x);
      graph.dispose();
      assert.deepEqual(offered, differentiable ? Object.keys(METHODS) : forwardOnly, model.id);
      const eigencam = await explainTfjsModel(file, sharedImage('cat.jpg'), { method: 'eigencam' });
      assert.ok(eigencam.cam.data.every(Number.isFinite), `${model.id}: eigencam`);
      if (!differentiable) {
        await assert.rejects(explainTfjsModel(file, sharedImage('cat.jpg'), { method: 'gradcam' }), (error: Error) => error.message.startsWith(file) && error.message.length < file.length + 200 && /tfjs has none for \w+ \(node /.test(error.message));
      }
    }
  });
});

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import { METHODS } from '../../src/runtime/explain/methods';
import { explainTfjsModel, type TfjsExplanation } from '../../src/runtime/explain/tfjs-gradcam';
import { imageToTensor } from '../../src/runtime/images';
import { readTfjsArtifacts } from '../../src/runtime/predict/tfjs-model';
import { sharedImage } from '../unit/helpers/shared';
import { corpus, corpusAvailable, corpusFile } from './corpus';
import { recordResult } from './results';
import { tfjs } from './tfjs-profile';

const byId = (id: string) => corpus.find((m) => m.id === id)!;
const image = sharedImage('kitten_224.png');

/** A finite map that is not flat, at the layer's resolution (CAM methods) or the input's (pixel methods). */
function assertMap(explanation: TfjsExplanation, inputSize: number[]): void {
  const { method, cam: { data, size } } = explanation;
  assert.equal(data.length, size[0] * size[1], method);
  assert.ok(data.every(Number.isFinite), `${method}: finite`);
  assert.ok(data.some((value) => value !== data[0]), `${method}: not flat`);
  if (METHODS[method].resolution === 'layer') assert.deepEqual(size, explanation.layerDims!.slice(1, 3), method);
  else {
    assert.deepEqual(size, inputSize, method);
    assert.equal(explanation.layer, null, `${method} needs no layer`);
  }
}

/** The graph model loaded by tfjs itself, with its first input and output, for the independent checks. */
async function loadDirect(file: string) {
  const tf = await tfjs();
  const model = await tf.loadGraphModel({ load: async () => readTfjsArtifacts(file) });
  return { tf, model, input: model.inputs[0].name, output: model.outputNodes[0] };
}

describe('corpus: explain TensorFlow.js graph models (every method)', function () {
  this.timeout(600_000);

  // Three graph models, each method on each; Score-CAM on a 112-channel layer of the hand model (672 at the default).
  const cases: { id: string; input: number[]; groups: string[][]; layers?: Record<string, string> }[] = [
    { id: 'emotion', input: [64, 64], groups: [['gradcam', 'gradcam++', 'scorecam', 'eigencam', 'layercam', 'saliency', 'occlusion'], ['smoothgrad', 'integrated-gradients']] },
    { id: 'facemesh', input: [192, 192], groups: [['gradcam', 'gradcam++', 'scorecam', 'eigencam', 'layercam', 'occlusion'], ['saliency', 'smoothgrad'], ['integrated-gradients']] },
    {
      id: 'handlandmark', input: [224, 224], layers: { scorecam: 'model_1/model/add_9/ArithmeticOptimizer/AddOpsRewrite_add' },
      groups: [['gradcam', 'gradcam++', 'scorecam', 'eigencam', 'layercam', 'saliency'], ['smoothgrad'], ['integrated-gradients'], ['occlusion']],
    },
  ];
  for (const { id, input, groups, layers } of cases) {
    for (const group of groups) {
      it(`${id}: ${group.join(', ')} give finite, non-flat maps of the right size`, async function () {
        const model = byId(id);
        if (!corpusAvailable(model)) this.skip();
        for (const method of group) {
          const explanation = await explainTfjsModel(corpusFile(model), image, { method, layer: layers?.[method] });
          assert.equal(explanation.method, method);
          assert.equal(explanation.objective.kind, 'classification');
          assertMap(explanation, input);
        }
        if (group === groups[groups.length - 1]) recordResult(id, { explain: '9/9 methods' });
      });
    }
  }

  it('a dense NHWC output (CenterNet [1, 128, 128, 4]): the dense objective over the region of its class, and the maps', async function () {
    const model = byId('centernet');
    if (!corpusAvailable(model)) this.skip();
    const file = corpusFile(model);
    const explanation = await explainTfjsModel(file, image, { method: 'gradcam' });
    assert.equal(explanation.objective.kind, 'dense');
    assertMap(explanation, [512, 512]);
    assertMap(await explainTfjsModel(file, image, { method: 'saliency' }), [512, 512]);

    // The objective recomputed from tfjs's own output: the class's channel summed where it is each pixel's argmax.
    const { tf, model: direct, input, output } = await loadDirect(file);
    const { data, dims } = await imageToTensor(image, explanation.preprocessing);
    const result = direct.execute({ [input]: tf.tensor(data, dims) }, output) as Tf.Tensor;
    const [, height, width, channels] = result.shape;
    const values = await result.data();
    let expected = 0;
    for (let p = 0; p < height * width; p++) {
      const pixel = Array.from(values.subarray(p * channels, (p + 1) * channels));
      if (pixel.indexOf(Math.max(...pixel)) === explanation.targetClass) expected += pixel[explanation.targetClass];
    }
    tf.dispose(result);
    direct.dispose();
    assert.ok(Math.abs(explanation.score - expected) <= 1e-4 * Math.abs(expected), `score ${explanation.score}, expected ${expected}`);
    recordResult(model.id, { explain: 'gradcam, saliency (dense objective)' });
  });
});

describe('corpus: graph-model gradients against finite differences (tfjs run directly)', function () {
  this.timeout(600_000);

  // Grad-CAM's weight α_k is the spatial mean of ∂score/∂A_k: shifting channel k of the fed activation by ε everywhere
  // changes the score by about ε·H·W·α_k. The map ReLU(Σ α_k A_k) is rebuilt from those differences and compared.
  // MoveNet's keypoint scores come out through GatherNd, whose gradient tfjs lacks and we register (tfjs/gradients);
  // its [1, 1, 17, 3] output is read as [1, 3, 1, 17] (4-D outputs of NHWC graphs are), so element 36 is keypoint 2's score.
  for (const { id, targetClass } of [{ id: 'emotion' }, { id: 'facemesh' }, { id: 'movenet', targetClass: 36 }]) {
    it(`${id}: the Grad-CAM map equals the one built from central differences of the score through the head`, async function () {
      const model = byId(id);
      if (!corpusAvailable(model)) this.skip();
      const file = corpusFile(model);
      const explanation = await explainTfjsModel(file, image, { method: 'gradcam', targetClass });
      const { tf, model: direct, input, output } = await loadDirect(file);
      const { data, dims } = await imageToTensor(image, explanation.preprocessing);
      const x = direct.inputs[0].dtype === 'int32' ? tf.tensor(Int32Array.from(data, Math.round), dims, 'int32') : tf.tensor(data, dims);
      const activation = direct.execute({ [input]: x }, explanation.layer!) as Tf.Tensor;
      const [, height, width, channels] = activation.shape;
      const values = Float64Array.from(await activation.data());
      const scale = values.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
      const score = async (channel: number, shift: number) => {
        const fed = tf.tidy(() => activation.add(tf.oneHot([channel], channels).reshape([1, 1, 1, channels]).mul(shift)));
        const result = direct.execute({ [input]: x, [explanation.layer!]: fed }, output) as Tf.Tensor;
        const read = result.rank === 4 ? result.transpose([0, 3, 1, 2]) : result;
        const value = (await read.data())[explanation.targetClass];
        tf.dispose([fed, result, read]);
        return value;
      };
      const epsilon = 1e-3 * scale;
      const alpha: number[] = [];
      for (let k = 0; k < channels; k++) alpha.push((await score(k, epsilon) - await score(k, -epsilon)) / (2 * epsilon * height * width));
      const expected = Array.from({ length: height * width }, (_, p) => Math.max(0, alpha.reduce((sum, a, k) => sum + a * values[p * channels + k], 0)));
      tf.dispose([x, activation]);
      direct.dispose();
      const peak = Math.max(...expected);
      assert.ok(peak > 0, 'a map that is not all zero');
      const worst = Math.max(...expected.map((v, p) => Math.abs(v - explanation.cam.data[p])));
      assert.ok(worst <= 1e-2 * peak, `largest difference ${worst} against a peak of ${peak}`);
    });
  }

  it('emotion (one gray channel): saliency equals |∂score/∂pixel| by central differences at the strongest and at random pixels', async function () {
    const model = byId('emotion');
    if (!corpusAvailable(model)) this.skip();
    const file = corpusFile(model);
    const explanation = await explainTfjsModel(file, image, { method: 'saliency' });
    const { tf, model: direct, input, output } = await loadDirect(file);
    const { data, dims } = await imageToTensor(image, explanation.preprocessing);
    const score = async (pixel: number, shift: number) => {
      const shifted = Float32Array.from(data);
      shifted[pixel] += shift;
      const result = direct.execute({ [input]: tf.tensor(shifted, dims) }, output) as Tf.Tensor;
      const value = (await result.data())[explanation.targetClass];
      tf.dispose(result);
      return value;
    };
    const map = explanation.cam.data;
    const order = Array.from(map.keys()).sort((a, b) => map[b] - map[a]);
    const pixels = [...order.slice(0, 5), 97, 1031, 2048, 3001, 4000];
    const range = Math.max(...data) - Math.min(...data);
    const epsilon = 1e-3 * range;
    const peak = map[order[0]];
    for (const pixel of pixels) {
      const difference = Math.abs((await score(pixel, epsilon) - await score(pixel, -epsilon)) / (2 * epsilon));
      assert.ok(Math.abs(difference - map[pixel]) <= 2e-2 * peak, `pixel ${pixel}: ${map[pixel]} against ${difference}`);
    }
    direct.dispose();
  });
});

describe('corpus: cnn explain on a graph model (the built CLI)', function () {
  this.timeout(300_000);
  const root = path.resolve(__dirname, '../..');
  before(() => execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' }));
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'explain', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });

  it('--json gives the objective, the default layer and the map; MoveNet\'s Grad-CAM through GatherNd; a gradient method on a model with control flow fails briefly', async function () {
    const emotion = byId('emotion');
    const movenet = byId('movenet');
    const handtrack = byId('handtrack');
    if (![emotion, movenet, handtrack].every(corpusAvailable)) this.skip();
    const result = cli(corpusFile(emotion), image, '--method', 'layercam', '--json');
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.method, 'layercam');
    assert.deepEqual(report.objective, { kind: 'classification', description: `the class ${report.class} output` });
    assert.equal(report.layer.tensor, 'StatefulPartitionedCall/model_1/conv2d_5/BiasAdd');
    assert.deepEqual(report.layer.dims, [1, 8, 8, 7]);
    assert.deepEqual(report.cam.shape, [8, 8]);

    const pose = cli(corpusFile(movenet), image, '--method', 'gradcam', '--json');
    assert.equal(pose.status, 0, pose.stderr);
    assert.deepEqual(JSON.parse(pose.stdout).cam.shape, [48, 48]);
    const refused = cli(corpusFile(handtrack), image, '--method', 'gradcam', '--json');
    assert.notEqual(refused.status, 0);
    const message = refused.stderr.trim();
    assert.ok(message.includes(corpusFile(handtrack)) && message.includes('TensorListFromTensor') && message.length < corpusFile(handtrack).length + 300, message);
    const unknown = cli(corpusFile(emotion), image, '--layer', 'no/such/node', '--json');
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /emotion\.json: no node named "no\/such\/node"/);
  });
});

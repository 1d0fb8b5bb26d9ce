/**
 * Times the ONNX training engine and prints one JSON object.
 *   steps        images/s of full training steps of the built-in small CNN (MNIST size, batch 64, Adam): the update
 *                inside the onnxruntime run (what the engine does), and the same gradients with Adam in JS
 *   memory FILE  peak resident memory after one training step of FILE (a resnet18 export), batch 32, 224x224
 * Run: node -r ./test/unit/register.js scripts/bench/train-engine.ts steps|memory ...
 */
import { readModelFile } from '../../src/runtime/onnx/codec';
import { tensorDims, tensorValues } from '../../src/runtime/onnx/dtypes';
import { createSession, onnxruntime } from '../../src/runtime/onnx/session';
import { seededRandom } from '../../src/runtime/random';
import { buildSmallCnn } from '../../src/runtime/train/builtin-small-cnn';
import { createOnnxStepEngine, lossTargets } from '../../src/runtime/train/onnx-engine';
import { buildTrainingGraph, TARGETS_INPUT, trainableWeights } from '../../src/runtime/train/training-graph';
import { medianMs } from './timing';

const THREADS = 2;
const BATCH = 64;
const config = { model: 'builtin:small-cnn', data: '', out: '', optimizer: 'adam' as const };

function batchOf(count: number, classes: number, seed: number): { images: Float32Array; labels: Int32Array } {
  const random = seededRandom(seed);
  return { images: Float32Array.from({ length: count * 784 }, random), labels: Int32Array.from({ length: count }, () => Math.floor(random() * classes)) };
}

/** The alternative design: the graph returns gradients and Adam runs in JS over the Float32Arrays. */
async function jsAdamStepMs(runs: number): Promise<number> {
  const model = buildSmallCnn({ channels: 1, height: 28, width: 28, classes: 10, seed: 0 });
  const { images, labels } = batchOf(BATCH, 10, 1);
  const targets = lossTargets({ kind: 'cross-entropy' }, labels, BATCH, 10, 0);
  const trainable = trainableWeights(model);
  const sampleFeeds = { input: { data: images, dims: [BATCH, 1, 28, 28] }, [TARGETS_INPUT]: { data: targets, dims: [BATCH, 10] } };
  const graph = await buildTrainingGraph(model, { logitsName: 'logits', trainable, loss: { kind: 'cross-entropy' }, freezeBatchNorm: false, seed: 0, sampleFeeds });
  const session = await createSession(graph.model, { threads: THREADS });
  const ort = onnxruntime();
  const stored = new Map(model.graph.initializer.map((tensor) => [tensor.name!, tensor]));
  const weights = trainable.map((name) => {
    const data = Float32Array.from(tensorValues(stored.get(name)!) as Float32Array);
    return { name, data, dims: tensorDims(stored.get(name)!), m: new Float32Array(data.length), v: new Float32Array(data.length) };
  });
  const fetches = [graph.lossName, ...trainable.map((name) => graph.gradientNames[name])];
  let step = 0;
  const ms = await medianMs(async () => {
    const feeds: Record<string, import('onnxruntime-node').Tensor> = {
      input: new ort.Tensor('float32', images, [BATCH, 1, 28, 28]), [TARGETS_INPUT]: new ort.Tensor('float32', targets, [BATCH, 10]),
    };
    for (const weight of weights) feeds[weight.name] = new ort.Tensor('float32', weight.data, weight.dims);
    const results = await session.run(feeds, fetches);
    step++;
    const stepSize = 1e-3 / (1 - 0.9 ** step);
    const inverseBias2 = 1 / Math.sqrt(1 - 0.999 ** step);
    for (const weight of weights) {
      const gradient = results[graph.gradientNames[weight.name]].data as Float32Array;
      const { data, m, v } = weight;
      for (let i = 0; i < data.length; i++) {
        const g = gradient[i];
        m[i] = 0.9 * m[i] + 0.1 * g;
        v[i] = 0.999 * v[i] + 0.001 * g * g;
        data[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) * inverseBias2 + 1e-8);
      }
    }
  }, 5, runs);
  await session.release();
  return ms;
}

async function steps(runs: number) {
  const engine = await createOnnxStepEngine({ model: 'builtin:small-cnn', dims: [BATCH, 1, 28, 28], classes: 10, config, seed: 0, session: { threads: THREADS } });
  const { images, labels } = batchOf(BATCH, 10, 1);
  const inGraphMs = await medianMs(() => engine.trainStep(images, [BATCH, 1, 28, 28], labels, 1e-3), 5, runs);
  await engine.release();
  const jsMs = await jsAdamStepMs(runs);
  return { threads: THREADS, batch: BATCH, step_ms: inGraphMs, images_per_sec: BATCH / (inGraphMs / 1000), js_adam_step_ms: jsMs, js_adam_images_per_sec: BATCH / (jsMs / 1000) };
}

async function memory(file: string, batch: number) {
  const model = readModelFile(file);
  const engine = await createOnnxStepEngine({ model, dims: [batch, 3, 224, 224], classes: 1000, config: { ...config, optimizer: 'sgd' }, seed: 0, session: { threads: THREADS } });
  const random = seededRandom(3);
  const images = Float32Array.from({ length: batch * 3 * 224 * 224 }, random);
  const labels = Int32Array.from({ length: batch }, () => Math.floor(random() * 1000));
  await engine.trainStep(images, [batch, 3, 224, 224], labels, 0.01);
  await engine.release();
  return { batch, peak_rss_mb: process.resourceUsage().maxRSS / 1024 };
}

(async () => {
  const [mode, ...rest] = process.argv.slice(2);
  const result = mode === 'memory' ? await memory(rest[0], Number(rest[1] ?? 32)) : await steps(Number(rest[0] ?? 20));
  process.stdout.write(`${JSON.stringify(result)}\n`);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});

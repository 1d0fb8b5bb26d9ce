/**
 * Times this project's gradient engine (backward graph run by onnxruntime-node) on the models that
 * scripts/reference/grad_bench.py exported into DIR, and prints one JSON object.
 * Run: node -r ./test/unit/register.js scripts/bench/grad-engine.ts DIR
 */
import * as path from 'node:path';
import { GradientSession } from '../../src/runtime/grad';
import { readModelFile } from '../../src/runtime/onnx/codec';
import { TensorValue } from '../../src/runtime/onnx/session';
import { medianMs } from './timing';

const THREADS = 2;
const CLASS_INDEX = 281;
const MNIST_BATCH = 32;

function randomFloats(count: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296 - 0.5;
  });
}

async function resnet18(dir: string, runs: number): Promise<{ ms: number; lastConv: string }> {
  const model = readModelFile(path.join(dir, 'resnet18.onnx'));
  const lastConv = model.graph.node.filter((node) => node.op_type === 'Conv').pop()!.output[0];
  const feeds: Record<string, TensorValue> = { input: { data: randomFloats(3 * 224 * 224, 1), dims: [1, 3, 224, 224] } };
  const session = await GradientSession.create(model,
    { objective: { kind: 'select', output: 'output', index: [0, CLASS_INDEX] }, wrt: ['input', lastConv], activations: [lastConv] },
    { threads: THREADS, sampleFeeds: feeds });
  const ms = await medianMs(() => session.run(feeds), 3, runs);
  await session.release();
  return { ms, lastConv };
}

async function mnistStep(dir: string, runs: number): Promise<{ ms: number; weights: number }> {
  const model = readModelFile(path.join(dir, 'mnist_cnn.onnx'));
  const weights = model.graph.initializer.map((tensor) => tensor.name!);
  const labels = new Float32Array(MNIST_BATCH * 10);
  for (let i = 0; i < MNIST_BATCH; i++) labels[i * 10 + (i % 10)] = 1;
  const feeds: Record<string, TensorValue> = {
    input: { data: randomFloats(MNIST_BATCH * 28 * 28, 2).map((v) => v + 0.5), dims: [MNIST_BATCH, 1, 28, 28] },
    labels: { data: labels, dims: [MNIST_BATCH, 10] },
  };
  const session = await GradientSession.create(model,
    { objective: { kind: 'cross-entropy', output: 'output', labelsInput: 'labels' }, wrt: weights },
    { threads: THREADS, sampleFeeds: feeds });
  const ms = await medianMs(() => session.run(feeds), 5, runs);
  await session.release();
  return { ms, weights: weights.length };
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  const runs = Number(process.env.GRAD_BENCH_RUNS ?? 10);
  const resnet = await resnet18(dir, runs);
  const mnist = await mnistStep(dir, runs);
  process.stdout.write(JSON.stringify({ threads: THREADS, resnet18_ms: resnet.ms, last_conv: resnet.lastConv, mnist_step_ms: mnist.ms, mnist_weights: mnist.weights, mnist_batch: MNIST_BATCH }) + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

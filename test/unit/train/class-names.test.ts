import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import type * as Ort from 'onnxruntime-node';
import { resolveLabels } from '../../../src/runtime/predict/labels';
import { runPreviewRequest } from '../../../src/runtime/preview/jobs';
import { quantizeTfjsModel } from '../../../src/runtime/quantize/tfjs-weights';
import { stepEngineFactory } from '../../../src/runtime/train/engines';
import { writeSampleDataset } from '../../../src/runtime/train/sample-dataset';
import { train } from '../../../src/runtime/train/trainer';
import { loadSavedLayersModel, saveLayersModel } from './helpers/tfjs-models';
import { pythonMissing, systemPython } from '../runtime/reference';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- tfjs and onnxruntime load lazily in the runtime too
const tf = require('@tensorflow/tfjs') as typeof Tf;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort = require('onnxruntime-node') as typeof Ort;

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist', 'cli.js');

function runCli(...args: string[]): { stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 26 });
  assert.equal(run.status, 0, `cnn ${args.join(' ')}: ${run.stderr}`);
  return run;
}

/** The model's metadata_props as python's onnx package reads them. */
function pythonOnnxMetadata(file: string): Record<string, string> {
  const script = 'import json, sys, onnx\nm = onnx.load(sys.argv[1])\nprint(json.dumps({p.key: p.value for p in m.metadata_props}))';
  return JSON.parse(execFileSync(systemPython, ['-c', script, file], { encoding: 'utf8' })) as Record<string, string>;
}

/** Skips a test that reads ONNX metadata with python's onnx where that package is missing. */
function needsPythonOnnx(context: Mocha.Context): void {
  const missing = pythonMissing(['onnx']);
  if (!missing) return;
  console.warn(`skipping: ${missing}`);
  context.skip();
}

interface PredictJson {
  labels: string | null;
  labelSource: string | null;
  labelsIgnored: string[];
  results: { outputs: { kind: string; top: { index: number; label: string | null }[] }[] }[];
}

/** Digit folders renamed to words: classes whose names are not their indices. */
const WORDS = ['zero', 'one', 'two'];

describe('trained models carry their class names', function () {
  this.timeout(900_000);
  let tmp: string;
  let data: string;
  let image: string;
  before(async () => {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-class-names-'));
    const digits = await writeSampleDataset(path.join(tmp, 'digits'), { perClass: 12 });
    data = path.join(tmp, 'words');
    fs.mkdirSync(data);
    WORDS.forEach((word, digit) => fs.renameSync(path.join(digits.dir, String(digit)), path.join(data, word)));
    image = path.join(data, 'two', fs.readdirSync(path.join(data, 'two'))[0]);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('builtin:small-cnn: the ONNX file holds the folder names; predict, explain, quantize and inspect use them; a given file wins; a wrong count is ignored with the reason', async function () {
    needsPythonOnnx(this);
    const out = path.join(tmp, 'words.onnx');
    runCli('train', 'builtin:small-cnn', '--data', data, '--epochs', '1', '--batch', '16', '--seed', '2', '--out', out, '--json');
    // The classes in output order are the folder names in name order; python's onnx reads them back.
    const sorted = [...WORDS].sort();
    const metadata = pythonOnnxMetadata(out);
    assert.deepEqual(JSON.parse(metadata['cnnStudio.classNames']), sorted);
    const session = await ort.InferenceSession.create(out);
    assert.deepEqual(session.outputNames.length, 1, 'onnxruntime loads the model');
    await session.release();

    const predicted = JSON.parse(runCli('predict', out, image, '--json', '--top', '3').stdout) as PredictJson;
    assert.equal(predicted.labelSource, 'model');
    assert.equal(predicted.labels, out);
    const top = predicted.results[0].outputs[0].top;
    assert.equal(top.length, 3);
    for (const entry of top) assert.equal(entry.label, sorted[entry.index]);

    const explained = JSON.parse(runCli('explain', out, image, '--class', 'two', '--json').stdout) as { class: number; label: string };
    assert.equal(explained.class, sorted.indexOf('two'), '--class resolves a folder name');
    assert.equal(explained.label, 'two');
    assert.match(runCli('explain', out, image, '--class', '0').stdout, /for the class 0 output \(one\)/, 'the text names the class');
    const preview = await runPreviewRequest({ action: 'predict', model: out, images: [image], top: 3 });
    assert.ok(preview.action === 'predict' && preview.labelsFile === out, 'the Preview panel names the model as the labels\' source');
    const previewTop = preview.results[0].outputs[0];
    assert.ok(previewTop.kind === 'classification');
    for (const entry of previewTop.top) assert.equal(entry.label, sorted[entry.index]);
    const previewExplained = await runPreviewRequest({ action: 'explain', model: out, image, method: 'gradcam', targetClass: 'zero' });
    assert.ok(previewExplained.action === 'explain' && previewExplained.targetClass === sorted.indexOf('zero') && previewExplained.label === 'zero');

    const given = path.join(tmp, 'renamed.txt');
    fs.writeFileSync(given, 'ONE\nTWO\nZERO\n');
    const renamed = JSON.parse(runCli('predict', out, image, '--json', '--labels', given).stdout) as PredictJson;
    assert.equal(renamed.labelSource, 'given');
    for (const entry of renamed.results[0].outputs[0].top) assert.equal(entry.label, sorted[entry.index].toUpperCase());

    const short = path.join(tmp, 'short.txt');
    fs.writeFileSync(short, 'cat\ndog\n');
    const ignored = JSON.parse(runCli('predict', out, image, '--json', '--labels', short).stdout) as PredictJson;
    assert.equal(ignored.labelSource, 'model', 'a given file with the wrong count gives way to the embedded names');
    assert.deepEqual(ignored.labelsIgnored, [`the labels file given ${short} names 2 classes, the output has 3`]);
    const wrongEmbedded = resolveLabels(out, 3, { metadata: { 'cnnStudio.classNames': '["cat","dog"]' } });
    assert.deepEqual(wrongEmbedded, { labels: null, file: null, source: null, ignored: ["the model's metadata cnnStudio.classNames names 2 classes, the output has 3"] });

    const quantized = path.join(tmp, 'words-int8.onnx');
    runCli('quantize', out, '--mode', 'dynamic', '--out', quantized, '--json');
    assert.deepEqual(JSON.parse(pythonOnnxMetadata(quantized)['cnnStudio.classNames']), sorted, 'the quantized copy keeps the names');
    const fromQuantized = JSON.parse(runCli('predict', quantized, image, '--json').stdout) as PredictJson;
    assert.equal(fromQuantized.labelSource, 'model');
    for (const entry of fromQuantized.results[0].outputs[0].top) assert.equal(entry.label, sorted[entry.index]);

    assert.match(runCli('inspect', out).stdout, /metadata cnnStudio\.classNames = 3 classes: "one", "two", "zero"\n/);
  });

  it('a run resumed from a checkpoint writes the names too', async function () {
    needsPythonOnnx(this);
    const first = path.join(tmp, 'first.onnx');
    runCli('train', 'builtin:small-cnn', '--data', data, '--epochs', '1', '--batch', '16', '--seed', '2', '--out', first, '--json');
    const resumed = path.join(tmp, 'resumed.onnx');
    runCli('train', '--resume', path.join(`${first}.checkpoints`, 'last.ckpt'), '--data', data, '--epochs', '2', '--out', resumed, '--json');
    assert.deepEqual(JSON.parse(pythonOnnxMetadata(resumed)['cnnStudio.classNames']), [...WORDS].sort());
  });

  it('a TensorFlow.js layers model: model.json\'s userDefinedMetadata holds the names (tfjs\'s loader reads them); predict and explain use them', async () => {
    const dir = path.join(tmp, 'tfjs');
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 10, activation: 'softmax' }),
      ],
    });
    const tiny = await saveLayersModel(model, dir);
    model.dispose();
    const out = path.join(tmp, 'tfjs-trained', 'model.json');
    fs.mkdirSync(path.dirname(out));
    await train({ model: tiny, data, out, epochs: 1, batchSize: 16, seed: 3, newHead: true }, { createEngine: stepEngineFactory() });

    const loaded = await loadSavedLayersModel(out);
    const sorted = [...WORDS].sort();
    assert.deepEqual(loaded.getUserDefinedMetadata(), { 'cnnStudio.classNames': sorted });
    loaded.dispose();

    const predicted = JSON.parse(runCli('predict', out, image, '--json', '--top', '3').stdout) as PredictJson;
    assert.equal(predicted.labelSource, 'model');
    for (const entry of predicted.results[0].outputs[0].top) assert.equal(entry.label, sorted[entry.index]);
    const explained = JSON.parse(runCli('explain', out, image, '--class', 'zero', '--json').stdout) as { class: number; label: string };
    assert.equal(explained.class, sorted.indexOf('zero'));
    assert.equal(explained.label, 'zero');

    const quantized = path.join(tmp, 'tfjs-uint8', 'model.json');
    await quantizeTfjsModel({ model: out, mode: 'static', tfjsDtype: 'uint8', out: quantized });
    const reloaded = await loadSavedLayersModel(quantized);
    assert.deepEqual(reloaded.getUserDefinedMetadata(), { 'cnnStudio.classNames': sorted }, 'weight quantization keeps the names');
    reloaded.dispose();
  });
});

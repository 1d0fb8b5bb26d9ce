import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startLongWorkerJob } from '../../../src/runtime/jobs/long-job';
import { readModelFile } from '../../../src/runtime/onnx/codec';
import { createSession } from '../../../src/runtime/onnx/session';
import { readCheckpoint } from '../../../src/runtime/train/checkpoint';
import { stepEngineFactory } from '../../../src/runtime/train/engines';
import { isTrainEvent, type TrainWorkerInput } from '../../../src/runtime/train/messages';
import { writeSampleDataset } from '../../../src/runtime/train/sample-dataset';
import { TrainControl, train } from '../../../src/runtime/train/trainer';
import type { TrainCommand, TrainConfig, TrainEvent, TrainSummary } from '../../../src/runtime/train/types';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist', 'cli.js');

function runCli(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root, maxBuffer: 1 << 26 });
}

describe('training with the ONNX engine: resume, worker and CLI', function () {
  this.timeout(900_000);
  let tmp: string;
  let data: string;
  before(async () => {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-train-cli-'));
    data = path.join(tmp, 'digits');
    await writeSampleDataset(data, { perClass: 16 });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const config = (out: string, overrides: Partial<TrainConfig> = {}): TrainConfig => ({
    model: 'builtin:small-cnn', data, out: path.join(tmp, out), epochs: 2, batchSize: 32, seed: 4, augment: { shift: 2, rotate: 10 }, ...overrides,
  });

  it('stop after epoch 1 and resume: exactly the weights of the uninterrupted 2-epoch run (Dropout, Adam state and all)', async () => {
    await train(config('whole.onnx'), { createEngine: stepEngineFactory() });
    const control = new TrainControl();
    let checkpoint = '';
    await train(config('first.onnx'), {
      createEngine: stepEngineFactory(), control,
      onEvent: (event) => { if (event.type === 'epoch') control.stop(); if (event.type === 'stopped') checkpoint = event.checkpoint; },
    });
    assert.equal(readCheckpoint(checkpoint).epoch, 1);
    await train({ ...config('resumed.onnx'), resume: checkpoint }, { createEngine: stepEngineFactory() });
    const whole = readCheckpoint(path.join(tmp, 'whole.onnx.checkpoints', 'last.ckpt'));
    const resumed = readCheckpoint(path.join(tmp, 'resumed.onnx.checkpoints', 'last.ckpt'));
    assert.deepEqual(Object.keys(resumed.tensors).sort(), Object.keys(whole.tensors).sort());
    assert.ok(Object.keys(whole.tensors).some((name) => name.endsWith('exp_avg_sq')), 'the checkpoint holds Adam state');
    for (const name of Object.keys(whole.tensors)) assert.deepEqual(resumed.tensors[name].data, whole.tensors[name].data, name);
    assert.deepEqual(fs.readFileSync(path.join(tmp, 'resumed.onnx')), fs.readFileSync(path.join(tmp, 'whole.onnx')));
  });

  it('the training worker streams validated events and obeys pause, resume and stop with acknowledged request ids', async () => {
    const events: TrainEvent[] = [];
    const job = startLongWorkerJob<TrainCommand, TrainEvent, TrainSummary | null>(path.join(root, 'dist', 'workers', 'train.js'),
      { config: config('worker.onnx', { epochs: 3 }) } satisfies TrainWorkerInput, {
        isEvent: isTrainEvent,
        onEvent: (event) => {
          events.push(event);
          if (event.type === 'step' && event.epoch === 1 && event.step === 1) {
            void job.send({ type: 'pause' }).then(() => new Promise((resolve) => setTimeout(resolve, 300))).then(() => job.send({ type: 'resume' }));
          }
          if (event.type === 'epoch' && event.metrics.epoch === 1) void job.send({ type: 'stop' });
        },
      });
    await assert.rejects(job.send({ type: 'explode' } as unknown as TrainCommand), /not a command this job takes/);
    const summary = await job.done;
    const types = events.map((event) => event.type);
    assert.deepEqual(types.filter((type) => ['started', 'paused', 'resumed', 'epoch', 'stopped', 'finished'].includes(type)), ['started', 'paused', 'resumed', 'epoch', 'stopped', 'finished']);
    assert.ok(summary && summary.epoch === 1 && summary.output.endsWith('worker.onnx'));
    assert.equal(readCheckpoint(summary.checkpoint).epoch, 1);
    await (await createSession(readModelFile(summary.output))).release();
  });

  it('the worker reports a bad data folder as an error event and a rejected result', async () => {
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    const events: TrainEvent[] = [];
    const job = startLongWorkerJob<TrainCommand, TrainEvent, TrainSummary | null>(path.join(root, 'dist', 'workers', 'train.js'),
      { config: config('never.onnx', { data: empty }) }, { isEvent: isTrainEvent, onEvent: (event) => events.push(event) });
    await assert.rejects(job.done, new RegExp(`${empty} has no class subfolders`));
    assert.deepEqual(events.map((event) => event.type), ['error']);
  });

  it('cnn sample-dataset and cnn train: one JSON line per epoch and a summary; the output runs in onnxruntime', async () => {
    const digits = path.join(tmp, 'cli-digits');
    const made = runCli('sample-dataset', digits, '--per-class', '8', '--json');
    assert.equal(made.status, 0, made.stderr);
    assert.deepEqual(JSON.parse(made.stdout), { dir: digits, classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], images: 80 });
    fs.writeFileSync(path.join(digits, '5', 'broken.png'), 'not an image');
    const out = path.join(tmp, 'cli.onnx');
    const result = runCli('train', 'builtin:small-cnn', '--data', digits, '--epochs', '2', '--batch', '16', '--lr', '0.002', '--optimizer', 'adamw',
      '--schedule', 'cosine', '--augment', 'flip,rotate=5,shift,scale,color,noise,cutout', '--seed', '3', '--val-split', '0.25', '--out', out, '--json');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /skipped .*broken\.png: /);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((line) => line.type), ['epoch', 'epoch', 'summary']);
    for (const line of lines) for (const key of ['epoch', 'loss', 'accuracy', 'valLoss', 'valAccuracy', 'imagesPerSec', 'provider']) assert.ok(key in line, key);
    assert.equal(lines[2].output, out);
    assert.equal(lines[2].provider, 'cpu');
    assert.equal(lines[2].confusion.flat().reduce((a: number, b: number) => a + b, 0), 20);
    await (await createSession(readModelFile(out))).release();

    const config = path.join(tmp, 'run.json');
    fs.writeFileSync(config, JSON.stringify({ model: 'builtin:small-cnn', data: 'cli-digits', out: 'from-config.onnx', epochs: 1, batchSize: 40 }));
    const fromConfig = runCli('train', '--config', config, '--json');
    assert.equal(fromConfig.status, 0, fromConfig.stderr);
    assert.equal(JSON.parse(fromConfig.stdout.trim().split('\n').pop()!).output, path.join(tmp, 'from-config.onnx'));
  });

  it('cnn train names the problem: existing output, one class, unknown augmentation, a head that does not match', () => {
    const mine = path.join(tmp, 'mine.onnx');
    fs.writeFileSync(mine, 'precious');
    assert.match(runCli('train', 'builtin:small-cnn', '--data', data, '--out', mine).stderr, /mine\.onnx already exists/);
    assert.equal(fs.readFileSync(mine, 'utf8'), 'precious');
    const one = path.join(tmp, 'one-class');
    fs.cpSync(path.join(data, '3'), path.join(one, '3'), { recursive: true });
    assert.match(runCli('train', 'builtin:small-cnn', '--data', one, '--out', path.join(tmp, 'x.onnx')).stderr, /has only one class \(3\)/);
    assert.match(runCli('train', 'builtin:small-cnn', '--data', data, '--augment', 'blur', '--out', path.join(tmp, 'x.onnx')).stderr, /unknown augmentation "blur"/);
    const twoClasses = path.join(tmp, 'two-classes');
    for (const digit of ['0', '1']) fs.cpSync(path.join(data, digit), path.join(twoClasses, digit), { recursive: true });
    const head = runCli('train', path.join(tmp, 'whole.onnx'), '--data', twoClasses, '--epochs', '1', '--out', path.join(tmp, 'y.onnx'));
    assert.notEqual(head.status, 0);
    assert.match(head.stderr, /10 outputs but the data has 2 classes.*--new-head/);
  });

  it('draws a Grad-CAM of the watched images after every epoch through the saved model', async () => {
    const watched = [path.join(data, '2', fs.readdirSync(path.join(data, '2'))[0]), path.join(data, '7', fs.readdirSync(path.join(data, '7'))[0])];
    const pictures: Extract<TrainEvent, { type: 'gradcam' }>[] = [];
    await train(config('watched.onnx', { watchImages: watched }), {
      createEngine: stepEngineFactory(),
      onEvent: (event) => { if (event.type === 'gradcam') pictures.push(event); },
    });
    assert.deepEqual(pictures.map((picture) => [picture.epoch, picture.image]), [[1, watched[0]], [1, watched[1]], [2, watched[0]], [2, watched[1]]]);
    const meta = await // eslint-disable-next-line @typescript-eslint/no-require-imports -- a test reads the package directly
    require('sharp')(Buffer.from(pictures[3].png, 'base64')).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 28, 28]);
    assert.notEqual(pictures[0].png, pictures[2].png, 'the map changes as the model learns');
  });

  it('cnn train --find-lr prints the loss curve and a suggested rate between its ends', () => {
    const result = runCli('train', 'builtin:small-cnn', '--data', data, '--batch', '16', '--find-lr', '--json');
    assert.equal(result.status, 0, result.stderr);
    const curve = JSON.parse(result.stdout);
    assert.equal(curve.type, 'learning-rate-finder');
    assert.ok(curve.points.length >= 10);
    assert.ok(curve.suggested > curve.points[0].learningRate && curve.suggested < curve.points[curve.points.length - 1].learningRate, String(curve.suggested));
  });

  it('a killed run leaves a loadable checkpoint that resumes', async () => {
    const out = path.join(tmp, 'killed.onnx');
    const child = spawn(process.execPath, [cli, 'train', 'builtin:small-cnn', '--data', data, '--epochs', '50', '--batch', '32', '--out', out, '--json'], { cwd: root });
    await new Promise<void>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('"type":"epoch"')) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error('the run ended before its first epoch')));
    });
    const checkpoint = path.join(`${out}.checkpoints`, 'last.ckpt');
    const loaded = readCheckpoint(checkpoint);
    assert.ok(loaded.epoch >= 1);
    assert.ok(!fs.existsSync(out));
    const resumed = runCli('train', '--resume', checkpoint, '--data', data, '--epochs', String(loaded.epoch + 1), '--out', path.join(tmp, 'after-kill.onnx'), '--json');
    assert.equal(resumed.status, 0, resumed.stderr);
    const lines = resumed.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(lines.map((line) => [line.type, line.epoch]), [['epoch', loaded.epoch + 1], ['summary', loaded.epoch + 1]]);
  });
});

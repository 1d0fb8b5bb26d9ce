import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { TrainJob } from '../../../src/runtime/jobs/train-job';
import { augmentationPreview } from '../../../src/runtime/train/augment-preview';
import { readCheckpoint } from '../../../src/runtime/train/checkpoint';
import { writeSampleDataset } from '../../../src/runtime/train/sample-dataset';

const root = path.resolve(__dirname, '../../..');
const cudaBundled = ort.listSupportedBackends().some((backend) => backend.name === 'cuda' && backend.bundled);

describe('the Train panel\'s jobs', function () {
  this.timeout(600_000);
  let tmp: string;
  let data: string;
  before(async () => {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-train-panel-'));
    data = path.join(tmp, 'digits');
    await writeSampleDataset(data, { perClass: 12 });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a run in the training worker: its status follows the events, Stop leaves the epoch-1 checkpoint, and the execution setting reaches its sessions', async function () {
    if (cudaBundled) this.skip();
    const out = path.join(tmp, 'stopped.onnx');
    const job = new TrainJob(1, { model: 'builtin:small-cnn', data, out, epochs: 5, batchSize: 16, seed: 1 }, path.join(root, 'dist', 'workers', 'train.js'), { provider: 'cuda', threads: 1 });
    const statuses: string[] = [];
    job.onEvent((event, status) => {
      statuses.push(status);
      if (event.type === 'epoch') {
        void job.send({ type: 'stop' });
        statuses.push(job.status);
      }
    });
    assert.equal(await job.done, 'stopped');
    const started = job.events.find((event) => event.type === 'started');
    assert.ok(started && started.type === 'started');
    assert.equal(started.provider, 'cpu');
    assert.match(started.providerFallback ?? '', /^cuda did not initialize/);
    assert.deepEqual([...new Set(statuses)], ['running', 'stopping', 'stopped']);
    const types = job.events.map((event) => event.type);
    assert.deepEqual(types.filter((type) => type !== 'step'), ['started', 'epoch', 'stopped', 'finished']);
    assert.equal(readCheckpoint(path.join(`${out}.checkpoints`, 'last.ckpt')).epoch, 1);
    await assert.rejects(job.send({ type: 'pause' }), /the run has already stopped/);
  });

  it('the summary lists every validation image with its class and prediction, matching the confusion matrix', async () => {
    const job = new TrainJob(2, { model: 'builtin:small-cnn', data, out: path.join(tmp, 'whole.onnx'), epochs: 1, batchSize: 16, seed: 2, valSplit: 0.25 }, path.join(root, 'dist', 'workers', 'train.js'), { provider: 'cpu', threads: 1 });
    assert.equal(await job.done, 'finished');
    const finished = job.events.find((event) => event.type === 'finished');
    assert.ok(finished && finished.type === 'finished');
    const { confusion, validation } = finished.summary;
    assert.equal(validation?.length, 30);
    const counted = confusion.map((row) => row.map(() => 0));
    for (const entry of validation!) {
      assert.ok(entry.file.startsWith(data));
      assert.equal(path.basename(path.dirname(entry.file)), finished.summary.classes[entry.actual]);
      counted[entry.actual][entry.predicted]++;
    }
    assert.deepEqual(counted, confusion);
  });

  it('the augmentation preview is a grid of 16 training images as the model sees them', async () => {
    const plain = await augmentationPreview({ model: 'builtin:small-cnn', data, seed: 3 });
    const augmented = await augmentationPreview({ model: 'builtin:small-cnn', data, seed: 3, augment: { rotate: 30, cutout: 0.4 } });
    const meta = await sharp(Buffer.from(plain.png, 'base64')).metadata();
    // 4×4 tiles of 28 px with 2 px gaps, enlarged 3× to reach the 64 px smallest tile.
    assert.deepEqual([meta.width, meta.height], [(4 * 28 + 3 * 2) * 3, (4 * 28 + 3 * 2) * 3]);
    assert.notEqual(augmented.png, plain.png);
    assert.match(plain.preprocessing, /28×28, grayscale/);
  });
});

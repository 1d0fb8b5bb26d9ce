import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { statusAfter } from '../../../src/runtime/train/events';
import type { EpochMetrics, TrainEvent, TrainSummary } from '../../../src/runtime/train/types';
import { applyEvent, emptyRunView, formatDuration, historyView, replay, rowShares, thin } from '../../../src/webviews/train/page/run-view';
import { defaultOutput, isInside, uniqueSibling } from '../../../src/webviews/train/paths';
import { DEFAULT_SETTINGS, parseHostMessage, parsePageMessage, parseTrainPageState, parseTrainSettings } from '../../../src/webviews/train/protocol';

const metrics = (epoch: number, valAccuracy: number): EpochMetrics => ({
  epoch, loss: 1 / epoch, accuracy: 0.5 + epoch / 10, valLoss: 1.2 / epoch, valAccuracy, learningRate: 0.001, imagesPerSec: 900, provider: 'cpu', seconds: 2,
});

describe('Train panel', () => {
  describe('protocol validation', () => {
    it('accepts the form\'s settings and names the first bad field', () => {
      assert.deepEqual(parseTrainSettings(DEFAULT_SETTINGS), { settings: DEFAULT_SETTINGS });
      assert.deepEqual(parseTrainSettings({ epochs: 3, augment: { shift: 2, rotate: 10 }, classWeights: 'balanced', freezeUntil: ' conv2 ' }),
        { settings: { epochs: 3, augment: { shift: 2, rotate: 10 }, classWeights: 'balanced', freezeUntil: 'conv2' } });
      assert.deepEqual(parseTrainSettings({ loss: 'binary-cross-entropy', multiLabel: true }), { settings: { loss: 'binary-cross-entropy', multiLabel: true } });
      const errors: [unknown, RegExp][] = [
        [{ epochs: 0 }, /epochs must be an integer from 1 to 10000 \(got 0\)/],
        [{ epochs: 2.5 }, /epochs must be an integer/],
        [{ learningRate: 0 }, /learningRate must be a number from 0 \(exclusive\)/],
        [{ optimizer: 'lbfgs' }, /optimizer must be one of sgd, adam, adamw/],
        [{ augment: { mixup: 1 } }, /unknown augmentation "mixup"/],
        [{ augment: { rotate: 500 } }, /augmentation rotate must have a strength above 0 and at most 180 degrees/],
        [{ newHead: 'yes' }, /newHead must be true or false/],
        [{ multiLabel: 'auto' }, /multiLabel must be true or false/],
        [{ data: '/etc' }, /unknown setting "data"/],
        [{ out: '/home/me/.bashrc' }, /unknown setting "out"/],
        [{ epochs: 2, warmupEpochs: 3 }, /warmupEpochs \(3\) exceeds epochs \(2\)/],
      ];
      for (const [settings, error] of errors) {
        const parsed = parseTrainSettings(settings);
        assert.ok('error' in parsed, JSON.stringify(settings));
        assert.match(parsed.error, error);
      }
    });

    it('takes only known page messages with request ids, and never a path', () => {
      assert.deepEqual(parsePageMessage({ type: 'ready' }), { type: 'ready' });
      assert.deepEqual(parsePageMessage({ type: 'start', requestId: 3, settings: { epochs: 2 } }), { type: 'start', requestId: 3, settings: { epochs: 2 } });
      assert.deepEqual(parsePageMessage({ type: 'stop', requestId: 4, jobId: 1 }), { type: 'stop', requestId: 4, jobId: 1 });
      assert.deepEqual(parsePageMessage({ type: 'pick', requestId: 5, what: 'data' }), { type: 'pick', requestId: 5, what: 'data' });
      assert.deepEqual(parsePageMessage({ type: 'cellImages', requestId: 6, actual: 2, predicted: 7 }), { type: 'cellImages', requestId: 6, actual: 2, predicted: 7 });
      for (const message of [
        null, 'start', { type: 'ready', extra: 1 }, { type: 'start', settings: {} }, { type: 'start', requestId: -1, settings: {} },
        { type: 'start', requestId: 1.5, settings: {} }, { type: 'start', requestId: 1, settings: { model: '/x.onnx' } },
        { type: 'stop', requestId: 1 }, { type: 'pick', requestId: 1, what: '/etc/passwd' }, { type: 'openResult', requestId: 1, action: 'delete' },
        { type: 'cellImages', requestId: 1, actual: -1, predicted: 0 }, { type: 'readFile', requestId: 1, file: '/etc/passwd' },
      ]) {
        assert.equal(parsePageMessage(message), undefined, JSON.stringify(message));
      }
    });

    it('the page drops host messages it cannot draw', () => {
      const started: TrainEvent = { type: 'started', classes: ['0', '1'], trainImages: 9, valImages: 1, skipped: [], provider: 'cpu', device: 'cpu' };
      assert.ok(parseHostMessage({ type: 'event', jobId: 1, event: started }));
      assert.equal(parseHostMessage({ type: 'event', jobId: 1, event: { type: 'explode' } }), undefined);
      assert.equal(parseHostMessage({ type: 'event', jobId: 1, event: { type: 'step', epoch: 1 } }), undefined);
      assert.equal(parseHostMessage({ type: 'status', jobId: 1, status: 'exploded' }), undefined);
      assert.ok(parseHostMessage({ type: 'state', selection: { model: 'builtin:small-cnn', data: null, out: null, watchImages: [] }, settings: {}, job: null, interrupted: null }));
    });

    it('restores page state with default settings when they no longer validate, and nothing without a selection', () => {
      const selection = { model: 'builtin:small-cnn', data: '/d', out: '/d.onnx', watchImages: [] };
      assert.deepEqual(parseTrainPageState({ selection, settings: { epochs: -3 } }), { selection, settings: DEFAULT_SETTINGS });
      assert.equal(parseTrainPageState({ settings: DEFAULT_SETTINGS }), undefined);
    });
  });

  describe('the run as the page draws it', () => {
    const events: TrainEvent[] = [
      { type: 'started', classes: ['a', 'b'], trainImages: 90, valImages: 10, skipped: [{ file: 'x.png', reason: 'corrupt' }], provider: 'cpu', device: 'EPYC (2 cores)', providerFallback: 'cuda did not initialize' },
      { type: 'step', epoch: 1, step: 1, stepsPerEpoch: 2, loss: 0.9, accuracy: 0.4, learningRate: 0.001, imagesPerSec: 500, etaSeconds: 12 },
      { type: 'step', epoch: 1, step: 2, stepsPerEpoch: 2, loss: 0.7, accuracy: 0.6, learningRate: 0.001, imagesPerSec: 520, etaSeconds: 10 },
      { type: 'epoch', metrics: metrics(1, 0.7), checkpoint: '/out.onnx.checkpoints/last.ckpt' },
      { type: 'gradcam', epoch: 1, image: '/d/a/1.png', png: 'AAAA' },
      { type: 'paused' },
    ];

    it('folds events into curves on one epoch axis, numbers and status', () => {
      const view = replay(events, 'paused', 3);
      assert.deepEqual(view.stepLoss, [{ x: 0.5, y: 0.9 }, { x: 1, y: 0.7 }]);
      assert.deepEqual(view.epochLoss, [{ x: 1, y: 1 }]);
      assert.deepEqual(view.valAccuracy, [{ x: 1, y: 0.7 }]);
      assert.equal(view.status, 'paused');
      assert.equal(view.epochs, 3);
      assert.equal(view.providerFallback, 'cuda did not initialize');
      assert.equal(view.checkpoint, '/out.onnx.checkpoints/last.ckpt');
      assert.deepEqual(view.gradcams.get('/d/a/1.png'), [{ epoch: 1, png: 'AAAA' }]);
      assert.equal(view.skipped.length, 1);
      applyEvent(view, { type: 'resumed' });
      assert.equal(view.status, 'running');
    });

    it('a stop keeps the status stopped through the finished summary, and an error ends the ETA', () => {
      const view = replay(events, 'paused', 3);
      applyEvent(view, { type: 'stopped', checkpoint: '/out.onnx.checkpoints/last.ckpt' });
      applyEvent(view, { type: 'finished', summary: { ...metrics(1, 0.7), output: '/out.onnx', checkpoint: '/out.onnx.checkpoints/last.ckpt' } as TrainSummary });
      assert.equal(view.status, 'stopped');
      assert.equal(view.summary?.output, '/out.onnx');
      const failed = applyEvent(emptyRunView(), { type: 'error', message: 'the loss became NaN' });
      assert.deepEqual([failed.status, failed.error, failed.etaSeconds], ['failed', 'the loss became NaN', null]);
    });

    it('draws an interrupted run\'s epochs from its checkpoint history', () => {
      const view = historyView([metrics(1, 0.5), metrics(2, 0.8)]);
      assert.deepEqual(view.valAccuracy.map((point) => point.y), [0.5, 0.8]);
    });

    it('job status follows the events as the host sees them', () => {
      assert.equal(statusAfter('starting', events[0]), 'running');
      assert.equal(statusAfter('running', { type: 'paused' }), 'paused');
      assert.equal(statusAfter('stopping', { type: 'paused' }), 'stopping');
      assert.equal(statusAfter('stopping', { type: 'finished', summary: {} as TrainSummary }), 'stopped');
      assert.equal(statusAfter('running', { type: 'finished', summary: {} as TrainSummary }), 'finished');
      assert.equal(statusAfter('running', { type: 'error', message: 'x' }), 'failed');
    });

    it('thins a long curve to a limit, keeping the newest point; formats durations; shades confusion rows', () => {
      const points = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: i }));
      const kept = thin(points, 100);
      assert.equal(kept.length, 100);
      assert.deepEqual(kept[kept.length - 1], { x: 999, y: 999 });
      assert.equal(thin(points.slice(0, 5), 100).length, 5);
      assert.deepEqual([formatDuration(42), formatDuration(185), formatDuration(3720), formatDuration(null)], ['42 s', '3 min 05 s', '1 h 02 min', '—']);
      assert.deepEqual(rowShares([[3, 1], [0, 0]]), [[0.75, 0.25], [0, 0]]);
    });
  });

  describe('paths', () => {
    let tmp: string;
    beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-train-paths-')); });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('proposes a new output beside the data, never an existing file or a run\'s checkpoints', () => {
      const data = path.join(tmp, 'digits');
      fs.mkdirSync(data);
      assert.equal(defaultOutput({ model: 'builtin:small-cnn', data }, 'builtin:small-cnn'), path.join(tmp, 'small-cnn-digits.onnx'));
      fs.writeFileSync(path.join(tmp, 'small-cnn-digits.onnx'), 'taken');
      fs.mkdirSync(path.join(tmp, 'small-cnn-digits-2.onnx.checkpoints'));
      assert.equal(defaultOutput({ model: 'builtin:small-cnn', data }, 'builtin:small-cnn'), path.join(tmp, 'small-cnn-digits-3.onnx'));
      assert.equal(defaultOutput({ model: '/m/mobilenet/model.json', data }, 'builtin:small-cnn'), path.join(tmp, 'mobilenet-digits-tfjs', 'model.json'));
      assert.equal(defaultOutput({ model: '/m/mnist.onnx', data: null }, 'builtin:small-cnn'), null);
      assert.equal(uniqueSibling(path.join(tmp, 'fresh.onnx')), path.join(tmp, 'fresh.onnx'));
    });

    it('a file is inside the data folder only below it', () => {
      assert.equal(isInside('/d/digits', '/d/digits/3/a.png'), true);
      assert.equal(isInside('/d/digits', '/d/digits'), false);
      assert.equal(isInside('/d/digits', '/d/digits/../secrets.png'), false);
      assert.equal(isInside('/d/digits', '/d/digits-other/a.png'), false);
    });
  });
});

import * as assert from 'node:assert/strict';
import type { QuantizeReport } from '../../../src/runtime/quantize/types';
import { imageFolderChoices } from '../../../src/webviews/quantize/folders';
import { describeQuantizeProgress } from '../../../src/webviews/quantize/progress';
import { parseHostMessage, parsePageMessage, parseQuantizePageState, parseSettings } from '../../../src/webviews/quantize/protocol';

const report: QuantizeReport = {
  mode: 'static',
  output: '/w/models/mnist.int8.onnx',
  original: { file: '/w/models/mnist.onnx', bytes: 26_454, latencyMs: 0.21, accuracy: 0.98 },
  quantized: { file: '/w/models/mnist.int8.onnx', bytes: 10_240, latencyMs: 0.15, accuracy: 0.97 },
  cpuInt8Support: 'VNNI',
  provider: 'cpu',
  warnings: [],
  nodes: { quantized: 4, keptFloat: [] },
};

describe('quantize panel protocol validation', () => {
  it('accepts the messages the page may send, with request ids', () => {
    assert.deepEqual(parsePageMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parsePageMessage({ type: 'pickModel' }), { type: 'pickModel' });
    assert.deepEqual(parsePageMessage({ type: 'pickFolder', requestId: 3, purpose: 'evaluation' }), { type: 'pickFolder', requestId: 3, purpose: 'evaluation' });
    assert.deepEqual(parsePageMessage({ type: 'cancel', requestId: 7 }), { type: 'cancel', requestId: 7 });
    assert.deepEqual(parsePageMessage({ type: 'open', target: 'inspector' }), { type: 'open', target: 'inspector' });
    assert.deepEqual(parsePageMessage({ type: 'quantize', requestId: 1, settings: { mode: 'static', calibration: '/w/digits', method: 'percentile', percentile: 99.99, exclude: [' Gemm '] } }), {
      type: 'quantize', requestId: 1, settings: { mode: 'static', calibration: '/w/digits', method: 'percentile', percentile: 99.99, exclude: ['Gemm'] },
    });
  });

  it('drops unknown, malformed or padded page messages', () => {
    for (const message of [
      undefined, null, 'ready', [], {},
      { type: 'ready', extra: 1 },
      { type: 'pickFolder', requestId: 0, purpose: 'calibration' },
      { type: 'pickFolder', requestId: 1.5, purpose: 'calibration' },
      { type: 'pickFolder', requestId: 1, purpose: 'output' },
      { type: 'cancel', requestId: '1' },
      { type: 'open', target: 'terminal' },
      { type: 'open', target: 'inspector', file: '/etc/passwd' },
      { type: 'quantize', requestId: 1, settings: { mode: 'static', calibration: '/w/digits' }, out: '/w/models/mnist.onnx' },
      { type: 'quantize', requestId: 1, settings: { mode: 'static' } },
      { type: 'quantize', requestId: 1, settings: { mode: 'int4' } },
      { type: 'quantize', requestId: 1, settings: { mode: 'dynamic', model: '/etc/passwd' } },
      { type: 'quantize', requestId: 1, settings: { mode: 'dynamic', out: '/w/models/mnist.onnx' } },
    ]) {
      assert.equal(parsePageMessage(message), undefined, JSON.stringify(message));
    }
  });

  it('names what is wrong in settings', () => {
    const error = (settings: unknown) => {
      const parsed = parseSettings(settings);
      return 'error' in parsed ? parsed.error : undefined;
    };
    assert.equal(error({ mode: 'static' }), 'static quantization needs a calibration folder');
    assert.equal(error({ mode: 'dynamic', percentile: 40 }), 'percentile must be a number above 50 and at most 100');
    assert.equal(error({ mode: 'dynamic', percentile: Number.NaN }), 'percentile must be a number above 50 and at most 100');
    assert.equal(error({ mode: 'dynamic', calibrationLimit: 0 }), 'calibrationLimit must be an integer of at least 1');
    assert.equal(error({ mode: 'dynamic', method: 'kl' }), 'method must be one of minmax, percentile, entropy');
    assert.equal(error({ mode: 'dynamic', exclude: ['Conv', ''] }), 'exclude must be a list of names');
    assert.equal(error({ mode: 'dynamic', perChannel: 'yes' }), 'perChannel must be true or false');
    assert.equal(error({ mode: 'dynamic', accuracyBudget: 101 }), 'accuracyBudget must be between 0 and 100 points');
    assert.equal(error({ mode: 'dynamic', preprocessing: { size: [0, 28] } }), 'preprocessing is not valid');
    assert.equal(error({ mode: 'fp16', tfjsDtype: 'int4' }), 'tfjsDtype must be one of uint8, uint16, float16');
    assert.equal(error({ mode: 'dynamic', out: 'x' }), 'unknown setting out');
    assert.equal(error({ mode: 'fp16', keepIoFloat32: true, preprocessing: { size: [28, 28], channels: 'gray' } }), undefined);
  });

  it('lets the page accept only well-formed host messages', () => {
    assert.ok(parseHostMessage({ type: 'setup', model: null, folders: [] }));
    assert.ok(parseHostMessage({ type: 'setup', model: { file: '/w/m.onnx', format: 'onnx', preprocessing: null, input: null }, folders: [{ folder: '/w/d', images: 3, classes: 0 }] }));
    assert.equal(parseHostMessage({ type: 'setup', model: { file: '/w/m.onnx', format: 'keras' }, folders: [] }), undefined);
    assert.equal(parseHostMessage({ type: 'setup', model: null, folders: [{ folder: '' }] }), undefined);
    assert.ok(parseHostMessage({ type: 'progress', requestId: 2, message: 'calibrating 3/50', percent: 6 }));
    assert.ok(parseHostMessage({ type: 'progress', requestId: 2, message: 'preparing', percent: null }));
    assert.equal(parseHostMessage({ type: 'progress', requestId: 2, message: 'x' }), undefined);
    assert.ok(parseHostMessage({ type: 'report', requestId: 2, settings: { mode: 'static', calibration: '/w/d' }, report }));
    assert.equal(parseHostMessage({ type: 'report', requestId: 2, settings: { mode: 'static' }, report }), undefined);
    assert.equal(parseHostMessage({ type: 'report', requestId: 2, settings: { mode: 'dynamic' }, report: { ...report, original: null } }), undefined);
    assert.ok(parseHostMessage({ type: 'error', requestId: null, message: 'no model' }));
    assert.ok(parseHostMessage({ type: 'cancelled', requestId: 4 }));
    assert.equal(parseHostMessage({ type: 'cancelled' }), undefined);
  });

  it('restores page state: the model always, settings and report only when valid', () => {
    assert.equal(parseQuantizePageState(undefined), undefined);
    assert.equal(parseQuantizePageState({ settings: { mode: 'dynamic' } }), undefined);
    assert.deepEqual(parseQuantizePageState({ model: '/w/m.onnx', settings: { mode: 'static' }, report: { output: 3 } }), { model: '/w/m.onnx' });
    assert.deepEqual(parseQuantizePageState({ model: '/w/m.onnx', settings: { mode: 'dynamic' }, report }), { model: '/w/m.onnx', settings: { mode: 'dynamic' }, report });
  });
});

describe('quantize panel image folders', () => {
  it('offers labelled folders (one subfolder per class) first, then flat ones by size', () => {
    const choices = imageFolderChoices([
      '/w/digits/0/a.png', '/w/digits/0/b.png', '/w/digits/1/c.png', '/w/digits/7/d.png',
      '/w/images/cat.jpg', '/w/images/fish.png', '/w/images/kitten.png',
      '/w/photos/one/x.jpg',
    ]);
    assert.deepEqual(choices, [
      { folder: '/w/digits', images: 4, classes: 3 },
      { folder: '/w/images', images: 3, classes: 0 },
      { folder: '/w/digits/0', images: 2, classes: 0 },
      { folder: '/w/digits/1', images: 1, classes: 0 },
      { folder: '/w/digits/7', images: 1, classes: 0 },
      { folder: '/w/photos/one', images: 1, classes: 0 },
    ]);
  });
});

describe('quantize panel progress', () => {
  it('reads the worker\'s events: stages as words, counted steps with a percentage', () => {
    assert.deepEqual(describeQuantizeProgress(JSON.stringify({ type: 'stage', stage: 'calibrate', message: 'calibrating 12 tensors on 50 images (minmax)' })), {
      message: 'Calibrate: calibrating 12 tensors on 50 images (minmax)', percent: null,
    });
    assert.deepEqual(describeQuantizeProgress(JSON.stringify({ type: 'progress', done: 10, total: 40, message: 'calibration image 10 of 40' })), { message: 'calibration image 10 of 40', percent: 25 });
    assert.deepEqual(describeQuantizeProgress('plain words'), { message: 'plain words', percent: null });
    assert.deepEqual(describeQuantizeProgress('{"type":"stage","stage":"launch","message":"x"}'), { message: '{"type":"stage","stage":"launch","message":"x"}', percent: null });
  });
});

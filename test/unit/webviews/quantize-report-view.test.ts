import * as assert from 'node:assert/strict';
import type { QuantizeReport } from '../../../src/runtime/quantize/types';
import {
  agreementFigures, comparisonRows, defaultFormValues, excludeWorst, formValuesFrom, rankSensitivity, reportNotes, sensitivityBars, settingsFromForm, type FormValues,
} from '../../../src/webviews/quantize/page/report-view';
import { quantizeStrings } from '../../../src/webviews/quantize/strings';
import { ENGLISH } from '../../../src/webviews/shared/strings';

/** The page's strings as the host sends them in English. */
const strings = quantizeStrings(ENGLISH);

const report: QuantizeReport = {
  mode: 'static',
  output: '/w/models/mnist.int8.onnx',
  original: { file: '/w/models/mnist.onnx', bytes: 2 * 1024 * 1024, latencyMs: 12, accuracy: 0.985 },
  quantized: { file: '/w/models/mnist.int8.onnx', bytes: 512 * 1024, latencyMs: 5, accuracy: 0.97 },
  cpuInt8Support: 'VNNI',
  provider: 'cpu',
  warnings: [],
  agreement: { images: 200, top1Agreement: 0.985, meanCosine: 0.99912, sqnrDb: 24.26 },
  calibration: { method: 'minmax', images: 50, skipped: [{ file: '/w/d/bad.png', reason: 'not an image' }] },
  nodes: { quantized: 5, keptFloat: [{ name: 'softmax', opType: 'Softmax', reason: 'no int8 kernel' }] },
  sensitivity: [
    { name: 'conv1', opType: 'Conv', sqnrDb: 31.5, excluded: false },
    { name: 'fc2', opType: 'Gemm', sqnrDb: 18.25, excluded: false },
    { name: 'conv2', opType: 'Conv', sqnrDb: 27, excluded: false },
    { name: 'fc1', opType: 'Gemm', sqnrDb: 12, excluded: true },
  ],
  exclusions: ['fc1'],
};

function form(patch: Partial<FormValues>): FormValues {
  return { ...defaultFormValues(), ...patch };
}

describe('quantize page: settings from the form', () => {
  it('sends only what applies to static quantization, with the calibration folder evaluating too', () => {
    const parsed = settingsFromForm(form({ calibration: '/w/digits', calibrationLimit: '200', exclude: 'Gemm, /fc/Gemm\nGemm', driftImages: '2' }), 'onnx', strings);
    assert.deepEqual(parsed, {
      settings: {
        mode: 'static', exclude: ['Gemm', '/fc/Gemm'], perChannel: true, calibration: '/w/digits', calibrationLimit: 200,
        method: 'minmax', activations: 'uint8', symmetric: false, evaluation: '/w/digits', sensitivity: true, explanationDriftImages: 2,
      },
    });
  });

  it('asks for a calibration folder before a static run, and names a bad number', () => {
    assert.deepEqual(settingsFromForm(form({}), 'onnx', strings), { error: 'Static quantization needs a calibration folder: choose one.' });
    assert.deepEqual(settingsFromForm(form({ calibration: '/w/d', method: 'percentile', percentile: 'abc' }), 'onnx', strings), {
      error: 'Check the settings: percentile must be a number above 50 and at most 100.',
    });
    assert.deepEqual(settingsFromForm(form({ calibration: '/w/d', calibrationLimit: '2.5' }), 'onnx', strings), {
      error: 'Check the settings: calibrationLimit must be an integer of at least 1.',
    });
  });

  it('float16 and dynamic modes need no calibration; the automatic mode carries its budget', () => {
    assert.deepEqual(settingsFromForm(form({ mode: 'fp16', keepIoFloat32: false, sensitivity: false }), 'onnx', strings), { settings: { mode: 'fp16', keepIoFloat32: false } });
    assert.deepEqual(settingsFromForm(form({ mode: 'dynamic', reduceRange: 'on', evaluation: '/w/eval', sensitivity: false, automatic: true, accuracyBudget: '0.5', driftImages: '0' }), 'onnx', strings), {
      settings: { mode: 'dynamic', perChannel: true, reduceRange: true, evaluation: '/w/eval', sensitivity: true, accuracyBudget: 0.5, explanationDriftImages: 0 },
    });
  });

  it('TensorFlow.js models get weight quantization in the chosen dtype', () => {
    assert.deepEqual(settingsFromForm(form({ tfjsDtype: 'uint16', tfjsWeights: 'conv*, dense_1/kernel', calibration: '' }), 'tfjs', strings), {
      settings: { mode: 'dynamic', tfjsDtype: 'uint16', tfjsWeights: ['conv*', 'dense_1/kernel'] },
    });
    assert.deepEqual(settingsFromForm(form({ tfjsDtype: 'float16', evaluation: '/w/e', sensitivity: false }), 'tfjs', strings), {
      settings: { mode: 'fp16', tfjsDtype: 'float16', evaluation: '/w/e', sensitivity: false },
    });
  });

  it('fills the form again from the settings of a run', () => {
    for (const reduceRange of ['auto', 'on', 'off'] as const) {
      const { settings } = settingsFromForm(form({ calibration: '/w/digits', method: 'percentile', percentile: '99.9', exclude: 'Gemm', automatic: true, accuracyBudget: '2', reduceRange }), 'onnx', strings) as { settings: never };
      assert.deepEqual(settingsFromForm(formValuesFrom(settings), 'onnx', strings), { settings });
    }
  });
});

describe('quantize page: the report', () => {
  it('compares size, latency and accuracy side by side', () => {
    assert.deepEqual(comparisonRows(report, strings), [
      { key: 'size', label: 'File size', original: '2.00 MiB', quantized: '512 KiB', change: '25% of the original', better: true },
      { key: 'latency', label: 'Latency (cpu)', original: '12.0 ms', quantized: '5.00 ms', change: '2.40× faster', better: true },
      { key: 'accuracy', label: 'Accuracy', original: '98.5%', quantized: '97.0%', change: '−1.5 points', better: false },
    ]);
    const slower = comparisonRows({ ...report, quantized: { ...report.quantized, latencyMs: 24, accuracy: undefined } }, strings);
    assert.equal(slower.length, 2);
    assert.equal(slower[1].change, '2.00× slower');
    assert.equal(slower[1].better, false);
  });

  it('shows agreement figures and the notes that matter', () => {
    assert.deepEqual(agreementFigures(report, strings).map(({ label, value }) => [label, value]), [['top-1 agreement', '98.5%'], ['output cosine', '0.9991'], ['SQNR', '24.3 dB']]);
    assert.match(agreementFigures(report, strings)[0].title, /197 of 200/);
    assert.deepEqual(agreementFigures({ ...report, agreement: undefined }, strings), []);
    assert.deepEqual(reportNotes(report, strings), []);
    assert.match(reportNotes({ ...report, cpuInt8Support: 'none', warnings: ['int8 is not faster here'] }, strings).join('\n'), /int8 is not faster here\nThis CPU has no int8 instructions/);
    assert.equal(reportNotes({ ...report, mode: 'fp16', cpuInt8Support: 'none' }, strings).length, 0);
  });

  it('ranks layers worst first with those kept float last, and draws the worst bars', () => {
    assert.deepEqual(rankSensitivity(report.sensitivity!).map((layer) => layer.name), ['fc2', 'conv2', 'conv1', 'fc1']);
    assert.deepEqual(sensitivityBars(report.sensitivity!, 2), { labels: ['fc2 (Gemm)', 'conv2 (Conv)'], values: [18.25, 27], excluded: [false, false] });
  });

  it('excludes the worst layer not yet excluded and keeps the earlier exclusions', () => {
    assert.deepEqual(excludeWorst({ mode: 'static', calibration: '/w/d', exclude: ['Softmax'] }, report), { mode: 'static', calibration: '/w/d', exclude: ['Softmax', 'fc1', 'fc2'] });
    assert.deepEqual(excludeWorst({ mode: 'static', calibration: '/w/d' }, report, 2)?.exclude, ['fc1', 'fc2', 'conv2']);
    const allExcluded = { ...report, sensitivity: report.sensitivity!.map((layer) => ({ ...layer, excluded: true })) };
    assert.equal(excludeWorst({ mode: 'static', calibration: '/w/d' }, allExcluded), undefined);
  });
});

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseCallAt } from '../../../src/runtime/knowledge/call-parser';
import { reportForCall } from '../../../src/runtime/knowledge/formulas';
import type { LayerReport } from '../../../src/runtime/knowledge/formulas/layer-spec';
import { loadTfjs } from '../../../src/runtime/tfjs/backend';

function report(symbol: string, call: string, python = true): LayerReport {
  const parsed = parseCallAt(call, call.indexOf('('), python);
  assert.ok(parsed);
  const result = reportForCall(symbol, parsed.args);
  assert.ok(result, `no formula for ${symbol}`);
  return result;
}

describe('layer formulas', () => {
  it('fills in the convolution example of the hover', () => {
    const conv = report('torch.nn.Conv2d', 'nn.Conv2d(3, 64, kernel_size=3, stride=2, padding=1)');
    assert.equal(conv.parameters, 1792);
    assert.equal(conv.parameterText, '1,792 parameters: weight 64×3×3×3 = 1,728 + bias 64');
    assert.deepEqual(conv.outputFormulas, ['H_out = ⌊(H + 2·1 − 3)/2⌋ + 1', 'W_out = ⌊(W + 2·1 − 3)/2⌋ + 1']);
    assert.deepEqual(conv.example, { input: [224, 224], output: [112, 112] });
  });

  it('shows dilation, groups, no bias and stride-1 simplification', () => {
    const conv = report('torch.nn.Conv2d', 'nn.Conv2d(32, 64, 3, 1, 2, 2, groups=4, bias=False)');
    assert.equal(conv.parameters, 64 * 8 * 9);
    assert.equal(conv.outputFormulas[0], 'H_out = H + 2·2 − 2·(3 − 1) − 1 + 1 = H');
    const shrinking = report('torch.nn.Conv2d', 'nn.Conv2d(1, 8, 5)');
    assert.equal(shrinking.outputFormulas[0], 'H_out = H − 5 + 1 = H − 4');
  });

  it('keeps non-literal arguments as symbols', () => {
    const conv = report('torch.nn.Conv2d', 'nn.Conv2d(in_ch, 64, 3, padding=1)');
    assert.equal(conv.parameters, undefined);
    assert.equal(conv.parameterText, 'parameters = 64·in_ch·3·3 + 64');
    assert.deepEqual(conv.example, { input: [224, 224], output: [224, 224] });
    assert.equal(report('torch.nn.Linear', 'nn.Linear(64 * 14 * 14, 128)').parameters, 64 * 14 * 14 * 128 + 128);
    const linear = report('torch.nn.Linear', 'nn.Linear(hidden * 2, 10)');
    assert.equal(linear.parameterText, 'parameters = (hidden * 2)·10 + 10');
  });

  it("uses Keras 'same'/'valid' padding and leaves unknown input channels symbolic", () => {
    const same = report('keras.layers.Conv2D', "layers.Conv2D(64, 3, strides=2, padding='same')");
    assert.deepEqual(same.outputFormulas, ['H_out = ⌈H/2⌉', 'W_out = ⌈W/2⌉']);
    assert.equal(same.parameterText, 'parameters = 3·3·C_in·64 + 64');
    const valid = report('keras.layers.Conv2D', 'layers.Conv2D(32, (3, 3), input_shape=(28, 28, 1))');
    assert.equal(valid.parameters, 320);
    assert.deepEqual(valid.example, { input: [28, 28], output: [26, 26] });
    const pool = report('keras.layers.MaxPooling2D', 'layers.MaxPooling2D()');
    assert.deepEqual(pool.example, { input: [224, 224], output: [112, 112] });
  });

  it('fills the transposed convolution formula', () => {
    const up = report('torch.nn.ConvTranspose2d', 'nn.ConvTranspose2d(128, 64, kernel_size=4, stride=2, padding=1)');
    assert.equal(up.parameters, 128 * 64 * 16 + 64);
    assert.equal(up.outputFormulas[0], 'H_out = (H − 1)·2 − 2·1 + (4 − 1) + 1');
    assert.deepEqual(up.example?.output, [448, 448]);
  });

  describe('agree with PyTorch on parameters and output sizes', () => {
    const calls: Array<[string, string, number]> = [
      ['torch.nn.Conv2d', 'nn.Conv2d(3, 64, kernel_size=3, stride=2, padding=1)', 3],
      ['torch.nn.Conv2d', 'nn.Conv2d(16, 32, (3, 5), stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=4, bias=False)', 16],
      ['torch.nn.Conv2d', "nn.Conv2d(8, 8, 3, padding='same')", 8],
      ['torch.nn.Conv1d', 'nn.Conv1d(300, 100, 4)', 300],
      ['torch.nn.Conv3d', 'nn.Conv3d(2, 4, 3, stride=2, padding=1)', 2],
      ['torch.nn.ConvTranspose2d', 'nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1)', 64],
      ['torch.nn.ConvTranspose2d', 'nn.ConvTranspose2d(8, 4, 2, 2, groups=2, dilation=2)', 8],
      ['torch.nn.MaxPool2d', 'nn.MaxPool2d(3, stride=2, padding=1)', 3],
      ['torch.nn.MaxPool2d', 'nn.MaxPool2d(3, 2, ceil_mode=True)', 3],
      ['torch.nn.AvgPool2d', 'nn.AvgPool2d((2, 3))', 3],
      ['torch.nn.MaxPool1d', 'nn.MaxPool1d(2)', 3],
      ['torch.nn.Linear', 'nn.Linear(512, 1000)', 512],
      ['torch.nn.Linear', 'nn.Linear(128, 10, bias=False)', 128],
    ];
    const python = `
import json, sys, torch
import torch.nn as nn
results = []
for call, channels, size in json.load(sys.stdin):
    layer = eval(call)
    params = sum(p.numel() for p in layer.parameters())
    shape = [1, channels] + size if 'Linear' not in call else [1, channels]
    out = layer(torch.zeros(shape))
    results.append({'parameters': params, 'output': list(out.shape[2:])})
print(json.dumps(results))
`;
    it('matches torch for every call', function () {
      this.timeout(120000);
      const reports = calls.map(([symbol, call]) => report(symbol, call));
      const input = calls.map(([, call, channels], index) => [call, channels, reports[index].example?.input ?? []]);
      const torch = JSON.parse(execFileSync('/usr/bin/python3', ['-c', python], { input: JSON.stringify(input), encoding: 'utf8' })) as Array<{ parameters: number; output: number[] }>;
      calls.forEach(([, call], index) => {
        assert.equal(reports[index].parameters, torch[index].parameters, `${call}: parameters`);
        if (!call.includes('Linear')) assert.deepEqual(reports[index].example?.output, torch[index].output, `${call}: output size`);
      });
    });
  });

  describe('agree with TensorFlow.js layers', () => {
    const calls = [
      "tf.layers.conv2d({filters: 16, kernelSize: 3, strides: 2, padding: 'same', inputShape: [31, 31, 3]})",
      "tf.layers.conv2d({filters: 8, kernelSize: [3, 5], strides: [1, 2], padding: 'valid', useBias: false, inputShape: [20, 21, 4]})",
      "tf.layers.conv2d({filters: 8, kernelSize: 3, dilationRate: 2, inputShape: [20, 20, 2]})",
      "tf.layers.conv2dTranspose({filters: 6, kernelSize: 3, strides: 2, padding: 'valid', inputShape: [7, 7, 4]})",
      "tf.layers.conv2dTranspose({filters: 6, kernelSize: 4, strides: 2, padding: 'same', inputShape: [7, 7, 4]})",
      "tf.layers.maxPooling2d({poolSize: 3, strides: 2, padding: 'same', inputShape: [15, 15, 3]})",
      "tf.layers.averagePooling2d({poolSize: [2, 2], inputShape: [9, 9, 3]})",
      "tf.layers.conv1d({filters: 5, kernelSize: 3, inputShape: [50, 8]})",
      'tf.layers.dense({units: 10, inputShape: [64]})',
    ];
    it('matches the parameter count and output shape tfjs computes', () => {
      const tf = loadTfjs();
      for (const call of calls) {
        const symbol = call.slice(0, call.indexOf('('));
        const ours = report(symbol, call, false);
        const layer = new Function('tf', `return ${call};`)(tf);
        const model = tf.sequential({ layers: [layer] });
        assert.equal(ours.parameters, model.countParams(), `${call}: parameters`);
        const outputShape = model.outputs[0].shape;
        if (symbol !== 'tf.layers.dense') assert.deepEqual(ours.example?.output, outputShape.slice(1, -1), `${call}: output size`);
        model.dispose();
      }
    });
  });
});

describe('layer formulas: edge cases checked against torch 1.13 and tfjs 4.22', () => {
  it('ceil_mode drops a last window that would start in the right padding (torch: 75, 4 and 5)', () => {
    assert.deepEqual(report('torch.nn.MaxPool2d', 'nn.MaxPool2d(3, padding=1, ceil_mode=True)').example?.output, [75, 75]);
    const seven = report('torch.nn.MaxPool2d', 'nn.MaxPool2d(2, ceil_mode=True)');
    assert.deepEqual(seven.example?.output, [112, 112]);
    assert.match(seven.outputFormulas[0], /minus 1 if the last window starts at or past H \+ 0/);
    const parsed = parseCallAt('nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True)', 12, true);
    assert.ok(parsed);
  });

  it('stops positional binding at *args and binds nothing from **kwargs', () => {
    const conv = report('torch.nn.Conv2d', 'nn.Conv2d(3, 8, *rest, **kwargs)');
    assert.equal(conv.parameterText, 'parameters = 8·3·k·k + 8');
    const pool = report('torch.nn.MaxPool2d', 'nn.MaxPool2d(**kwargs)');
    assert.equal(pool.outputFormulas[0].includes('kwargs'), false);
  });

  it('a variable bias is unknown, bias=None means no bias', () => {
    assert.equal(report('torch.nn.Conv2d', 'nn.Conv2d(3, 8, 3, bias=use_bias)').parameterText, 'parameters = weight 8×3×3×3 = 216 + 8 if bias');
    assert.equal(report('torch.nn.Conv2d', 'nn.Conv2d(3, 8, 3, bias=None)').parameters, 216);
    assert.equal(report('torch.nn.Linear', 'nn.Linear(10, 5, bias=flag)').parameters, undefined);
    assert.equal(report('keras.layers.Dense', 'layers.Dense(10, use_bias=b, input_shape=(4,))').parameterText, 'parameters = 4·10 + 10 if bias');
  });

  it('a variable Keras padding is not taken for valid', () => {
    const conv = report('keras.layers.Conv2D', 'layers.Conv2D(8, 3, padding=pad_mode, input_shape=(32, 32, 3))');
    assert.equal(conv.example, undefined);
    assert.deepEqual(conv.outputFormulas, ['the output size depends on padding=pad_mode']);
  });

  it('gives no numbers for calls the framework rejects', () => {
    for (const call of ['nn.Conv2d(4, 8, 3, groups=0)', 'nn.Conv2d(4, 6, 3, groups=4)', 'nn.Conv2d(3, 8, 0)', 'nn.Conv2d(3, 8, 3, stride=0)']) {
      const parsed = parseCallAt(call, call.indexOf('('), true);
      assert.ok(parsed);
      assert.equal(reportForCall('torch.nn.Conv2d', parsed.args), undefined, call);
    }
  });

  it('reads channels-first layouts and batch input shapes (Keras and tfjs)', () => {
    const tfjsFirst = report('tf.layers.conv2d', "tf.layers.conv2d({filters: 4, kernelSize: 5, dilationRate: 2, dataFormat: 'channelsFirst', inputShape: [3, 32, 32]})", false);
    assert.equal(tfjsFirst.parameters, 304);
    assert.deepEqual(tfjsFirst.example, { input: [32, 32], output: [24, 24] });
    const kerasFirst = report('keras.layers.Conv2D', 'layers.Conv2D(4, 5, data_format="channels_first", input_shape=(3, 32, 32))');
    assert.equal(kerasFirst.parameters, 304);
    assert.deepEqual(kerasFirst.example, { input: [32, 32], output: [28, 28] });
    const batch = report('tf.layers.conv2d', 'tf.layers.conv2d({filters: 8, kernelSize: 3, batchInputShape: [null, 28, 28, 1]})', false);
    assert.equal(batch.parameters, 80);
    assert.deepEqual(batch.example, { input: [28, 28], output: [26, 26] });
  });

  it('tfjs conv2dTranspose ignores dilationRate in its output size', () => {
    const transposed = report('tf.layers.conv2dTranspose', "tf.layers.conv2dTranspose({filters: 2, kernelSize: 3, strides: 2, dilationRate: 2, padding: 'valid', inputShape: [8, 8, 4]})", false);
    assert.deepEqual(transposed.example, { input: [8, 8], output: [17, 17] });
  });
});

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { parseCallAt } from '../../../src/runtime/knowledge/call-parser';
import { reportForCall } from '../../../src/runtime/knowledge/formulas';
import { exampleInput } from '../../../src/runtime/knowledge/formulas/terms';
import { seededRandom } from '../../../src/runtime/random';

const python = process.env.CNN_STUDIO_TORCH_PYTHON ?? '/usr/bin/python3';
const script = path.resolve(__dirname, '../../../scripts/reference/layer_calls.py');

interface Case { symbol: string; call: string; input: number[] }

/** Random literal calls of the layers the hover gives numbers for, with inputs of the worked example's size. */
function torchCases(count: number, seed: number): Case[] {
  const random = seededRandom(seed);
  const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const pick = <T>(items: T[]): T => items[int(0, items.length - 1)];
  const bool = () => (random() < 0.5 ? 'True' : 'False');
  const cases: Case[] = [];
  while (cases.length < count) {
    const dims = pick([1, 2, 2, 2, 3]);
    const spatial = exampleInput(dims);
    const suffix = `${dims}d`;
    const groups = pick([1, 1, 2, 4]);
    const cin = groups * int(1, 4);
    const cout = groups * int(1, 6);
    const k = int(1, 5);
    const s = int(1, 3);
    const d = int(1, 2);
    const kind = pick(['conv', 'convT', 'max', 'avg', 'fmax', 'favg', 'linear', 'bn', 'gn', 'in', 'ln', 'emb', 'prelu', 'adaptive', 'bad']);
    const image = (channels: number) => [1, channels, ...spatial];
    switch (kind) {
      case 'conv': cases.push({ symbol: `torch.nn.Conv${suffix}`, call: `nn.Conv${suffix}(${cin}, ${cout}, ${k}, stride=${s}, padding=${int(0, 2)}, dilation=${d}, groups=${groups}, bias=${bool()})`, input: image(cin) }); break;
      case 'convT': cases.push({ symbol: `torch.nn.ConvTranspose${suffix}`, call: `nn.ConvTranspose${suffix}(${cin}, ${cout}, ${k}, stride=${s}, padding=${int(0, 1)}, output_padding=${int(0, Math.max(s, d) - 1)}, groups=${groups}, bias=${bool()}, dilation=${d})`, input: image(cin) }); break;
      case 'max': cases.push({ symbol: `torch.nn.MaxPool${suffix}`, call: `nn.MaxPool${suffix}(${k}, ${random() < 0.3 ? 'None' : s}, ${int(0, Math.floor(k / 2))}, ${d}, ceil_mode=${bool()})`, input: image(2) }); break;
      case 'avg': cases.push({ symbol: `torch.nn.AvgPool${suffix}`, call: `nn.AvgPool${suffix}(${k}, stride=${s}, padding=${int(0, Math.floor(k / 2))}, ceil_mode=${bool()})`, input: image(2) }); break;
      case 'fmax': cases.push({ symbol: `torch.nn.functional.max_pool${suffix}`, call: `F.max_pool${suffix}(x, ${k}, ${s}, ${int(0, Math.floor(k / 2))}, ceil_mode=${bool()})`, input: image(2) }); break;
      case 'favg': cases.push({ symbol: `torch.nn.functional.avg_pool${suffix}`, call: `F.avg_pool${suffix}(x, ${k}, stride=${s}, ceil_mode=${bool()})`, input: image(2) }); break;
      case 'linear': cases.push({ symbol: 'torch.nn.Linear', call: `nn.Linear(${cin * 8}, ${cout}, bias=${bool()})`, input: [2, cin * 8] }); break;
      case 'bn': cases.push({ symbol: `torch.nn.BatchNorm${suffix}`, call: `nn.BatchNorm${suffix}(${cin}, affine=${bool()})`, input: image(cin) }); break;
      case 'gn': cases.push({ symbol: 'torch.nn.GroupNorm', call: `nn.GroupNorm(${groups}, ${cin}, affine=${bool()})`, input: [1, cin, 8, 8] }); break;
      case 'in': cases.push({ symbol: 'torch.nn.InstanceNorm2d', call: `nn.InstanceNorm2d(${cin}, affine=${bool()})`, input: [1, cin, 8, 8] }); break;
      case 'ln': cases.push({ symbol: 'torch.nn.LayerNorm', call: random() < 0.5 ? `nn.LayerNorm(${k + 3})` : `nn.LayerNorm((${cin}, ${k + 3}), elementwise_affine=${bool()})`, input: [2, cin, k + 3] }); break;
      case 'emb': cases.push({ symbol: 'torch.nn.Embedding', call: `nn.Embedding(${int(5, 500)}, ${int(2, 64)})`, input: [2, 5] }); break;
      case 'prelu': cases.push({ symbol: 'torch.nn.PReLU', call: random() < 0.5 ? 'nn.PReLU()' : `nn.PReLU(${cin})`, input: [1, cin, 4, 4] }); break;
      case 'adaptive': cases.push({ symbol: 'torch.nn.AdaptiveAvgPool2d', call: `nn.AdaptiveAvgPool2d((${int(1, 9)}, ${random() < 0.3 ? 'None' : int(1, 9)}))`, input: [1, 2, ...exampleInput(2)] }); break;
      case 'bad': cases.push({ symbol: 'torch.nn.Conv2d', call: `nn.Conv2d(${cin}, ${cout}, ${k}, stride=${pick([0, 1])}, groups=${pick([0, 3])})`, input: [1, cin, ...exampleInput(2)] }); break;
    }
  }
  return cases;
}

describe('hover numbers against PyTorch and tfjs on random literal calls', function () {
  this.timeout(300_000);

  it('2,000 random PyTorch calls: parameter counts equal numel() sums, worked examples equal forward passes, rejected calls get no numbers', () => {
    const cases = torchCases(2000, 46);
    const answers = execFileSync(python, [script], { input: cases.map((c) => JSON.stringify({ call: c.call, input: c.input })).join('\n'), maxBuffer: 64 << 20 })
      .toString().trim().split('\n').map((line) => JSON.parse(line) as { parameters?: number; output?: number[]; error?: string });
    assert.equal(answers.length, cases.length);
    const wrong: string[] = [];
    cases.forEach((testCase, index) => {
      const answer = answers[index];
      const parsed = parseCallAt(testCase.call, testCase.call.indexOf('('), true);
      const report = parsed && reportForCall(testCase.symbol, parsed.args);
      if (answer.error !== undefined) {
        if (report?.parameters !== undefined && report.example !== undefined) wrong.push(`${testCase.call}: PyTorch rejects it (${answer.error}), the hover gives numbers`);
        return;
      }
      if (!report) { wrong.push(`${testCase.call}: no report`); return; }
      if (report.parameters !== answer.parameters) wrong.push(`${testCase.call}: ${report.parameters} parameters, PyTorch ${answer.parameters}`);
      const spatial = answer.output!.slice(2);
      if (report.example && testCase.input.length > 2 && JSON.stringify(report.example.output) !== JSON.stringify(spatial)) {
        wrong.push(`${testCase.call}: output ${report.example.output.join('×')}, PyTorch ${spatial.join('×')}`);
      }
    });
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} of ${cases.length} calls disagree`);
  });

  it('500 random tfjs conv2d/pooling configs, channels-first included: countParams() and output shapes', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');
    const random = seededRandom(47);
    const int = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
    const wrong: string[] = [];
    let checked = 0;
    for (let i = 0; i < 500; i++) {
      const first = random() < 0.5;
      const [channels, height, width] = [int(1, 5), int(8, 40), int(8, 40)];
      const inputShape = first ? [channels, height, width] : [height, width, channels];
      const strides = int(1, 3);
      const dilation = strides === 1 ? int(1, 2) : 1;
      const padding = random() < 0.5 ? 'same' : 'valid';
      const pool = random() < 0.3;
      const config = pool
        ? { poolSize: int(1, 4), strides, padding, dataFormat: first ? 'channelsFirst' : 'channelsLast', inputShape }
        : { filters: int(1, 8), kernelSize: int(1, 5), strides, dilationRate: dilation, padding, useBias: random() < 0.7, dataFormat: first ? 'channelsFirst' : 'channelsLast', inputShape };
      const symbol = pool ? 'tf.layers.maxPooling2d' : 'tf.layers.conv2d';
      const call = `${symbol}(${JSON.stringify(config)})`;
      let expected: { parameters: number; output: number[] } | undefined;
      try {
        const layer = pool ? tf.layers.maxPooling2d(config as never) : tf.layers.conv2d(config as never);
        const model = tf.sequential({ layers: [layer] });
        const shape = model.outputs[0].shape.slice(1) as number[];
        expected = { parameters: model.countParams(), output: first ? shape.slice(1) : shape.slice(0, 2) };
        model.dispose();
      } catch {
        continue;
      }
      if (expected.output.some((size) => size <= 0)) continue;
      checked++;
      const parsed = parseCallAt(call, call.indexOf('('), false);
      const report = parsed && reportForCall(symbol, parsed.args);
      if (report?.parameters !== expected.parameters) wrong.push(`${call}: ${report?.parameters} parameters, tfjs ${expected.parameters}`);
      if (JSON.stringify(report?.example?.output) !== JSON.stringify(expected.output)) wrong.push(`${call}: output ${report?.example?.output}, tfjs ${expected.output}`);
    }
    assert.ok(checked >= 300, `only ${checked} configs were valid`);
    assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} disagreements over ${checked} configs`);
  });
});

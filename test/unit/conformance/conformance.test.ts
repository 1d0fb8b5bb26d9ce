import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { gradientRules } from '../../../src/runtime/grad/rules';
import { formatReport, runConformance } from '../../../scripts/conformance';
import { onnxBackendTestsDir } from '../helpers/shared';

/** Backend test folders of the operators CNNs are made of (node/ names, then pytorch-converted/ names). */
const cnnCases = new RegExp('^test_(' + [
  'conv', 'basic_conv', 'convtranspose', 'maxpool', 'averagepool', 'globalaveragepool', 'globalmaxpool', 'batchnorm',
  'relu', 'leakyrelu', 'prelu', 'clip', 'sigmoid', 'hardsigmoid', 'hardswish', 'tanh', 'softmax', 'logsoftmax',
  'gemm', 'matmul', 'add', 'sub', 'mul', 'div', 'flatten', 'reshape', 'transpose', 'concat', 'split', 'slice',
  'squeeze', 'unsqueeze', 'pad', 'constant_pad', 'edge_pad', 'reflect_pad', 'resize', 'upsample', 'reduce_mean',
  'reduce_sum', 'dropout', 'identity', 'cast', 'instancenorm', 'exp', 'log', 'neg', 'sqrt', 'abs', 'pow', 'sum', 'expand',
  'Conv', 'ConvTranspose', 'MaxPool', 'AvgPool', 'BatchNorm', 'ReLU', 'LeakyReLU', 'PReLU', 'Sigmoid', 'Tanh',
  'Softmax', 'LogSoftmax', 'Linear', 'ZeroPad2d', 'ConstantPad2d', 'ReflectionPad2d', 'ReplicationPad2d',
  'log_softmax', 'softmax_functional', 'softmax_lastdim', 'dequantizelinear',
].join('|') + ')([_0-9].*)?$');

describe('ONNX backend conformance of the CNN operators', function () {
  // About 15 s on an idle 2-core machine; the margin is for a busy one.
  this.timeout(300_000);

  it('reproduces every claimed case forward, with exposed intermediates, and in gradient', async () => {
    const report = await runConformance({
      suiteDirs: [path.join(onnxBackendTestsDir, 'node'), path.join(onnxBackendTestsDir, 'pytorch-converted')],
      filter: cnnCases,
    });
    const failures = report.results.filter((r) => r.status === 'failed').map((r) => `${r.suite}/${r.name}: ${r.reason}`);
    assert.deepEqual(failures, [], formatReport(report).join('\n'));

    const ran = report.results.filter((r) => r.status === 'passed');
    for (const op of ['Conv', 'MaxPool', 'Relu', 'Gemm', 'Softmax', 'Add', 'Concat', 'Reshape']) {
      assert.ok(ran.some((r) => r.operators.includes(op)), `no ${op} case was run`);
    }
    // Every CNN operator with a gradient rule had its gradient checked on at least one case.
    const gradientChecked = new Set(ran.filter((r) => r.gradient?.status === 'passed').flatMap((r) => r.operators));
    const cnnOperatorsRun = new Set(ran.flatMap((r) => r.operators));
    const unchecked = Object.keys(gradientRules).filter((op) => cnnOperatorsRun.has(op) && !gradientChecked.has(op));
    assert.deepEqual(unchecked, [], 'operators with a gradient rule but no passing gradient check');
  });
});

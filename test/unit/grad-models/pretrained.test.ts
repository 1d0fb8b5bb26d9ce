import * as assert from 'node:assert/strict';
import { computeGradients } from '../../../src/runtime/grad';
import { OnnxModel, readModelFile } from '../../../src/runtime/onnx/codec';
import { TensorValue } from '../../../src/runtime/onnx/session';
import { sharedModel } from '../helpers/shared';
import { seededRandom } from './compare';
import { checkFiniteDifferences, promoteInitializer, selectionWeights } from './finite-differences';

interface PretrainedCase {
  file: string;
  load: (file: string) => OnnxModel;
  input: string;
  dims: number[];
  /** Pixel range the model expects. */
  range: number;
  output: string;
  index: number[];
  weight: string;
}

const cases: PretrainedCase[] = [
  { file: 'mnist.onnx', load: readModelFile, input: 'Input3', dims: [1, 1, 28, 28], range: 1, output: 'Plus214_Output_0', index: [0, 3], weight: 'Parameter5' },
  { file: 'ImageClassifier.onnx', load: readModelFile, input: 'modelInput', dims: [1, 3, 32, 32], range: 1, output: 'modelOutput', index: [0, 3], weight: '48' },
];

function flatIndex(index: number[], dims: number[]): number {
  return index.reduce((flat, i, axis) => flat * dims[axis] + i, 0);
}

describe('gradients of pretrained models against finite differences', function () {
  this.timeout(120_000);

  for (const testCase of cases) {
    it(`${testCase.file}: d output${JSON.stringify(testCase.index)} / d input and d / d ${testCase.weight}`, async () => {
      const model = testCase.load(sharedModel(testCase.file));
      const random = seededRandom(11);
      const count = testCase.dims.reduce((a, b) => a * b, 1);
      const feeds: Record<string, TensorValue> = {
        [testCase.input]: { data: Float32Array.from({ length: count }, () => random() * testCase.range), dims: testCase.dims },
      };
      const result = await computeGradients(model,
        { objective: { kind: 'select', output: testCase.output, index: testCase.index }, wrt: [testCase.input, testCase.weight] },
        feeds, { threads: 2 });
      const outputs = result.outputs[testCase.output] as TensorValue<Float32Array>;
      const flat = flatIndex(testCase.index, outputs.dims);
      assert.ok(Math.abs(result.objective - outputs.data[flat]) <= 1e-6 * Math.max(1, Math.abs(result.objective)));
      const select = selectionWeights(flat, outputs.data.length);

      await checkFiniteDifferences(model, feeds, testCase.input, testCase.output, select,
        result.gradients[testCase.input].data as Float32Array, { largest: 4, random: 4, relativeStep: 1e-3, tolerance: 2e-2 });
      const promoted = promoteInitializer(model, testCase.weight);
      await checkFiniteDifferences(promoted.model, { ...feeds, [testCase.weight]: promoted.value }, testCase.weight, testCase.output, select,
        result.gradients[testCase.weight].data as Float32Array, { largest: 4, random: 4, relativeStep: 1e-3, tolerance: 2e-2 });
    });
  }
});

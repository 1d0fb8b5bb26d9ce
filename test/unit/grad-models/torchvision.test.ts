import * as assert from 'node:assert/strict';
import { computeGradients } from '../../../src/runtime/grad';
import { readModelFile } from '../../../src/runtime/onnx/codec';
import { assertMatchesReference, branchInputs, pytorchReference } from './reference';

/**
 * Whole-model gradients of torchvision classifiers (random weights, randomised BatchNorm statistics) against
 * PyTorch autograd run in float64: d logit / d input, first conv weight, first BatchNorm weight, last weight.
 * Errors are float32 rounding of the engine; deeper networks accumulate more of it.
 */
const classifiers: { model: string; tolerance: number }[] = [
  { model: 'resnet18', tolerance: 1e-4 },
  { model: 'mobilenet_v2', tolerance: 1e-4 },
  { model: 'squeezenet1_1', tolerance: 1e-4 },
  { model: 'densenet121', tolerance: 5e-4 },
];

describe('whole-model gradients against PyTorch autograd: torchvision classifiers', function () {
  // The first run exports each model with PyTorch (densenet121 takes about a minute); later runs read the cache.
  this.timeout(600_000);

  for (const { model, tolerance } of classifiers) {
    it(`${model}: d logit / d input and weights`, async () => {
      const reference = pytorchReference(model);
      assert.equal(reference.objective.kind, 'select');
      const objective = reference.objective as { kind: 'select'; output: string; index: number[]; value: number };
      const onnx = readModelFile(reference.modelFile);
      const branches = branchInputs(onnx);
      const result = await computeGradients(
        onnx,
        { objective: { kind: 'select', output: objective.output, index: objective.index }, wrt: reference.gradients.map((g) => g.tensor), activations: branches },
        { [reference.input.name]: { data: reference.input.data, dims: reference.input.shape } },
        { threads: 2 },
      );
      assertMatchesReference(model, reference, result, tolerance, branches);
    });
  }
});

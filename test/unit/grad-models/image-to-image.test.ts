import * as assert from 'node:assert/strict';
import { computeGradients } from '../../../src/runtime/grad';
import { readModelFile } from '../../../src/runtime/onnx/codec';
import { checkFiniteDifferences } from './finite-differences';
import { assertMatchesReference, branchInputs, pytorchReference } from './reference';

/**
 * Image-to-image networks, objective sum(output * W) for a fixed random W: lraspp_mobilenet_v3_large exercises
 * Resize (bilinear), HardSwish/HardSigmoid and squeeze-excitation; the U-Net ConvTranspose, Concat and MaxPool.
 * Checked against PyTorch autograd (float64) and against finite differences of the exported model in onnxruntime.
 */
const networks = [
  { model: 'lraspp_mobilenet_v3_large', tolerance: 1e-4 },
  { model: 'unet', tolerance: 1e-4 },
];

describe('whole-model gradients: image-to-image networks (Resize and ConvTranspose paths)', function () {
  this.timeout(600_000);

  for (const { model, tolerance } of networks) {
    it(`${model}: d sum(output * W) / d input and weights, against PyTorch and finite differences`, async () => {
      const reference = pytorchReference(model);
      assert.equal(reference.objective.kind, 'weighted-sum');
      const objective = reference.objective as { kind: 'weighted-sum'; output: string; weights: Float32Array; value: number };
      const onnx = readModelFile(reference.modelFile);
      const branches = branchInputs(onnx);
      const feeds = { [reference.input.name]: { data: reference.input.data, dims: reference.input.shape } };
      const result = await computeGradients(
        onnx,
        { objective: { kind: 'weighted-sum', output: objective.output, weightsInput: 'projection' }, wrt: reference.gradients.map((g) => g.tensor), activations: branches },
        { ...feeds, projection: { data: objective.weights, dims: reference.output.shape } },
        { threads: 2 },
      );
      assertMatchesReference(model, reference, result, tolerance, branches);
      await checkFiniteDifferences(onnx, feeds, reference.input.name, objective.output, objective.weights,
        result.gradients[reference.input.name].data as Float32Array, { largest: 3, random: 3, relativeStep: 1e-3, tolerance: 2e-2 });
    });
  }
});

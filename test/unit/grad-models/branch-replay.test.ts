import * as assert from 'node:assert/strict';
import { computeGradients } from '../../../src/runtime/grad';
import { readModelFile } from '../../../src/runtime/onnx/codec';
import { agreement } from './compare';
import { branchInputs, followEngineBranches, pytorchReference } from './reference';

/**
 * The float64 replay along an engine's branches, which the whole-model tests fall back on when float32 rounding
 * takes a near-tie ReLU or max-pooling decision the other way: it must follow the decisions it is given.
 */
describe('whole-model gradient references: replay along the engine\'s branches', function () {
  this.timeout(600_000);

  it('unet: the engine\'s own branches give the plain reference; switching 20 first-layer ReLUs off changes the gradient there', async () => {
    const reference = pytorchReference('unet');
    const onnx = readModelFile(reference.modelFile);
    const branches = branchInputs(onnx);
    assert.ok(branches.length >= 10, `only ${branches.length} Relu/MaxPool nodes found`);
    const objective = reference.objective as { kind: 'weighted-sum'; output: string; weights: Float32Array };
    const result = await computeGradients(
      onnx,
      { objective: { kind: 'weighted-sum', output: objective.output, weightsInput: 'projection' }, wrt: ['input'], activations: branches },
      { input: { data: reference.input.data, dims: reference.input.shape }, projection: { data: objective.weights, dims: reference.output.shape } },
      { threads: 2 },
    );
    const engine = branches.map((name) => result.activations[name]);

    const same = followEngineBranches('unet', reference, engine);
    assert.ok(agreement(same.gradients[0], reference.gradients[0].data).relativeError < 1e-6);

    const first = engine[0];
    const switched = Float32Array.from(first.data);
    const largest = Array.from(switched.keys()).sort((a, b) => switched[b] - switched[a]).slice(0, 20);
    for (const index of largest) switched[index] = -switched[index];
    const replayed = followEngineBranches('unet', reference, [{ data: switched, dims: first.dims }, ...engine.slice(1)]);
    // The 20, and downstream ones: later layers see other values than the engine's decisions were taken on.
    assert.ok(replayed.changedDecisions >= 20, `${replayed.changedDecisions} decisions changed`);
    assert.ok(agreement(replayed.gradients[0], reference.gradients[0].data).relativeError > 1e-3,
      'switching ReLUs off in the first layer must change d/d input');
  });
});

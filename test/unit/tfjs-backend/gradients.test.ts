import * as assert from 'node:assert/strict';
import type * as Tf from '@tensorflow/tfjs';
import { initTfjsBackend, loadTfjs } from '../../../src/runtime/tfjs/backend';

describe('tfjs gradients the project registers', function () {
  this.timeout(120_000);

  it('GatherNd: the gradient scatters back to the gathered positions, summed where an index repeats (cpu and wasm)', async () => {
    const tf = loadTfjs();
    const { backend } = await initTfjsBackend();
    const params = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10, 11, 12]];
    // Rows 2, 0, 2 (row 2 twice) and the single elements [1, 1] and [3, 0], with weights on what is gathered.
    const rowIndices = [[2], [0], [2]];
    const rowWeights = [[1, -2, 3], [0.5, 0.25, 4], [10, 20, 30]];
    const elementIndices = [[1, 1], [3, 0]];
    const elementWeights = [7, -1];
    const expected = params.map((row) => row.map(() => 0));
    rowIndices.forEach(([r], i) => rowWeights[i].forEach((w, c) => { expected[r][c] += w; }));
    elementIndices.forEach(([r, c], i) => { expected[r][c] += elementWeights[i]; });
    for (const name of [...new Set(['cpu', backend])]) {
      assert.ok(await tf.setBackend(name), name);
      const gradient = tf.grad((p: Tf.Tensor) => tf.add(
        tf.gatherND(p, tf.tensor2d(rowIndices, undefined, 'int32')).mul(tf.tensor2d(rowWeights)).sum(),
        tf.gatherND(p, tf.tensor2d(elementIndices, undefined, 'int32')).mul(tf.tensor1d(elementWeights)).sum(),
      ))(tf.tensor2d(params));
      assert.deepEqual(gradient.arraySync(), expected, name);
      gradient.dispose();
    }
    await tf.setBackend(backend);
  });
});

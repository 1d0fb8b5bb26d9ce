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

  it('SquaredDifference: each input\'s gradient summed back over the axes it was broadcast along (cpu and wasm)', async () => {
    const tf = loadTfjs();
    const { backend } = await initTfjsBackend();
    // a [2, 3, 4] against b [1, 4] (broadcast over the first two axes), as MoveNet's decoder does; loss Σ w·(a − b)².
    const a = Array.from({ length: 24 }, (_, i) => Math.sin(i) * 2);
    const b = [0.5, -1, 2, 0.25];
    const w = Array.from({ length: 24 }, (_, i) => 1 + (i % 5) / 4);
    const expectedA = a.map((value, i) => 2 * (value - b[i % 4]) * w[i]);
    const expectedB = b.map((value, k) => a.reduce((sum, av, i) => (i % 4 === k ? sum - 2 * (av - value) * w[i] : sum), 0));
    for (const name of [...new Set(['cpu', backend])]) {
      assert.ok(await tf.setBackend(name), name);
      const [gradA, gradB] = tf.grads((x: Tf.Tensor, y: Tf.Tensor) => tf.squaredDifference(x, y).mul(tf.tensor3d(w, [2, 3, 4])).sum())([tf.tensor3d(a, [2, 3, 4]), tf.tensor2d([b])]);
      assert.deepEqual(gradB.shape, [1, 4], name);
      (await gradA.data()).forEach((value, i) => assert.ok(Math.abs(value - expectedA[i]) < 1e-4, `${name} a[${i}]`));
      (await gradB.data()).forEach((value, k) => assert.ok(Math.abs(value - expectedB[k]) < 1e-3, `${name} b[${k}]: ${value} against ${expectedB[k]}`));
      tf.dispose([gradA, gradB]);
    }
    await tf.setBackend(backend);
  });

  it('Unpack of an axis of one: the single output\'s gradient stacked back (tfjs\'s own gradient fails: it stacks a bare tensor)', async () => {
    const tf = loadTfjs();
    await initTfjsBackend();
    const gradient = tf.grad((x: Tf.Tensor) => tf.unstack(x, 0)[0].mul(tf.tensor2d([[3, -2, 1], [0.5, 4, -1]])).sum())(tf.tensor3d([[[1, 2, 3], [4, 5, 6]]]));
    assert.deepEqual(gradient.arraySync(), [[[3, -2, 1], [0.5, 4, -1]]]);
    gradient.dispose();
  });
});

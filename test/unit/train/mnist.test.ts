import * as assert from 'node:assert/strict';
import { runDigitsExperiment } from './helpers/mnist-experiment';

describe('training the built-in CNN on mnist digits, against PyTorch with the same recipe', function () {
  this.timeout(1_800_000);

  it('1,000 digits (100 a class), 30 epochs, shift/rotate/scale: accuracy on 1,500 other digits within 1 point of PyTorch', async () => {
    const result = await runDigitsExperiment({ perClass: 100, testPerClass: 150, epochs: 30, augment: 'shift,rotate,scale' });
    console.log(`      trained on ${result.trainImages}, tested on ${result.testImages}: ours ${(result.ours.accuracy * 100).toFixed(2)}% (${result.ours.seconds.toFixed(0)} s), PyTorch ${(result.pytorch.accuracy * 100).toFixed(2)}% (${result.pytorch.seconds.toFixed(0)} s)`);
    assert.equal(result.testImages, 1500);
    assert.ok(result.ours.accuracy > 0.9, `accuracy ${result.ours.accuracy}`);
    assert.ok(Math.abs(result.ours.accuracy - result.pytorch.accuracy) <= 0.01, `ours ${result.ours.accuracy}, PyTorch ${result.pytorch.accuracy}`);
    assert.equal(result.ours.summary.epoch, 30);
  });
});

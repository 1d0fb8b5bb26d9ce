const model = tf.sequential({
  layers: [
    tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [16, 16, 3] }),
    tf.layers.globalAveragePooling2d({}),
    tf.layers.dense({ units: 4 }),
  ],
});
const images = tf.randomUniform([5, 16, 16, 3]);
const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0], 'int32'), 4);
const adversarial = fgsmAttack(model, images, labels, 0.03);
assert.deepEqual(adversarial.shape, images.shape);
assert.ok(tf.max(tf.abs(tf.sub(adversarial, images))).dataSync()[0] <= 0.03 + 1e-6);
assert.ok(tf.min(adversarial).dataSync()[0] >= 0 && tf.max(adversarial).dataSync()[0] <= 1);
const lossOf = (x) => tf.losses.softmaxCrossEntropy(labels, model.apply(x)).dataSync()[0];
assert.ok(lossOf(adversarial) > lossOf(images), 'the step increases the loss');

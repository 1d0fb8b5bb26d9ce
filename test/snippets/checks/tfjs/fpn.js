const inputs = [[32, 16], [16, 32], [8, 64], [4, 128]].map(([size, channels]) => tf.input({ shape: [size, size, channels] }));
const outputs = featurePyramid(inputs, 24);
assert.deepEqual(outputs.map((t) => t.shape), [[null, 32, 32, 24], [null, 16, 16, 24], [null, 8, 8, 24], [null, 4, 4, 24]]);
const model = tf.model({ inputs, outputs });
const features = [[32, 16], [16, 32], [8, 64], [4, 128]].map(([size, channels]) => tf.randomNormal([1, size, size, channels]));
assertGradients(() => tf.addN(model.apply(features).map((t) => tf.mean(t))), model.trainableWeights.length);

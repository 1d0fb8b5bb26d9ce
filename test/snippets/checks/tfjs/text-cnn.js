const model = createTextCNN({ vocabSize: 300, sequenceLength: 30, embedDim: 16, numClasses: 3, filters: 8 });
const tokens = tf.randomUniform([4, 30], 1, 300, 'int32');
const probabilities = model.apply(tokens);
assert.deepEqual(probabilities.shape, [4, 3]);
const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 1], 'int32'), 3);
assertGradients(() => tf.metrics.categoricalCrossentropy(labels, model.apply(tokens, { training: true })).mean(), model.trainableWeights.length);

for (const [depth, baseFilters] of [[4, 4], [2, 2]]) {
  const model = createUNet({ inputShape: [16, 32, 3], numClasses: 2, baseFilters, depth });
  const x = tf.randomNormal([1, 16, 32, 3]);
  const y = model.apply(x, { training: true });
  assert.deepEqual(y.shape, [1, 16, 32, 2]);
  assertGradients(() => tf.mean(tf.square(model.apply(x, { training: true }))), model.trainableWeights.length);
}

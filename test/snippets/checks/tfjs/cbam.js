const cbam = createCBAM(16, { reduction: 4 });
const x = tf.randomNormal([2, 12, 12, 16]);
const y = cbam(x);
assert.deepEqual(y.shape, [2, 12, 12, 16]);
assert.ok(tf.all(tf.lessEqual(tf.abs(y), tf.add(tf.abs(x), 1e-6))).dataSync()[0], 'attention only scales features down');
assertGradients(() => tf.sum(cbam(x)), 6);

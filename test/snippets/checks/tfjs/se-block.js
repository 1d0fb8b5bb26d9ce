const input = tf.input({ shape: [8, 8, 32] });
const output = squeezeExcitation(input, 8);
assert.deepEqual(output.shape, [null, 8, 8, 32]);
const model = tf.model({ inputs: input, outputs: output });
const x = tf.randomNormal([2, 8, 8, 32]);
const y = model.apply(x);
assert.deepEqual(y.shape, [2, 8, 8, 32]);
assert.ok(tf.all(tf.lessEqual(tf.abs(y), tf.add(tf.abs(x), 1e-6))).dataSync()[0], 'the gate only scales channels down');
assertGradients(() => tf.sum(model.apply(x)), 4);

const student = tf.variable(tf.randomNormal([4, 10]));
const teacher = tf.randomNormal([4, 10]);
const labels = tf.oneHot(tf.tensor1d([1, 2, 3, 4], 'int32'), 10);
const loss = distillationLoss(student, teacher, labels);
assert.deepEqual(loss.shape, []);
const hardOnly = distillationLoss(student, teacher, labels, 4, 1).dataSync()[0];
assert.ok(Math.abs(hardOnly - tf.losses.softmaxCrossEntropy(labels, student).dataSync()[0]) < 1e-5);
assert.ok(Math.abs(distillationLoss(teacher, teacher, labels, 4, 0).dataSync()[0]) < 1e-5, 'KL of a distribution with itself is 0');
assertGradients(() => distillationLoss(student, teacher, labels), 1);

const logits = tf.tensor2d([[2, -1, 0.5], [-3, 4, 0]]);
const labels = tf.tensor2d([[1, 0, 0], [0, 1, 1]]);
const loss = focalLoss(labels, logits);
assert.deepEqual(loss.shape, []);
// reference: -alpha_t (1 - p_t)^gamma log(p_t), averaged
const expected = [[2, -1, 0.5], [-3, 4, 0]].flatMap((row, i) => row.map((z, j) => {
  const y = [[1, 0, 0], [0, 1, 1]][i][j];
  const p = 1 / (1 + Math.exp(-z));
  const pT = y ? p : 1 - p;
  return -(y ? 0.25 : 0.75) * (1 - pT) ** 2 * Math.log(pT);
})).reduce((a, b) => a + b) / 6;
assert.ok(Math.abs(loss.dataSync()[0] - expected) < 1e-5, `${loss.dataSync()[0]} vs ${expected}`);
const variable = tf.variable(logits);
assertGradients(() => focalLoss(labels, variable), 1);

const features = tf.randomNormal([2, 16, 16, 8]);
const rpn = createRpnHead({ channels: 8, numAnchors: 3 });
const { objectness, boxDeltas } = rpn(features);
assert.deepEqual(objectness.shape, [2, 16, 16, 3]);
assert.deepEqual(boxDeltas.shape, [2, 16, 16, 12]);
const boxes = tf.tensor2d([[0.1, 0.1, 0.5, 0.6], [0, 0, 1, 1], [0.2, 0.3, 0.9, 0.8]]);
const boxIndices = tf.tensor1d([0, 0, 1], 'int32');
const boxHead = createBoxHead({ numClasses: 5, hidden: 16 });
const { classLogits, boxDeltas: perClassDeltas } = boxHead(features, boxes, boxIndices);
assert.deepEqual(classLogits.shape, [3, 5]);
assert.deepEqual(perClassDeltas.shape, [3, 20]);
const maskHead = createMaskHead({ numClasses: 5, width: 4 });
const masks = maskHead(features, boxes, boxIndices);
assert.deepEqual(masks.shape, [3, 28, 28, 5]);
assertGradients(() => tf.addN([
  tf.mean(rpn(features).objectness), tf.mean(boxHead(features, boxes, boxIndices).classLogits), tf.mean(maskHead(features, boxes, boxIndices)),
]));

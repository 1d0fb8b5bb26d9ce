const track = createSiameseTracker({ channels: 8 });
const template = tf.randomNormal([31, 31, 3]);
const search = tf.randomNormal([63, 63, 3]);
const response = track(template, search);
// the embedding maps 31 -> 12 and 63 -> 28, so the response is 28 - 12 + 1 = 17 wide
assert.deepEqual(response.shape, [17, 17]);
assertGradients(() => tf.max(track(template, search)), 4);

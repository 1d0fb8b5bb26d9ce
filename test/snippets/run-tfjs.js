// Runs each snippet-plus-check program in its own function scope, loading TensorFlow.js once; prints a JSON result per program.
const tf = require('@tensorflow/tfjs');
const assert = require('node:assert/strict');

/** The loss has a finite value and the backward pass reaches (at least `expectedCount`) trainable weights. */
function assertGradients(loss, expectedCount) {
  const { value, grads } = tf.variableGrads(loss);
  const names = Object.keys(grads);
  assert.ok(Number.isFinite(value.dataSync()[0]), 'the loss is finite');
  if (expectedCount !== undefined) assert.ok(names.length >= expectedCount, `gradients for ${names.length} of ${expectedCount} trainable weights`);
  let magnitude = 0;
  for (const name of names) {
    const values = grads[name].dataSync();
    assert.ok(values.every(Number.isFinite), `finite gradient for ${name}`);
    for (const v of values) magnitude += Math.abs(v);
  }
  assert.ok(magnitude > 0, 'the backward pass reaches the weights');
  tf.dispose([value, ...Object.values(grads)]);
}

async function main() {
  await tf.setBackend('cpu');
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const results = {};
  for (const program of JSON.parse(Buffer.concat(chunks).toString('utf8'))) {
    try {
      tf.tidy(() => new Function('tf', 'assert', 'assertGradients', `'use strict';\n${program.code}`)(tf, assert, assertGradients));
      results[program.name] = null;
    } catch (error) {
      results[program.name] = error && error.stack ? error.stack : String(error);
    }
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

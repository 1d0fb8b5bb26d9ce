import * as assert from 'node:assert/strict';

export interface Agreement { relativeError: number; cosine: number }

/** Largest absolute error over the largest reference magnitude, and the cosine between the two tensors. */
export function agreement(actual: ArrayLike<number>, reference: ArrayLike<number>): Agreement {
  assert.equal(actual.length, reference.length, 'element counts differ');
  let maxError = 0;
  let maxReference = 0;
  let dot = 0;
  let actualNorm = 0;
  let referenceNorm = 0;
  for (let i = 0; i < reference.length; i++) {
    maxError = Math.max(maxError, Math.abs(actual[i] - reference[i]));
    maxReference = Math.max(maxReference, Math.abs(reference[i]));
    dot += actual[i] * reference[i];
    actualNorm += actual[i] * actual[i];
    referenceNorm += reference[i] * reference[i];
  }
  return { relativeError: maxError / maxReference, cosine: dot / Math.sqrt(actualNorm * referenceNorm) };
}

export function assertAgrees(what: string, actual: ArrayLike<number>, reference: ArrayLike<number>, maxRelativeError: number, minCosine = 0.9999): void {
  const { relativeError, cosine } = agreement(actual, reference);
  assert.ok(relativeError <= maxRelativeError && cosine >= minCosine,
    `${what}: max abs error / max abs reference = ${relativeError.toExponential(2)} (allowed ${maxRelativeError}), cosine ${cosine.toFixed(6)} (needs ${minCosine})`);
}

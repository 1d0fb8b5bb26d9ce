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

/** At most this share of a tensor may depend on branches the engines took differently; more means a real disagreement. */
const MAX_TIE_SHARE = 0.01;

/**
 * For an engine that took the other side of some near-tie ReLU/MaxPool decisions than the float64 reference:
 * it must agree everywhere with the reference replayed along its own branches (`followed`), and with the plain
 * reference on the elements those branches move by less than half the tolerance. Returns how many were left out.
 */
export function assertAgreesAwayFromTies(
  what: string,
  actual: ArrayLike<number>,
  reference: { data: ArrayLike<number>; followed: ArrayLike<number> },
  maxRelativeError: number,
  minCosine = 0.9999,
): { excluded: number } {
  const { data, followed } = reference;
  assertAgrees(`${what} (float64 along the engine's branches)`, actual, followed, maxRelativeError, minCosine);
  let maxReference = 0;
  for (let i = 0; i < data.length; i++) maxReference = Math.max(maxReference, Math.abs(data[i]));
  const branchMoves = 0.5 * maxRelativeError * maxReference;
  let excluded = 0;
  let maxError = 0;
  for (let i = 0; i < data.length; i++) {
    if (Math.abs(followed[i] - data[i]) > branchMoves) excluded++;
    else maxError = Math.max(maxError, Math.abs(actual[i] - data[i]));
  }
  assert.ok(excluded <= MAX_TIE_SHARE * data.length,
    `${what}: ${excluded} of ${data.length} elements depend on branches the engines took differently (at most ${MAX_TIE_SHARE * 100}% may)`);
  const { cosine } = agreement(actual, data);
  const relativeError = maxError / maxReference;
  assert.ok(relativeError <= maxRelativeError && cosine >= minCosine,
    `${what}: max abs error / max abs reference = ${relativeError.toExponential(2)} away from ${excluded} branch-dependent elements (allowed ${maxRelativeError}), cosine ${cosine.toFixed(6)} (needs ${minCosine})`);
  return { excluded };
}

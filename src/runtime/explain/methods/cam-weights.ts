import type { Activation } from './types';

/** ReLU(Σ_k w_k · A_k) over the channels of a [1, C, H, W] activation. */
export function weightedChannelSum(activation: Activation, weights: ArrayLike<number>): { data: Float32Array; size: [number, number] } {
  const [, channels, height, width] = activation.dims;
  const plane = height * width;
  const sums = new Float64Array(plane);
  for (let k = 0; k < channels; k++) {
    const weight = weights[k];
    if (weight === 0) continue;
    for (let p = 0; p < plane; p++) sums[p] += weight * activation.data[k * plane + p];
  }
  return { data: Float32Array.from(sums, (value) => Math.max(0, value)), size: [height, width] };
}

export function assertSpatial(activation: Activation, method: string): void {
  if (activation.dims.length !== 4) throw new Error(`${method} needs a [N, C, H, W] layer, got dims [${activation.dims.join(', ')}]`);
}

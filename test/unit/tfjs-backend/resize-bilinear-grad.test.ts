import * as assert from 'node:assert/strict';
import type * as Tf from '@tensorflow/tfjs';
import { initTfjsBackend, loadTfjs } from '../../../src/runtime/tfjs/backend';
import { CPU_REPLACED_KERNELS, replaceKernels } from '../../../src/runtime/tfjs/kernels';

const tf = loadTfjs();

/** Bilinear resize of an NHWC array written out from TensorFlow's definition, in float64 (independent of tfjs). */
function resizeReference(x: Float64Array, [batch, height, width, channels]: number[], [outHeight, outWidth]: number[], alignCorners: boolean, halfPixel: boolean): Float64Array {
  const source = (o: number, inSize: number, outSize: number) => {
    const scale = alignCorners && outSize > 1 ? (inSize - 1) / (outSize - 1) : inSize / outSize;
    const at = halfPixel ? (o + 0.5) * scale - 0.5 : o * scale;
    const low = Math.min(inSize - 1, Math.max(0, Math.floor(at)));
    const high = Math.min(inSize - 1, Math.max(0, Math.ceil(at)));
    return { low, high, frac: low === high ? 0 : at - low };
  };
  const out = new Float64Array(batch * outHeight * outWidth * channels);
  const at = (b: number, y: number, x_: number, c: number) => x[((b * height + y) * width + x_) * channels + c];
  for (let b = 0; b < batch; b++) for (let oy = 0; oy < outHeight; oy++) for (let ox = 0; ox < outWidth; ox++) for (let c = 0; c < channels; c++) {
    const r = source(oy, height, outHeight);
    const q = source(ox, width, outWidth);
    const top = at(b, r.low, q.low, c) + (at(b, r.low, q.high, c) - at(b, r.low, q.low, c)) * q.frac;
    const bottom = at(b, r.high, q.low, c) + (at(b, r.high, q.high, c) - at(b, r.high, q.low, c)) * q.frac;
    out[((b * outHeight + oy) * outWidth + ox) * channels + c] = top + (bottom - top) * r.frac;
  }
  return out;
}

const seeded = (count: number, seed: number) => {
  let state = seed >>> 0;
  return Float64Array.from({ length: count }, () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
};

describe('tfjs backend: the bilinear-resize gradient', function () {
  this.timeout(120000);
  let backend: string;
  before(async () => {
    ({ backend } = await initTfjsBackend());
  });

  // The loss is Σ w·resize(x), linear in x: its gradient is exact from central differences of the float64 reference.
  const cases: { name: string; shape: [number, number, number, number]; size: [number, number]; alignCorners: boolean; halfPixel: boolean }[] = [
    { name: 'half-pixel centres, upsampling a non-square map', shape: [2, 4, 6, 3], size: [7, 9], alignCorners: false, halfPixel: true },
    { name: 'half-pixel centres, downsampling', shape: [1, 9, 7, 2], size: [4, 3], alignCorners: false, halfPixel: true },
    { name: 'aligned corners, non-square', shape: [1, 5, 3, 2], size: [8, 11], alignCorners: true, halfPixel: false },
    { name: 'legacy (neither), non-square', shape: [1, 3, 5, 1], size: [6, 7], alignCorners: false, halfPixel: false },
  ];
  for (const { name, shape, size, alignCorners, halfPixel } of cases) {
    it(`${name}: equals the gradient of TensorFlow's definition`, async () => {
      const count = shape.reduce((a, b) => a * b, 1);
      const x = seeded(count, 3);
      const w = seeded(shape[0] * size[0] * size[1] * shape[3], 11);
      const loss = (values: Float64Array) => resizeReference(values, shape, size, alignCorners, halfPixel).reduce((sum, v, i) => sum + v * w[i], 0);
      const expected = Array.from({ length: count }, (_, i) => {
        const plus = Float64Array.from(x);
        const minus = Float64Array.from(x);
        plus[i] += 0.5;
        minus[i] -= 0.5;
        return loss(plus) - loss(minus);
      });
      const previous = tf.getBackend();
      try {
        for (const on of [...new Set([backend, 'cpu'])]) {
          await tf.setBackend(on);
          if (on === 'cpu') replaceKernels(tf, 'cpu', CPU_REPLACED_KERNELS);
          const forward = await tf.image.resizeBilinear(tf.tensor4d(Float32Array.from(x), shape), size, alignCorners, halfPixel).data();
          const reference = resizeReference(x, shape, size, alignCorners, halfPixel);
          reference.forEach((value, i) => assert.ok(Math.abs(forward[i] - value) <= 1e-5, `${on}: the forward resize itself follows the definition (element ${i})`));
          const weights = tf.tensor(Float32Array.from(w), [shape[0], size[0], size[1], shape[3]]);
          const gradient = tf.grad((input: Tf.Tensor) => tf.image.resizeBilinear(input as Tf.Tensor4D, size, alignCorners, halfPixel).mul(weights).sum())(tf.tensor(Float32Array.from(x), shape));
          assert.deepEqual(gradient.shape, shape, on);
          const actual = await gradient.data();
          expected.forEach((value, i) => assert.ok(Math.abs(actual[i] - value) <= 1e-4 * (1 + Math.abs(value)), `${on}, element ${i}: ${actual[i]} against ${value}`));
          tf.dispose([weights, gradient]);
        }
      } finally {
        await tf.setBackend(previous);
      }
    });
  }
});

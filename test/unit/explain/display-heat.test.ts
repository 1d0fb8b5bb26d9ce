import * as assert from 'node:assert/strict';
import { displayHeat, pixelAttributionHeat } from '../../../src/runtime/explain/tensor-math';

describe('explain: how maps are drawn', () => {
  it('pixel attributions: absolute values over the 98th percentile, clipped, so one outlier does not wash the map out', () => {
    // 1..100 with the last replaced by a huge outlier and the middle one negative.
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    values[99] = 10_000;
    values[49] = -50;
    const heat = pixelAttributionHeat(values);
    // Sorted |values|: 1..99 then 10,000; the value at index floor(0.98 · 100) = 98 is 99.
    assert.ok(Math.abs(heat[49] - 50 / 99) < 1e-6, 'the sign is dropped');
    assert.ok(Math.abs(heat[9] - 10 / 99) < 1e-6);
    assert.equal(heat[99], 1);
    assert.equal(heat[98], 1);
    // Min-max scaling (what layer maps get) leaves the same values nearly uniform.
    const minMax = displayHeat(values, false);
    assert.ok(minMax[9] - minMax[0] < 0.001);
    assert.deepEqual([...pixelAttributionHeat([0, 0, 0])], [0, 0, 0]);
  });
});

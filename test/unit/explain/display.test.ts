import * as assert from 'node:assert/strict';
import { absoluteClipNormalize, displayHeat, minMaxNormalize, seededNormal } from '../../../src/runtime/explain/tensor-math';

/**
 * A signed 64×64 gradient map as saliency and integrated gradients give them: strong gradients of both signs in a
 * 16×16 square, weak noise elsewhere, and one isolated spike larger than everything else (under 1% of the total |value|).
 */
function syntheticGradients(): { values: Float32Array; inside: (index: number) => boolean } {
  const side = 64;
  const normal = seededNormal(7);
  const inside = (index: number) => {
    const y = Math.floor(index / side);
    const x = index % side;
    return y >= 20 && y < 36 && x >= 30 && x < 46;
  };
  const values = Float32Array.from({ length: side * side }, (_, index) => (inside(index) ? (index % 2 ? 1 : -1) * (1 + 0.3 * normal()) : 0.01 * normal()));
  values[5 * side + 5] = 2.5;
  return { values, inside };
}

function shareInside(heat: Float32Array, inside: (index: number) => boolean): number {
  let within = 0;
  let total = 0;
  heat.forEach((value, index) => {
    total += value;
    if (inside(index)) within += value;
  });
  return within / total;
}

describe('explain: pixel-gradient maps drawn as |value| with percentile clipping', () => {
  it('puts the map\'s mass where the gradient is, where min-max scaling washes it out', () => {
    const { values, inside } = syntheticGradients();
    const heat = absoluteClipNormalize(values);
    const share = shareInside(heat, inside);
    assert.ok(share > 0.8, `share of the heat inside the square ${share.toFixed(3)}`);
    const insideHeat = [...heat].filter((_, index) => inside(index)).sort((a, b) => a - b);
    assert.ok(insideHeat[insideHeat.length >> 1] > 0.5, `median heat inside ${insideHeat[insideHeat.length >> 1]}`);
    assert.equal(heat[5 * 64 + 5], 1, 'the spike saturates');
    // What min-max scaling of the signed map draws: nearly every pixel near the same middle value.
    const washed = minMaxNormalize(values);
    assert.ok(shareInside(washed, inside) < 0.1, `min-max share inside ${shareInside(washed, inside).toFixed(3)}`);
  });

  it('clips at the value where the sorted |values| reach 99% of their sum, as Captum does', () => {
    const values = Float32Array.from({ length: 100 }, (_, index) => (index === 99 ? -2 : 1));
    // Sorted: 99 ones then 2; the sum is 101, 99% of it (99.99) is first reached by the last value, 2.
    assert.deepEqual([...absoluteClipNormalize(values)].slice(98), [0.5, 1]);
    const tail = Float32Array.from({ length: 1000 }, (_, index) => (index < 990 ? 1 : 100));
    // 990 ones and ten 100s: the sum is 1990; 99% (1970.1) is reached at the tenth 100, so the ones read 0.01.
    assert.equal(absoluteClipNormalize(tail)[0], Math.fround(0.01));
  });

  it('keeps min-max scaling for CAM methods and applies clipping only to gradient pixel methods', () => {
    const map = { data: Float32Array.from([-1, 0, 1, 3]), size: [2, 2] as [number, number] };
    assert.deepEqual([...displayHeat(map, [2, 2], 'gradcam')], [0, 0.25, 0.5, 1]);
    assert.deepEqual([...displayHeat(map, [2, 2], 'integrated-gradients')], [...absoluteClipNormalize(map.data)]);
    assert.equal(displayHeat(map, [2, 2], 'saliency')[0], displayHeat(map, [2, 2], 'saliency')[2]);
  });
});

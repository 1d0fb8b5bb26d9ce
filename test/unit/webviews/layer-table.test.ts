import * as assert from 'node:assert/strict';
import type { LayerInfo } from '../../../src/runtime/inspect/types';
import { formatAttribute, formatBytes, formatCount, formatShape } from '../../../src/webviews/inspector/page/format';
import { visibleLayerRows } from '../../../src/webviews/inspector/page/layer-table';

function layer(name: string, type: string, params: number, macs: number, outputShape: LayerInfo['outputShape']): LayerInfo {
  return { name, type, inputs: [], outputs: [], outputShape, outputShapes: [outputShape], params, macs, attributes: {} };
}

const layers = [
  layer('features.0', 'Conv', 1792, 21_290_688, ['N', 64, 111, 111]),
  layer('features.1', 'Relu', 0, 0, ['N', 64, 111, 111]),
  layer('features.2', 'MaxPool', 0, 0, ['N', 64, 55, 55]),
  layer('fire.squeeze', 'Conv', 1040, 3_097_600, ['N', 16, 55, 55]),
  layer('fire.concat', 'Concat', 0, 0, ['N', 128, 55, 55]),
  layer('classifier', 'Gemm', 9280, 9000, [null, 1000]),
];

describe('inspector layer table rows', () => {
  it('keeps model order without a sort column', () => {
    assert.deepEqual(visibleLayerRows(layers, '', null, false), [0, 1, 2, 3, 4, 5]);
  });

  it('sorts numbers numerically and text alphabetically, both directions, ties in model order', () => {
    assert.deepEqual(visibleLayerRows(layers, '', 'params', true), [5, 0, 3, 1, 2, 4]);
    assert.deepEqual(visibleLayerRows(layers, '', 'params', false), [1, 2, 4, 3, 0, 5]);
    assert.deepEqual(visibleLayerRows(layers, '', 'macs', true), [0, 3, 5, 1, 2, 4]);
    assert.deepEqual(visibleLayerRows(layers, '', 'type', false), [4, 0, 3, 5, 2, 1]);
  });

  it('filters by name, op type or shape, case-insensitively, then sorts', () => {
    assert.deepEqual(visibleLayerRows(layers, 'conv', null, false), [0, 3]);
    assert.deepEqual(visibleLayerRows(layers, 'FIRE', 'params', true), [3, 4]);
    assert.deepEqual(visibleLayerRows(layers, '55, 55', null, false), [2, 3, 4]);
    assert.deepEqual(visibleLayerRows(layers, '  ', null, false), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(visibleLayerRows(layers, 'lstm', null, false), []);
  });

  it('formats node attributes compactly: per-axis sizes as 1×1, other lists with commas', () => {
    assert.equal(formatAttribute('strides', [1, 1]), '1×1');
    assert.equal(formatAttribute('kernel_shape', [3, 3]), '3×3');
    assert.equal(formatAttribute('pads', [0, 0, 0, 0]), '0,0,0,0');
    assert.equal(formatAttribute('group', 1), '1');
    assert.equal(formatAttribute('auto_pad', 'NOTSET'), 'NOTSET');
    assert.equal(formatAttribute('value', { dims: [2] }), '{"dims":[2]}');
  });

  it('formats shapes with symbolic and unknown dims, and counts and sizes with units', () => {
    assert.equal(formatShape(['batch_size', 3, 224, 224]), '[batch_size, 3, 224, 224]');
    assert.equal(formatShape([null, 1000]), '[?, 1000]');
    assert.equal(formatShape(null), '?');
    assert.equal(formatShape([]), '[]');
    assert.equal(formatCount(1_235_496), '1.24 M');
    assert.equal(formatCount(349_151_936), '349 M');
    assert.equal(formatCount(4_089_184_256), '4.09 G');
    assert.equal(formatCount(999), '999');
    assert.equal(formatBytes(2_486_047), '2.37 MiB');
    assert.equal(formatBytes(512), '512 B');
  });
});

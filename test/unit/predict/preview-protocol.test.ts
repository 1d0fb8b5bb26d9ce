import * as assert from 'node:assert/strict';
import { blendInto, normalizedHeat } from '../../../src/webviews/preview/page/heatmap';
import { parseHostMessage, parsePageMessage } from '../../../src/webviews/preview/protocol';

describe('preview panel: protocol and overlay drawing', () => {
  it('accepts exactly the known page messages, each numbered, and drops the rest', () => {
    assert.deepEqual(parsePageMessage({ type: 'ready', requestId: 1 }), { type: 'ready', requestId: 1 });
    assert.deepEqual(parsePageMessage({ type: 'pickLabels', requestId: 2 }), { type: 'pickLabels', requestId: 2 });
    assert.equal(parsePageMessage({ type: 'ready' }), undefined, 'a request without an id');
    assert.deepEqual(parsePageMessage({ type: 'explain', requestId: 3, image: '/a.png', method: 'gradcam', targetClass: '281', layer: '' }), { type: 'explain', requestId: 3, image: '/a.png', method: 'gradcam', targetClass: '281', layer: undefined });
    assert.equal(parsePageMessage({ type: 'explain', requestId: 3, image: 3, method: 'gradcam' }), undefined);
    assert.deepEqual(parsePageMessage({ type: 'setPreprocessing', requestId: 4, remember: true, preprocessing: { size: [28, 28], range: '0-1', mean: [0], std: [1], channels: 'gray' } }),
      { type: 'setPreprocessing', requestId: 4, remember: true, preprocessing: { size: [28, 28], range: '0-1', mean: [0], std: [1], channels: 'gray' } });
    assert.equal(parsePageMessage({ type: 'setPreprocessing', requestId: 4, remember: true, preprocessing: { range: '0-9' } }), undefined);
    assert.equal(parsePageMessage({ type: 'setPreprocessing', requestId: 4, remember: true, preprocessing: { size: [0, 28] } }), undefined);
    assert.equal(parsePageMessage({ type: 'exportPng', requestId: 5, name: 'x', dataUrl: 'javascript:alert(1)' }), undefined);
    assert.equal(parsePageMessage({ type: 'addImages', requestId: 6, uris: [1] }), undefined);
    assert.equal(parsePageMessage({ type: 'shell', requestId: 7 }), undefined);
    assert.equal(parseHostMessage({ type: 'predictions', requestId: 1, response: {} }), undefined);
    assert.equal(parseHostMessage({ type: 'busy', message: 'x' }), undefined, 'a reply without the id it answers');
    assert.deepEqual(parseHostMessage({ type: 'busy', requestId: 0, message: 'x' }), { type: 'busy', requestId: 0, message: 'x' });
  });

  it('upsamples and normalizes the cam and blends it with the opacity', () => {
    const heat = normalizedHeat({ size: [1, 2], values: [1, 3] }, 2, 1, 'gradcam');
    assert.deepEqual([...heat], [0, 1]);
    const picture = new Uint8ClampedArray([100, 100, 100, 255, 100, 100, 100, 255]);
    const none = new Uint8ClampedArray(8);
    blendInto(none, picture, heat, 0, 'gray');
    assert.deepEqual([...none], [...picture]);
    const full = new Uint8ClampedArray(8);
    blendInto(full, picture, heat, 1, 'gray');
    assert.deepEqual([...full], [0, 0, 0, 255, 255, 255, 255, 255]);
    const half = new Uint8ClampedArray(8);
    blendInto(half, picture, heat, 0.5, 'gray');
    assert.deepEqual([...half], [50, 50, 50, 255, 178, 178, 178, 255]);
  });
});

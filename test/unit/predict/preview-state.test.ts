import * as assert from 'node:assert/strict';
import { parsePreviewPageState } from '../../../src/webviews/preview/protocol';

describe('preview panel: state kept across window reloads', () => {
  it('restores a model (or none) and its images, and refuses anything else', () => {
    assert.deepEqual(parsePreviewPageState({ model: '/m/model.json', images: ['/a.png', '/b.jpg'] }), { model: '/m/model.json', images: ['/a.png', '/b.jpg'] });
    assert.deepEqual(parsePreviewPageState({ model: null, images: [] }), { model: null, images: [] });
    assert.deepEqual(parsePreviewPageState({ model: '/m.onnx', images: [], extra: 1 }), { model: '/m.onnx', images: [] }, 'unknown fields are dropped');
    for (const bad of [undefined, null, 'x', {}, { model: '', images: [] }, { model: 3, images: [] }, { model: '/m.onnx' }, { model: '/m.onnx', images: ['/a.png', 7] }, { model: '/m.onnx', images: [''] }]) {
      assert.equal(parsePreviewPageState(bad), undefined, JSON.stringify(bad));
    }
  });
});

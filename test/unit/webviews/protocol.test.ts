import * as assert from 'node:assert/strict';
import { parseHostMessage, parsePageMessage, parsePageState } from '../../../src/webviews/inspector/protocol';

describe('inspector protocol validation', () => {
  it('accepts exactly the messages the page may send', () => {
    assert.deepEqual(parsePageMessage({ type: 'ready', requestId: 1 }), { type: 'ready', requestId: 1 });
    assert.deepEqual(parsePageMessage({ type: 'reload', requestId: 2 }), { type: 'reload', requestId: 2 });
    assert.deepEqual(parsePageMessage({ type: 'quantize', requestId: 3 }), { type: 'quantize', requestId: 3 });
  });

  it('drops page messages without a request id, or with one that is not a non-negative integer', () => {
    for (const requestId of [undefined, -1, 1.5, '3', null, Number.NaN]) {
      assert.equal(parsePageMessage({ type: 'reload', requestId }), undefined, String(requestId));
    }
    assert.equal(parseHostMessage({ type: 'loading', file: '/a.onnx' }), undefined, 'host replies carry the request id too');
  });

  it('drops unknown, malformed or padded page messages', () => {
    for (const message of [
      undefined,
      null,
      'ready',
      42,
      [],
      {},
      { type: 'openFile', file: '/etc/passwd' },
      { type: 'ready', requestId: 1, extra: true },
      { type: 'quantize', requestId: 1, file: '/etc/passwd' },
      { type: 'READY', requestId: 1 },
      { type: ['ready'] },
    ]) {
      assert.equal(parsePageMessage(message), undefined, JSON.stringify(message));
    }
  });

  it('restores page state with defaults for missing or wrong fields, and none without a file', () => {
    assert.equal(parsePageState(undefined), undefined);
    assert.equal(parsePageState({ tab: 'graph' }), undefined);
    assert.equal(parsePageState({ file: '' }), undefined);
    assert.deepEqual(parsePageState({ file: '/m/model.json', tab: 'nonsense', filter: 7, sortColumn: 'params', sortDescending: 'yes' }), {
      file: '/m/model.json',
      tab: 'overview',
      filter: '',
      sortColumn: 'params',
      sortDescending: false,
      selectedNode: null,
    });
    assert.deepEqual(parsePageState({ file: '/m/a.onnx', tab: 'graph', filter: 'conv', sortColumn: null, sortDescending: true, selectedNode: 'layer:3' }), {
      file: '/m/a.onnx',
      tab: 'graph',
      filter: 'conv',
      sortColumn: null,
      sortDescending: true,
      selectedNode: 'layer:3',
    });
  });

  it('lets the page reject host messages that are not summaries, errors or loading notices', () => {
    assert.deepEqual(parseHostMessage({ type: 'loading', requestId: 3, file: '/a.onnx' }), { type: 'loading', requestId: 3, file: '/a.onnx' });
    assert.deepEqual(parseHostMessage({ type: 'error', requestId: 0, file: '/a.onnx', message: 'bad' }), { type: 'error', requestId: 0, file: '/a.onnx', message: 'bad' });
    assert.equal(parseHostMessage({ requestId: 5, type: 'error', file: '/a.onnx' }), undefined);
    assert.equal(parseHostMessage({ requestId: 5, type: 'summary', summary: { layers: 'no' } }), undefined);
    assert.equal(parseHostMessage({ requestId: 5, type: 'summary' }), undefined);
    assert.equal(parseHostMessage({ requestId: 5, type: 'summary', summary: { layers: [], inputs: [] } })?.type, 'summary');
    assert.deepEqual(parseHostMessage({ requestId: 5, type: 'summary', summary: { layers: [], inputs: [] }, dims: { batch: 2 } }), { requestId: 5, type: 'summary', summary: { layers: [], inputs: [] }, dims: { batch: 2 } });
    assert.equal(parseHostMessage({ requestId: 5, type: 'summary', summary: { layers: [], inputs: [] }, dims: { batch: 0 } }), undefined);
  });

  it('accepts dim bindings from the page only as positive integers under non-empty names', () => {
    assert.deepEqual(parsePageMessage({ requestId: 5, type: 'bindDims', dims: { batch_size: 1, height: 224 } }), { requestId: 5, type: 'bindDims', dims: { batch_size: 1, height: 224 } });
    assert.deepEqual(parsePageMessage({ requestId: 5, type: 'bindDims', dims: {} }), { requestId: 5, type: 'bindDims', dims: {} });
    const tooMany = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`d${i}`, 1]));
    for (const dims of [undefined, null, [1], 'batch=1', { batch: 0 }, { batch: -2 }, { batch: 1.5 }, { batch: '4' }, { batch: Number.NaN }, { batch: 2 ** 60 }, { '': 3 }, tooMany]) {
      assert.equal(parsePageMessage({ requestId: 5, type: 'bindDims', dims }), undefined, JSON.stringify(dims));
    }
    assert.equal(parsePageMessage({ requestId: 5, type: 'bindDims', dims: { batch: 1 }, file: '/etc/passwd' }), undefined);
    assert.equal(parsePageMessage({ requestId: 5, type: 'reload', dims: { batch: 1 } }), undefined);
  });
});

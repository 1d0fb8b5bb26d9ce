import * as assert from 'node:assert/strict';
import { parseHostMessage, parsePageMessage, parsePageState } from '../../../src/webviews/inspector/protocol';

describe('inspector protocol validation', () => {
  it('accepts exactly the messages the page may send', () => {
    assert.deepEqual(parsePageMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parsePageMessage({ type: 'reload' }), { type: 'reload' });
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
      { type: 'ready', extra: true },
      { type: 'READY' },
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
    assert.deepEqual(parseHostMessage({ type: 'loading', file: '/a.onnx' }), { type: 'loading', file: '/a.onnx' });
    assert.deepEqual(parseHostMessage({ type: 'error', file: '/a.onnx', message: 'bad' }), { type: 'error', file: '/a.onnx', message: 'bad' });
    assert.equal(parseHostMessage({ type: 'error', file: '/a.onnx' }), undefined);
    assert.equal(parseHostMessage({ type: 'summary', summary: { layers: 'no' } }), undefined);
    assert.equal(parseHostMessage({ type: 'summary' }), undefined);
    assert.equal(parseHostMessage({ type: 'summary', summary: { layers: [], inputs: [] } })?.type, 'summary');
  });
});

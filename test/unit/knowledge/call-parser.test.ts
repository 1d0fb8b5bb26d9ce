import * as assert from 'node:assert/strict';
import { parseCallAt, parseValue, type Value } from '../../../src/runtime/knowledge/call-parser';

function plain(value: Value): unknown {
  switch (value.kind) {
    case 'number': case 'string': case 'bool': return value.value;
    case 'none': return null;
    case 'tuple': return value.items.map(plain);
    case 'object': return Object.fromEntries([...value.entries].map(([key, item]) => [key, plain(item)]));
    case 'expr': return { expr: value.text };
  }
}

function parse(source: string, python = true) {
  const call = parseCallAt(source, source.indexOf('('), python);
  assert.ok(call, `no call in ${source}`);
  return call.args.map((arg) => ({ name: arg.name, value: plain(arg.value) }));
}

describe('call parser', () => {
  it('reads positional and keyword arguments of a Python call', () => {
    assert.deepEqual(parse('nn.Conv2d(3, 64, kernel_size=3, stride=2, padding=1, bias=False)'), [
      { name: undefined, value: 3 }, { name: undefined, value: 64 }, { name: 'kernel_size', value: 3 },
      { name: 'stride', value: 2 }, { name: 'padding', value: 1 }, { name: 'bias', value: false },
    ]);
  });

  it('reads tuples, lists, strings, None and keeps expressions as text', () => {
    assert.deepEqual(parse("f((3, 5), [1, 2], 'same', None, in_ch * 2, g(1, 2), (7,), (x))"), [
      { name: undefined, value: [3, 5] }, { name: undefined, value: [1, 2] }, { name: undefined, value: 'same' },
      { name: undefined, value: null }, { name: undefined, value: { expr: 'in_ch * 2' } },
      { name: undefined, value: { expr: 'g(1, 2)' } }, { name: undefined, value: [7] }, { name: undefined, value: { expr: 'x' } },
    ]);
  });

  it('spans lines and skips comments and commas inside strings', () => {
    const source = 'nn.Conv2d(\n    16,  # input channels, from the stem\n    32,\n    kernel_size=(3, 3),\n    padding="a,b",\n)';
    assert.deepEqual(parse(source), [
      { name: undefined, value: 16 }, { name: undefined, value: 32 }, { name: 'kernel_size', value: [3, 3] }, { name: 'padding', value: 'a,b' },
    ]);
  });

  it('reads a TensorFlow.js config object with quoted and unquoted keys', () => {
    assert.deepEqual(parse("tf.layers.conv2d({filters: 64, kernelSize: [3, 3], 'strides': 2, padding: 'same', useBias: false, activation}) // done", false), [
      { name: undefined, value: { filters: 64, kernelSize: [3, 3], strides: 2, padding: 'same', useBias: false, activation: { expr: 'activation' } } },
    ]);
  });

  it('does not treat comparisons as keywords and ignores JS keyword syntax', () => {
    assert.deepEqual(parse('f(a == 1)'), [{ name: undefined, value: { expr: 'a == 1' } }]);
    assert.deepEqual(parse('f(a = 1)', false), [{ name: undefined, value: { expr: 'a = 1' } }]);
  });

  it('gives up on an unclosed call and on a name that is not called', () => {
    assert.equal(parseCallAt('nn.Conv2d(3, 64', 9, true), undefined);
    assert.equal(parseCallAt('nn.Conv2d\nx = 1', 9, true), undefined);
  });

  it('parses numbers in Python and JS spellings', () => {
    assert.deepEqual(plain(parseValue('1e-3', true)), 0.001);
    assert.deepEqual(plain(parseValue('-2', true)), -2);
    assert.deepEqual(plain(parseValue('1_000', true)), 1000);
    assert.deepEqual(plain(parseValue('.5', false)), 0.5);
    assert.deepEqual(plain(parseValue('True', true)), true);
    assert.deepEqual(plain(parseValue('null', false)), null);
  });

  it('evaluates integer arithmetic of literals and nothing else', () => {
    assert.deepEqual(plain(parseValue('64 * 14 * 14', true)), 12544);
    assert.deepEqual(plain(parseValue('2 ** 5 + (3 - 1)', true)), 34);
    assert.deepEqual(plain(parseValue('base * 2', true)), { expr: 'base * 2' });
    assert.deepEqual(plain(parseValue('7 // 2', true)), { expr: '7 // 2' });
  });
});

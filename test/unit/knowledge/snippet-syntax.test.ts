import * as assert from 'node:assert/strict';
import { expandSnippet } from '../../../src/runtime/knowledge/snippet-syntax';

describe('snippet syntax expander', () => {
  it('fills placeholders with their defaults and drops empty tab stops', () => {
    assert.equal(expandSnippet('class ${1:UNet}(depth=${2:4}):$0'), 'class UNet(depth=4):');
    assert.equal(expandSnippet('a $1 b ${2} c'), 'a  b  c');
  });

  it('mirrors a tab stop everywhere it is repeated, nested placeholders included', () => {
    assert.equal(expandSnippet('${1:size} x $1 x ${1}'), 'size x size x size');
    assert.equal(expandSnippet('f(${1:a, ${2:b}}) $2'), 'f(a, b) b');
    assert.equal(expandSnippet('$3 then ${3:late}'), 'late then late');
  });

  it('takes the first option of a choice', () => {
    assert.equal(expandSnippet("reduction='${4|mean,sum,none|}'"), "reduction='mean'");
    assert.equal(expandSnippet('${1|a\\,b,c|}'), 'a,b');
  });

  it('handles variables and escapes', () => {
    assert.equal(expandSnippet('${TM_SELECTED_TEXT:body} $TM_FILENAME'), 'body ');
    assert.equal(expandSnippet('$TM_FILENAME', { TM_FILENAME: 'net.py' }), 'net.py');
    assert.equal(expandSnippet('cost \\$5 and \\} and \\\\'), 'cost $5 and } and \\');
    assert.equal(expandSnippet('${1:a \\} b}'), 'a } b');
    assert.equal(expandSnippet('plain $ sign and {braces}'), 'plain $ sign and {braces}');
  });

  it('joins VS Code line arrays and rejects an unclosed placeholder', () => {
    assert.equal(expandSnippet(['def ${1:f}():', '    return 1']), 'def f():\n    return 1');
    assert.throws(() => expandSnippet('${1:open'), /unclosed/);
  });
});

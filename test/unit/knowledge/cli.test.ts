import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { knowledgeVerb } from '../../../src/runtime/cli/verbs/knowledge';
import { hoverVerb } from '../../../src/runtime/cli/verbs/hover';

/** Runs a verb and returns its exit code and what it printed. */
async function run(verb: (argv: string[]) => Promise<number>, argv: string[]): Promise<{ code: number; output: string }> {
  const printed: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => { printed.push(parts.join(' ')); };
  try {
    const code = await verb(argv);
    return { code, output: printed.join('\n') };
  } finally {
    console.log = original;
  }
}

describe('cli: knowledge and hover verbs', () => {
  it('knowledge QUERY --json lists id, title, seeds and symbols of the matches', async () => {
    const { code, output } = await run(knowledgeVerb, ['roi', 'align', '--json']);
    assert.equal(code, 0);
    const entries = JSON.parse(output);
    assert.equal(entries[0].id, 'roi-align');
    assert.deepEqual(Object.keys(entries[0]), ['id', 'title', 'seeds', 'symbols']);
    assert.ok(entries[0].seeds.includes(24));
    assert.ok(entries[0].symbols.pytorch.includes('torchvision.ops.MultiScaleRoIAlign'));
    const all = JSON.parse((await run(knowledgeVerb, ['--json'])).output);
    assert.ok(all.length >= 50);
  });

  it('hover FILE LINE COLUMN --json prints what the editor hover shows', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-hover-'));
    const file = path.join(dir, 'model.py');
    fs.writeFileSync(file, 'import torch.nn as nn\n\nconv = nn.Conv2d(3, 64, kernel_size=3, stride=2, padding=1)\npool = 2\n');
    try {
      const { code, output } = await run(hoverVerb, [file, '3', '12', '--json']);
      assert.equal(code, 0);
      const hover = JSON.parse(output);
      assert.equal(hover.symbol, 'torch.nn.Conv2d');
      assert.equal(hover.entry.id, 'convolution');
      assert.equal(hover.call.parameters, 1792);
      assert.deepEqual(hover.call.outputFormulas, ['H_out = ⌊(H + 2·1 − 3)/2⌋ + 1', 'W_out = ⌊(W + 2·1 − 3)/2⌋ + 1']);
      assert.deepEqual(hover.range, { start: { line: 3, column: 8 }, end: { line: 3, column: 17 } });
      assert.ok(hover.markdown.includes('[Read more](command:cnn.explainConcept'));
      assert.equal((await run(hoverVerb, [file, '4', '2', '--json'])).output, 'null');
      assert.equal((await run(hoverVerb, [file, 'x', '2'])).code, 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Hover benchmark rows for scripts/bench.js: the knowledge hover (symbol resolution through the file's imports, call
// parsing, formulas, Markdown) on a realistic model file, next to the least any hover does (the word under the
// cursor looked up in a dictionary) on the same file and positions.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

/** Median milliseconds per call of `hover(offset)` over every offset, after a warm-up pass. */
function timePerHover(offsets, hover) {
  for (const offset of offsets) hover(offset);
  const samples = [];
  for (let round = 0; round < 15; round++) {
    const started = process.hrtime.bigint();
    for (const offset of offsets) hover(offset);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6 / offsets.length);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

function knowledgeHover() {
  require(path.join(root, 'test/unit/register.js'));
  const { hoverAt, knowledgeIndex } = require(path.join(root, 'src/runtime/knowledge'));
  const index = knowledgeIndex();
  // A 600-line model file: the sample PyTorch classifier repeated, plus a U-Net from the snippets.
  const sample = fs.readFileSync(path.join(root, 'sample-workspace/cnn_pytorch.py'), 'utf8');
  const unet = JSON.parse(fs.readFileSync(path.join(root, 'snippets/pytorch.json'), 'utf8'))['U-Net (PyTorch)'].body.join('\n');
  let source = '';
  while (source.split('\n').length < 600) source += `${sample}\n${unet.replace(/\$\{\d+:([^}]*)\}|\$\d/g, '$1')}\n`;
  const offsets = [...source.matchAll(/nn\.(Conv2d|MaxPool2d|Linear|ConvTranspose2d|BatchNorm2d)\(|\bself\.\w+|\bpool\b/g)].map((match) => match.index + match[0].indexOf('.') + 2);
  const lines = source.split('\n').length;
  const hits = offsets.filter((offset) => hoverAt(index, source, 'python', offset)).length;

  const knowledgeMs = timePerHover(offsets, (offset) => hoverAt(index, source, 'python', offset));
  const dictionary = new Map(index.entries.flatMap((entry) => Object.values(entry.symbols).flat().map((symbol) => [symbol.split('.').pop(), entry.id])));
  const baselineMs = timePerHover(offsets, (offset) => {
    let start = offset;
    let end = offset;
    while (start > 0 && /\w/.test(source[start - 1])) start--;
    while (end < source.length && /\w/.test(source[end])) end++;
    return dictionary.get(source.slice(start, end));
  });
  return [
    { name: `knowledge hover on a ${lines}-line PyTorch file`, value: knowledgeMs.toFixed(3), unit: 'ms', note: `median per hover over ${offsets.length} positions (${hits} with a hover); budget 5 ms` },
    { name: '  baseline: word under the cursor + dictionary lookup', value: baselineMs.toFixed(3), unit: 'ms', note: 'no imports, no call parsing: what the knowledge hover adds is the difference' },
  ];
}

module.exports = { knowledgeHover };

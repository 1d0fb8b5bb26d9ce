import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sharedDir } from '../helpers/shared';
import { frameworks, type Framework } from '../../../src/runtime/knowledge/types';
import { hoverAt, knowledgeIndex, type Language } from '../../../src/runtime/knowledge';

const seedFile = path.join(sharedDir, 'seeds', '000_be673d2fdf37fd56.txt');

/** A small source file naming `symbol` the way code in its framework would, and the offset of its last segment. */
function sampleUse(symbol: string, framework: Framework): { source: string; language: Language; offset: number } {
  if (framework === 'onnx') {
    const source = `from onnx import helper\nnode = helper.make_node("${symbol}", ["x"], ["y"])\n`;
    return { source, language: 'python', offset: source.indexOf(`"${symbol}"`) + 1 };
  }
  if (framework === 'tfjs') {
    const source = `import * as tf from '@tensorflow/tfjs';\nconst layer = ${symbol}();\n`;
    return { source, language: 'typescript', offset: source.lastIndexOf(symbol) + symbol.lastIndexOf('.') + 1 };
  }
  const source = `import torch\nimport torchvision\nimport tensorflow\nimport keras\nlayer = ${symbol}()\n`;
  return { source, language: 'python', offset: source.lastIndexOf(symbol) + symbol.lastIndexOf('.') + 1 };
}

describe('knowledge base', () => {
  const index = knowledgeIndex();

  it('answers every seed question 1-50', () => {
    const questions = [...fs.readFileSync(seedFile, 'utf8').matchAll(/^#+\s*(\d+)\.\s/gm)].map((match) => Number(match[1]));
    assert.deepEqual([...new Set(questions)].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
    const coverage = index.seedCoverage();
    const unanswered = questions.filter((question) => !coverage.has(question));
    assert.deepEqual(unanswered, [], `seed questions without an entry: ${unanswered.join(', ')}`);
  });

  it('has every field of every entry filled, and related ids that exist', () => {
    for (const entry of index.entries) {
      assert.match(entry.id, /^[a-z0-9-]+$/, entry.id);
      assert.ok(entry.title.length > 0 && entry.body.length > 300, `${entry.id}: title and a real body`);
      assert.ok(entry.summary.length >= 80 && entry.summary.length <= 420, `${entry.id}: summary fits a hover (${entry.summary.length} chars)`);
      assert.ok(entry.aliases.length > 0, `${entry.id}: aliases`);
      assert.ok(entry.seeds.every((seed) => Number.isInteger(seed) && seed >= 1 && seed <= 50), `${entry.id}: seed numbers`);
      for (const related of entry.related) assert.ok(index.get(related), `${entry.id} → unknown related entry ${related}`);
    }
  });

  it('is written in its own words: no 8-word run of any entry repeats the seed answers', () => {
    const words = (text: string) => text.toLowerCase().replace(/[^a-z0-9 ]+/g, ' ').split(/\s+/).filter(Boolean);
    const seedWords = words(fs.readFileSync(seedFile, 'utf8'));
    const seedRuns = new Set<string>();
    for (let i = 0; i + 8 <= seedWords.length; i++) seedRuns.add(seedWords.slice(i, i + 8).join(' '));
    for (const entry of index.entries) {
      const entryWords = words(`${entry.summary} ${entry.body}`);
      for (let i = 0; i + 8 <= entryWords.length; i++) {
        const run = entryWords.slice(i, i + 8).join(' ');
        assert.ok(!seedRuns.has(run), `${entry.id} repeats the seed text: "${run}"`);
      }
    }
  });

  it('explains layers of every framework, including the ones the hover must know', () => {
    const required = ['torch.nn.Conv2d', 'torch.nn.MaxPool2d', 'torch.nn.BatchNorm2d', 'torch.nn.Dropout', 'torch.nn.ConvTranspose2d',
      'torchvision.ops.RoIAlign', 'torchvision.ops.roi_align', 'torchvision.ops.MultiScaleRoIAlign', 'torchvision.models.detection.rpn.AnchorGenerator',
      'torchvision.ops.sigmoid_focal_loss', 'torch.nn.BCEWithLogitsLoss', 'torch.nn.HuberLoss', 'torch.nn.parallel.DistributedDataParallel',
      'torch.quantization.quantize_dynamic', 'keras.layers.Conv2D', 'keras.layers.MaxPooling2D', 'tf.layers.conv2d', 'tf.layers.batchNormalization', 'Conv'];
    for (const symbol of required) assert.ok(index.symbols.has(symbol), symbol);
    for (const framework of frameworks) {
      assert.ok(index.entries.filter((entry) => (entry.symbols[framework] ?? []).length > 0).length >= 8, `${framework} symbols in many entries`);
    }
  });

  it('resolves every symbol of every entry in the hover', () => {
    const unknown: string[] = [];
    for (const entry of index.entries) {
      for (const framework of frameworks) {
        for (const symbol of entry.symbols[framework] ?? []) {
          const { source, language, offset } = sampleUse(symbol, framework);
          const hover = hoverAt(index, source, language, offset);
          if (hover?.entry.id !== entry.id || hover.symbol !== symbol) unknown.push(`${framework}:${symbol}`);
        }
      }
    }
    assert.deepEqual(unknown, []);
  });
});

describe('knowledge search', () => {
  const index = knowledgeIndex();

  it('finds entries by title, alias and symbol, best match first', () => {
    assert.equal(index.search('U-Net')[0].id, 'u-net');
    assert.equal(index.search('fgsm')[0].id, 'adversarial-attacks');
    assert.equal(index.search('Conv2d')[0].id, 'convolution');
    assert.equal(index.search('roi_align')[0].id, 'roi-align');
    assert.equal(index.search('teacher student')[0].id, 'knowledge-distillation');
  });

  it('requires every word and lists everything for an empty query', () => {
    assert.equal(index.search('').length, index.entries.length);
    assert.deepEqual(index.search('focal zzzunknownword'), []);
  });
});

describe('knowledge base: facts pinned against torch 1.13, tfjs 4.22 and the ONNX schema', () => {
  const entries = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../src/runtime/knowledge/entries.json'), 'utf8')) as { id: string; summary: string; body: string[] }[];
  const text = (id: string) => {
    const entry = entries.find((candidate) => candidate.id === id);
    assert.ok(entry, `no entry ${id}`);
    return `${entry.summary}\n${entry.body.join('\n')}`;
  };

  it('max pooling: ceil_mode drops the last window (224 → 75), ONNX strides default to 1, tf.maxPool needs strides', () => {
    const pooling = text('max-pooling');
    assert.match(pooling, /turns 224 into 75, not 76/);
    assert.match(pooling, /to 1 in ONNX `MaxPool`\/`AveragePool`/);
    assert.match(pooling, /`tf\.maxPool` has no default/);
    assert.doesNotMatch(pooling, /defaults to `k` in every\s+framework/);
  });

  it('Leaky ReLU defaults: 0.01 in PyTorch, 0.3 in Keras and TensorFlow.js', () => {
    assert.match(text('activation-functions'), /0\.01 in PyTorch, 0\.3 in Keras and TensorFlow\.js/);
  });

  it('triplet loss: nn.TripletMarginLoss uses plain distances', () => {
    const embedding = text('image-embedding');
    assert.match(embedding, /‖a − p‖ − ‖a − n‖ \+ m/);
    assert.doesNotMatch(embedding, /‖a − p‖²/);
  });
});

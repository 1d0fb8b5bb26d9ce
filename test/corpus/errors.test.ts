import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_MESSAGE_LENGTH } from '../../src/runtime/errors';
import { imageToTensor } from '../../src/runtime/images';
import { resolvePreprocessing } from '../../src/runtime/images/resolve';
import { inspectModel } from '../../src/runtime/inspect';
import { Predictor } from '../../src/runtime/predict/predictor';
import { corpus, corpusAvailable, corpusFile } from './corpus';

const root = path.resolve(__dirname, '../..');
const cli = path.join(root, 'dist', 'cli.js');

/** A copy of a corpus tfjs model (model.json and its shards) in a fresh temp folder. */
function copyModel(id: string): { dir: string; modelJson: string; shard: string } {
  const model = corpus.find((m) => m.id === id)!;
  const source = corpusFile(model);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `corpus-${id}-`));
  const json = JSON.parse(fs.readFileSync(source, 'utf8'));
  const modelJson = path.join(dir, 'model.json');
  fs.writeFileSync(modelJson, JSON.stringify(json));
  for (const shard of json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths)) fs.copyFileSync(path.join(path.dirname(source), shard), path.join(dir, shard));
  return { dir, modelJson, shard: path.join(dir, json.weightsManifest[0].paths[0]) };
}

describe('corpus: errors name the file, and stay short', function () {
  this.timeout(120_000);
  before(function () {
    if (!corpusAvailable(corpus.find((m) => m.id === 'blazeface')!)) this.skip();
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  });

  it('inspect checks that every weight shard exists and holds the bytes the manifest gives', async () => {
    const { modelJson, shard } = copyModel('blazeface');
    const size = fs.statSync(shard).size;
    await inspectModel(modelJson);
    fs.truncateSync(shard, size - 100);
    await assert.rejects(inspectModel(modelJson), (error: Error) => error.message.startsWith(shard) && error.message.includes(`${size - 100} bytes`) && error.message.includes(`${size} bytes`));
    const truncated = spawnSync(process.execPath, [cli, 'inspect', modelJson], { encoding: 'utf8' });
    assert.equal(truncated.status, 1);
    assert.match(truncated.stderr, new RegExp(path.basename(shard)));
    fs.rmSync(shard);
    await assert.rejects(inspectModel(modelJson), (error: Error) => error.message.startsWith(shard) && /cannot be read \(ENOENT\)/.test(error.message));
  });

  it('an image that cannot be decoded is named', async () => {
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-image-')), 'broken.png');
    fs.writeFileSync(bad, 'not a picture at all');
    const facts = { name: 'x', dtype: 'float32', dims: [1, 3, 32, 32], producer: '', irVersion: 0, opset: null, metadata: {} };
    await assert.rejects(imageToTensor(bad, resolvePreprocessing('model.onnx', facts)), (error: Error) => error.message.startsWith(`${bad}: cannot decode the image`));
  });

  it('a tfjs model tfjs cannot load gives a short message naming model.json, not the topology', async () => {
    const { modelJson } = copyModel('esrgan-x2');
    const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
    const layers = json.modelTopology.model_config.config.layers;
    layers[layers.length - 1].class_name = 'NoSuchLayer';
    fs.writeFileSync(modelJson, JSON.stringify(json));
    await assert.rejects(Predictor.open(modelJson), (error: Error) => error.message.startsWith(modelJson) && error.message.length <= modelJson.length + MAX_MESSAGE_LENGTH + 40);
    const image = path.join(root, 'media', 'inspector.svg');
    const result = spawnSync(process.execPath, [cli, 'predict', modelJson, image], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.ok(lines[0].length <= MAX_MESSAGE_LENGTH + 20, `${lines[0].length} characters`);
  });
});

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Explainer } from '../../../src/runtime/explain';
import { detectionLayout } from '../../../src/runtime/explain/objective';
import { imageToTensor } from '../../../src/runtime/images';
import { readModelFile } from '../../../src/runtime/onnx/codec';
import { runPreviewRequest } from '../../../src/runtime/preview/jobs';
import { parsePageMessage } from '../../../src/webviews/preview/protocol';
import { sharedImage, sharedModel } from '../helpers/shared';
import { cacheDir, referenceScripts, runPython } from '../predict/torchvision-models';
import { assertMapsAgree, type ReferenceMap } from './reference';

interface ObjectiveReference {
  score: number;
  /** For detections. */
  box: number;
  class: number;
  coordinates: number[];
  cam: ReferenceMap;
}

/** The seeded network of objective_reference.py for a layout, exported to ONNX once per script version. */
function network(layout: string): string {
  const version = crypto.createHash('sha256').update(fs.readFileSync(path.join(referenceScripts, 'objective_reference.py'))).digest('hex').slice(0, 12);
  const file = path.join(cacheDir(), `objective-${layout}-${version}.onnx`);
  if (!fs.existsSync(file)) {
    const temporary = `${file}.${process.pid}.tmp.onnx`;
    runPython('objective_reference.py', ['export', layout, temporary]);
    fs.renameSync(temporary, file);
  }
  return file;
}

function pytorchObjective(layout: string, input: Float32Array, options: { box?: number; targetClass?: number } = {}): ObjectiveReference {
  const inputFile = path.join(cacheDir(), `objective-input-${process.pid}.f32`);
  fs.writeFileSync(inputFile, Buffer.from(input.buffer, input.byteOffset, input.byteLength));
  try {
    const args = ['gradcam', layout, inputFile];
    if (options.box !== undefined) args.push('--box', String(options.box));
    if (options.targetClass !== undefined) args.push('--class', String(options.targetClass));
    return JSON.parse(runPython('objective_reference.py', args)) as ObjectiveReference;
  } finally {
    fs.rmSync(inputFile, { force: true });
  }
}

/** The backbone's last ReLU: the layer the reference hooks. */
function backboneLayer(file: string): string {
  return readModelFile(file).graph.node.filter((node) => node.op_type === 'Relu').at(-1)!.output[0];
}

describe('explain: the objective by output kind (detection boxes, dense maps, sequences) against PyTorch autograd', function () {
  this.timeout(120_000);
  const image = sharedImage('cat.jpg');

  for (const layout of ['rows', 'columns', 'ssd']) {
    it(`${layout}: the top box by default, a given box and a given class; Grad-CAM maps match`, async () => {
      const file = network(layout);
      const explainer = await Explainer.open(file, { sampleImage: image });
      try {
        const { data: input } = await imageToTensor(image, explainer.preprocessing);
        const layer = backboneLayer(file);
        const check = async (label: string, options: { box?: number; targetClass?: number }) => {
          const reference = pytorchObjective(layout, input, options);
          const explanation = await explainer.explain(image, { method: 'gradcam', layer, ...options });
          assert.equal(explanation.objective.kind, 'detection');
          assert.match(explanation.objective.description, new RegExp(`^detection box #${reference.box} score`));
          const found = explanation.detection!;
          assert.equal(found.box, reference.box, `${label}: box`);
          assert.equal(found.class, reference.class, `${label}: class`);
          assert.ok(Math.abs(found.score - reference.score) <= 1e-5, `${label}: score ${found.score} vs ${reference.score}`);
          assert.equal(explanation.score, found.score);
          found.coordinates!.forEach((value, k) => assert.ok(Math.abs(value - reference.coordinates[k]) <= 1e-4, `${label}: coordinate ${k}`));
          const agreement = assertMapsAgree(`${layout} ${label}`, explanation.cam, reference.cam);
          console.log(`      ${layout} ${label}: box #${found.box} class ${found.class} score ${found.score.toFixed(4)}, cosine ${agreement.cosine.toFixed(6)}`);
          return found;
        };
        const top = await check('top box', {});
        // Another box than the top one, and (where classes compete) a class other than the box's own.
        await check('box 7', { box: top.box === 7 ? 8 : 7 });
        await check('class 2', { targetClass: 2 });
      } finally {
        await explainer.release();
      }
    });
  }

  // The first explain of a [1, T, C] output runs the model once to tell a sequence from detections; later ones (and
  // dense maps always) choose what counts inside the gradient run. Both must give PyTorch's objective and map.
  for (const [layout, kind, pattern] of [['dense1', 'dense', /^the map summed over the \d+ pixels above 0.5/], ['dense', 'dense', /^class \d+'s map summed over the \d+ pixels predicted as it/], ['sequence', 'sequence', /^the sum over 16 steps/]] as const) {
    it(`${layout}: the ${kind} objective chosen in the gradient run; score and Grad-CAM map match`, async () => {
      const file = network(layout);
      const explainer = await Explainer.open(file, { sampleImage: image });
      try {
        const { data: input } = await imageToTensor(image, explainer.preprocessing);
        const layer = backboneLayer(file);
        // A class other than the default one, where classes compete.
        for (const options of [{}, {}, ...(layout === 'dense' ? [{ targetClass: 1 }] : [])]) {
          const reference = pytorchObjective(layout, input, options);
          const explanation = await explainer.explain(image, { method: 'gradcam', layer, ...options });
          assert.equal(explanation.objective.kind, kind);
          assert.match(explanation.objective.description, pattern);
          assert.ok(Math.abs(explanation.score - reference.score) <= 1e-4 * Math.abs(reference.score), `score ${explanation.score} vs ${reference.score}`);
          const agreement = assertMapsAgree(`${layout} ${JSON.stringify(options)}`, explanation.cam, reference.cam);
          console.log(`      ${layout} ${JSON.stringify(options)}: ${explanation.objective.description}, cosine ${agreement.cosine.toFixed(6)}`);
        }
      } finally {
        await explainer.release();
      }
    });
  }

  it('the CLI takes --box, says which box it explained, and refuses --box where the output holds no boxes', () => {
    const root = path.resolve(__dirname, '../../..');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
    const cli = path.join(root, 'dist', 'cli.js');
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'explain', ...args], { encoding: 'utf8' });
    const file = network('columns');
    const text = run(file, image, '--layer', backboneLayer(file), '--box', '5');
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /objective: detection box #5 score \d/);
    const report = JSON.parse(run(file, image, '--box', '5', '--json').stdout);
    assert.equal(report.detection.box, 5);
    assert.equal(report.objective.kind, 'detection');
    assert.equal(report.detection.coordinates.length, 4);
    const refused = run(sharedModel('mnist.onnx'), sharedImage('mnist_28.png'), '--box', '0');
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /--box needs a detection output/);
  });
});

describe('preview panel: the box field of a detection model', function () {
  this.timeout(60_000);
  it('the page message carries the box, and the explain job explains that box and names it', async () => {
    const message = parsePageMessage({ type: 'explain', requestId: 4, image: 'a.png', method: 'gradcam', box: '5' });
    assert.equal(message?.type === 'explain' && message.box, '5');
    assert.equal(parsePageMessage({ type: 'explain', requestId: 4, image: 'a.png', method: 'gradcam', box: 5 }), undefined);
    const response = await runPreviewRequest({ action: 'explain', model: network('columns'), image: sharedImage('cat.jpg'), method: 'gradcam', box: '5' });
    assert.equal(response.action, 'explain');
    if (response.action !== 'explain') return;
    assert.equal(response.detection?.box, 5);
    assert.match(response.objective, /^detection box #5 score/);
    await assert.rejects(runPreviewRequest({ action: 'explain', model: network('columns'), image: sharedImage('cat.jpg'), method: 'gradcam', box: 'top' }), /the box to explain is an index/);
  });
});

describe('explain: which outputs read as detections', () => {
  const zeros = (count: number) => new Float32Array(count);
  it('post-NMS rows, raw rows and columns, SSD scores beside boxes; sequences and maps are not', () => {
    assert.equal(detectionLayout([12, 6], zeros(72))?.scores.join(), '4,5');
    assert.equal(detectionLayout([1, 100, 7], zeros(700))?.scores.join(), '6,7');
    assert.equal(detectionLayout([1, 25200, 85], zeros(25200 * 85))?.classes?.join(), '5,85');
    assert.equal(detectionLayout([1, 84, 8400], zeros(84 * 8400))?.boxAxis, 2);
    assert.equal(detectionLayout([1, 1917, 91], zeros(1917 * 91), { boxes: [1, 1917, 4] })?.coordinatesOutput, 'boxes');
    // A [1, T, C] sequence of distributions (text recognition) with more classes than steps.
    const steps = new Float32Array(40 * 6625);
    for (let t = 0; t < 40; t++) steps[t * 6625] = 1;
    assert.equal(detectionLayout([1, 40, 6625], steps), null);
    assert.equal(detectionLayout([1, 26, 37], zeros(26 * 37)), null);
    assert.equal(detectionLayout([1, 1, 64, 64], zeros(4096)), null);
  });
});

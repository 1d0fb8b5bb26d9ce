import * as assert from 'node:assert/strict';
import { toFloat32Model } from '../../src/runtime/onnx/float32-model';
import { probeShapes } from '../../src/runtime/grad';
import { staticShapes } from '../../src/runtime/grad/shapes';
import { onnxInputFacts } from '../../src/runtime/images/model-input';
import { inspectModel } from '../../src/runtime/inspect';
import { readModelFile } from '../../src/runtime/onnx/codec';
import { exposeTensors } from '../../src/runtime/onnx/graph';
import { createSession, onnxruntime } from '../../src/runtime/onnx/session';
import { onnxReference, pythonMissing } from '../unit/runtime/reference';
import { corpus, corpusAvailable, corpusFile } from './corpus';
import { recordResult } from './results';

const product = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);

/**
 * MACs of the nodes onnx's shape inference could not shape, from the shapes onnxruntime actually produces when the
 * model runs on zeros of the bound input shape (their inputs and outputs exposed as graph outputs).
 */
async function runtimeMacs(file: string, outputs: string[], dims: Record<string, number>): Promise<number> {
  if (outputs.length === 0) return 0;
  const model = readModelFile(file);
  const nodes = model.graph.node.filter((node) => outputs.includes(node.output[0]));
  const tensors = [...new Set(nodes.flatMap((node) => [node.input[0], node.output[0]]))];
  const session = await createSession(exposeTensors(model, tensors.filter((t) => !model.graph.input.some((i) => i.name === t))));
  const ort = onnxruntime();
  const feeds: Record<string, import('onnxruntime-node').Tensor> = {};
  for (const name of session.inputNames) {
    const input = model.graph.input.find((i) => i.name === name)!;
    const shape = input.type!.tensor_type!.shape!.dim!.map((d) => (d.dim_param ? dims[d.dim_param] : Number(d.dim_value)));
    feeds[name] = new ort.Tensor('float32', new Float32Array(product(shape)), shape);
  }
  const result = await session.run(feeds);
  const dimsOf = (name: string) => [...(result[name] ?? feeds[name]).dims];
  const initializerDims = (name: string) => (model.graph.initializer ?? []).find((t) => t.name === name)?.dims?.map(Number)
    ?? (model.graph.node.find((n) => n.op_type === 'Constant' && n.output[0] === name)?.attribute[0].t?.dims ?? []).map(Number);
  let macs = 0;
  for (const node of nodes) {
    const out = product(dimsOf(node.output[0]));
    if (node.op_type === 'MatMul' || node.op_type === 'MatMulInteger') macs += out * dimsOf(node.input[0]).at(-1)!;
    else if (node.op_type === 'Conv' || node.op_type === 'ConvInteger') macs += out * product(initializerDims(node.input[1]).slice(1));
    else throw new Error(`no runtime MAC formula for ${node.op_type}`);
  }
  await session.release();
  return macs;
}

describe('corpus: inspect ONNX models against onnx shape inference', function () {
  this.timeout(120_000);
  before(function () {
    if (pythonMissing(['onnx', 'numpy'])) this.skip();
  });

  for (const model of corpus.filter((m) => m.format === 'onnx')) {
    it(`${model.id}: MACs with the dims bound equal onnx's (onnxruntime's shapes where onnx's inference stops); open dims give macs null`, async function () {
      if (!corpusAvailable(model)) this.skip();
      const file = corpusFile(model);
      const dims = model.dims ?? {};
      const reference = onnxReference([file], dims)[file];
      const open = Object.entries(reference.node_macs).filter(([, macs]) => macs === null).map(([name]) => name);
      const expected = reference.macs + await runtimeMacs(file, open, dims);
      const bound = await inspectModel(file, { dims });
      assert.equal(bound.macs, expected, `onnx inference ${reference.macs}, ${open.length} nodes shaped by onnxruntime`);
      assert.equal(bound.macsKnown, expected);
      assert.equal(bound.opset, reference.opset);
      const floatParams = Object.entries(bound.paramBytesByDtype).filter(([dtype]) => dtype.startsWith('float')).reduce((sum, [, entry]) => sum + entry.count, 0);
      assert.equal(floatParams, reference.params);
      recordResult(model.id, { params: bound.params, macs: bound.macs, macsReference: expected });

      const free = await inspectModel(file);
      const openSpatial = free.inputs.some((input) => input.shape?.slice(1).some((d) => typeof d !== 'number'));
      if (openSpatial) {
        assert.equal(free.macs, null, 'a partial total must not be shown as the total');
        assert.ok(free.macsKnown < expected);
      } else {
        assert.equal(free.macs, expected, 'only the batch is open: MACs per sample');
      }
    });
  }
});

describe('corpus: static shapes spare the explainer its measuring run', function () {
  this.timeout(120_000);
  for (const model of corpus.filter((m) => m.format === 'onnx')) {
    it(`${model.id}: static shapes with the input dims bound equal the shapes onnxruntime measures`, async function () {
      if (!corpusAvailable(model)) this.skip();
      const onnx = toFloat32Model(readModelFile(corpusFile(model)));
      const facts = onnxInputFacts(onnx);
      const dims = facts.dims.map((d) => (typeof d === 'number' ? d : model.dims?.[String(d)] ?? 1));
      const feeds = { [facts.name]: { data: new Float32Array(product(dims)), dims } };
      const measured = await probeShapes(onnx, feeds);
      const inferred = staticShapes(onnx, feeds);
      assert.ok(inferred, 'static inference shapes every node output');
      for (const node of onnx.graph.node) for (const name of node.output) if (name) assert.deepEqual(inferred[name], measured[name], name);
    });
  }
});

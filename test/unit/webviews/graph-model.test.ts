import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { inspectModel } from '../../../src/runtime/inspect';
import { buildModelGraph, layerNodeId, layoutModelGraph, type GraphLayout } from '../../../src/webviews/inspector/page/graph-model';
import { writeNsfwjsModelJson } from '../../fixtures/models/nsfwjs';
import { sharedModel } from '../helpers/shared';
import { residualNetwork } from './residual-network';

function reachableFrom(start: string, edges: { from: string; to: string }[]): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const edge of edges) {
      if (edge.from === node && !seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return seen;
}

function assertSoundLayout(layout: GraphLayout): void {
  const byId = new Map(layout.nodes.map((node) => [node.id, node]));
  for (const node of layout.nodes) {
    assert.ok(Number.isFinite(node.x) && Number.isFinite(node.y), node.id);
    assert.ok(node.x - node.width / 2 >= 0 && node.x + node.width / 2 <= layout.width, `${node.id} inside the drawing`);
  }
  for (const edge of layout.edges) {
    assert.ok(byId.get(edge.from)!.y < byId.get(edge.to)!.y, `${edge.from} → ${edge.to} points down`);
    assert.ok(edge.points.length >= 2);
  }
  const rows = new Map<number, typeof layout.nodes>();
  for (const node of layout.nodes) rows.set(node.y, [...(rows.get(node.y) ?? []), node]);
  for (const row of rows.values()) {
    row.sort((a, b) => a.x - b.x);
    for (let i = 1; i < row.length; i++) {
      assert.ok(row[i - 1].x + row[i - 1].width / 2 <= row[i].x - row[i].width / 2, `${row[i - 1].id} and ${row[i].id} overlap`);
    }
  }
}

describe('inspector graph: layers → nodes and edges → dagre layout', () => {
  it('connects SqueezeNet through tensor names: every layer reachable from the input, weights make no edges', async () => {
    const summary = await inspectModel(sharedModel('SqueezeNet_fp16.onnx'));
    const graph = buildModelGraph(summary);
    assert.equal(graph.nodes.length, summary.layers.length + summary.inputs.length + summary.outputs.length);
    const incoming = (id: string) => graph.edges.filter((edge) => edge.to === id);
    summary.layers.forEach((layer, index) => {
      const expected = layer.type === 'Concat' ? 2 : 1;
      assert.equal(incoming(layerNodeId(index)).length, expected, `${layer.name} (${layer.type})`);
    });
    const firstConv = incoming(layerNodeId(0))[0];
    assert.equal(firstConv.from, 'input:data_0');
    assert.deepEqual(firstConv.shape, summary.inputs[0].shape);
    assert.equal(incoming('output:softmaxout_1').length, 1);
    assert.equal(reachableFrom('input:data_0', graph.edges).size, graph.nodes.length);
    assertSoundLayout(layoutModelGraph(graph));
  });

  it('lets a tfjs InputLayer stand for the model input, so the whole MobileNetV2 hangs from it', async () => {
    const { dir, modelJson } = writeNsfwjsModelJson();
    const summary = await inspectModel(modelJson).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
    const graph = buildModelGraph(summary);
    const inputLayer = summary.layers.findIndex((layer) => layer.type === 'InputLayer');
    assert.ok(inputLayer >= 0);
    assert.equal(graph.nodes.filter((node) => node.kind === 'input').length, 0);
    assert.equal(graph.nodes.length, summary.layers.length + summary.outputs.length);
    assert.equal(reachableFrom(layerNodeId(inputLayer), graph.edges).size, graph.nodes.length);
    assertSoundLayout(layoutModelGraph(graph));
  });

  it('lays out a 200+ node residual network quickly and without overlaps', function () {
    const summary = residualNetwork(40);
    const graph = buildModelGraph(summary);
    assert.ok(graph.nodes.length >= 200, `${graph.nodes.length} nodes`);
    const adds = summary.layers.map((layer, index) => ({ layer, index })).filter(({ layer }) => layer.type === 'Add');
    for (const { index } of adds) assert.equal(graph.edges.filter((edge) => edge.to === layerNodeId(index)).length, 2);

    const started = performance.now();
    const layout = layoutModelGraph(graph);
    const ms = performance.now() - started;
    this.test!.title += ` (${graph.nodes.length} nodes in ${ms.toFixed(0)} ms)`;
    assert.ok(ms < 5000, `layout took ${ms.toFixed(0)} ms`);
    assertSoundLayout(layout);
  });
});

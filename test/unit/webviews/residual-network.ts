import type { LayerInfo, ModelSummary } from '../../../src/runtime/inspect/types';

function layer(name: string, type: string, inputs: string[], channels: number, size: number): LayerInfo {
  const shape = ['batch', channels, size, size];
  return { name, type, inputs, outputs: [`${name}_out`], outputShape: shape, outputShapes: [shape], params: 0, macs: 0, attributes: {} };
}

/** A ResNet-shaped network: a stem, then residual blocks (conv-relu-conv-add-relu) with a projection every fourth. */
export function residualNetwork(blocks: number): ModelSummary {
  const layers: LayerInfo[] = [layer('stem', 'Conv', ['image', 'stem.weight'], 64, 112)];
  let previous = 'stem_out';
  for (let block = 0; block < blocks; block++) {
    const name = (part: string) => `block${block}.${part}`;
    layers.push(layer(name('conv1'), 'Conv', [previous, name('conv1.weight')], 64, 56));
    layers.push(layer(name('relu1'), 'Relu', [`${name('conv1')}_out`], 64, 56));
    layers.push(layer(name('conv2'), 'Conv', [`${name('relu1')}_out`, name('conv2.weight')], 64, 56));
    let shortcut = previous;
    if (block % 4 === 0) {
      layers.push(layer(name('project'), 'Conv', [previous, name('project.weight')], 64, 56));
      shortcut = `${name('project')}_out`;
    }
    layers.push(layer(name('add'), 'Add', [`${name('conv2')}_out`, shortcut], 64, 56));
    layers.push(layer(name('relu2'), 'Relu', [`${name('add')}_out`], 64, 56));
    previous = `${name('relu2')}_out`;
  }
  return {
    format: 'onnx', file: 'residual.onnx', fileSize: 0, producer: null, opset: 17, irVersion: 8,
    inputs: [{ name: 'image', dtype: 'float32', shape: ['batch', 3, 224, 224] }],
    outputs: [{ name: previous, dtype: 'float32', shape: ['batch', 64, 56, 56] }],
    params: 0, paramBytesByDtype: {}, macs: 0, macsKnown: 0, ops: {}, layers, metadata: {},
  };
}

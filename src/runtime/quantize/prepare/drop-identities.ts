import type { OnnxModel } from '../../onnx/codec';
import { isDefaultDomain } from '../graph-edit';

/** Identity, and Dropout (an identity at inference), are removed: consumers read the input directly. */
export function dropIdentities(model: OnnxModel): OnnxModel {
  const graph = model.graph;
  const outputs = new Set(graph.output.map((output) => output.name));
  const renamed = new Map<string, string>();
  const resolve = (name: string) => renamed.get(name) ?? name;
  const read = new Set([...graph.node.flatMap((node) => node.input), ...outputs]);
  graph.node = graph.node.filter((node) => {
    // Dropout's mask output, when named, must be unused.
    const removable = isDefaultDomain(node) && (node.op_type === 'Identity' || node.op_type === 'Dropout')
      && !outputs.has(node.output[0]) && !(node.output[1] && read.has(node.output[1]));
    if (removable) renamed.set(node.output[0], resolve(node.input[0]));
    return !removable;
  });
  for (const node of graph.node) node.input = node.input.map(resolve);
  return model;
}

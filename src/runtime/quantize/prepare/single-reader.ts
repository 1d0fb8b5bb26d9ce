import type { OnnxGraph, OnnxNode } from '../../onnx/codec';
import { consumerMap } from '../../onnx/graph';

/**
 * Pairs (producer, its only consumer) for fusions: the producer's first output is read by exactly one node and is
 * not a graph output, so the two can become one node.
 */
export function singleReaderPairs(graph: OnnxGraph, producerTypes: string[], consumerType: string): { producer: OnnxNode; consumer: OnnxNode }[] {
  const consumers = consumerMap(graph);
  const outputs = new Set(graph.output.map((output) => output.name));
  const pairs: { producer: OnnxNode; consumer: OnnxNode }[] = [];
  for (const producer of graph.node) {
    if (!producerTypes.includes(producer.op_type) || (producer.domain && producer.domain !== 'ai.onnx')) continue;
    const name = producer.output[0];
    const readers = consumers.get(name) ?? [];
    if (outputs.has(name) || readers.length !== 1) continue;
    const consumer = readers[0].node;
    if (consumer.op_type === consumerType && (!consumer.domain || consumer.domain === 'ai.onnx')) pairs.push({ producer, consumer });
  }
  return pairs;
}

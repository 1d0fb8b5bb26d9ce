import type { OnnxModel } from '../../onnx/codec';
import { exposeTensors } from '../../onnx/graph';
import { createSession, runSession } from '../../onnx/session';
import type { PreparedImage } from '../image-folder';
import type { TensorRange } from '../qdq';
import type { CalibrationMethod } from '../types';
import { collectors, type RangeCollector } from './collectors';

export interface CalibrationOptions {
  method: CalibrationMethod;
  percentile: number;
  symmetric: boolean;
  threads?: number;
  onImage?: (done: number) => void;
}

/**
 * Runs the float model on each image with the wanted tensors exposed as outputs and gathers their value ranges by
 * the chosen method. Images stream through one at a time: memory holds one image's activations and the collectors.
 */
export async function calibrate(model: OnnxModel, inputName: string, tensors: string[], images: AsyncIterable<PreparedImage>, options: CalibrationOptions): Promise<{ ranges: Map<string, TensorRange>; images: number }> {
  const outputs = new Set(model.graph.output.map((output) => output.name));
  const produced = tensors.filter((name) => name !== inputName);
  const session = await createSession(exposeTensors(model, produced.filter((name) => !outputs.has(name))), { threads: options.threads });
  const collectorsByTensor = new Map<string, RangeCollector>(tensors.map((name) => [name, collectors[options.method](options)]));
  let count = 0;
  try {
    for await (const image of images) {
      const results = await runSession(session, { [inputName]: image.input }, produced);
      for (const name of produced) collectorsByTensor.get(name)!.add(results[name].data as Float32Array);
      collectorsByTensor.get(inputName)?.add(image.input.data);
      count++;
      options.onImage?.(count);
    }
  } finally {
    await session.release();
  }
  return { ranges: new Map([...collectorsByTensor].map(([name, collector]) => [name, collector.range()])), images: count };
}

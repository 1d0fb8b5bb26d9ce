import type * as Ort from 'onnxruntime-node';
import { readModelFile } from '../onnx/codec';
import { onnxInputFacts } from '../images/model-input';
import { createSession, runSession } from '../onnx/session';

/** A teacher model for knowledge distillation: its softened class probabilities for a batch. */
export interface Teacher {
  softTargets(batch: Float32Array, dims: number[]): Promise<Float32Array>;
  release(): Promise<void>;
}

/** softmax(logits / T) per row. */
export function softenedProbabilities(logits: Float32Array, classes: number, temperature: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let row = 0; row < logits.length / classes; row++) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logits[row * classes + k] / temperature);
    let sum = 0;
    for (let k = 0; k < classes; k++) sum += (out[row * classes + k] = Math.exp(logits[row * classes + k] / temperature - max));
    for (let k = 0; k < classes; k++) out[row * classes + k] /= sum;
  }
  return out;
}

/** An ONNX teacher fed the student's (augmented) batches; its logits must have one value per class of the data. */
export async function createTeacher(file: string, classes: number, temperature: number): Promise<Teacher> {
  if (!file.toLowerCase().endsWith('.onnx')) throw new Error(`the teacher ${file} must be an ONNX model`);
  if (!(temperature > 0)) throw new Error(`the distillation temperature must be positive, got ${temperature}`);
  const model = readModelFile(file);
  const input = onnxInputFacts(model).name;
  const session: Ort.InferenceSession = await createSession(model);
  const output = session.outputNames[0];
  return {
    async softTargets(batch, dims) {
      const logits = (await runSession(session, { [input]: { data: batch, dims } }, [output]))[output];
      const perRow = logits.data.length / dims[0];
      if (perRow !== classes) throw new Error(`the teacher ${file} gives ${perRow} outputs per image, the data has ${classes} classes`);
      return softenedProbabilities(Float32Array.from(logits.data as Float32Array), classes, temperature);
    },
    release: () => session.release(),
  };
}

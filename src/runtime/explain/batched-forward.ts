import type * as Ort from 'onnxruntime-node';
import type { OnnxModel } from '../onnx/codec';
import { withDynamicBatch } from '../onnx/graph';
import { createSession, runSession, type SessionOptions } from '../onnx/session';

/**
 * Inputs per onnxruntime run when many are scored (Score-CAM's masked copies, occlusion's windows), fewer where the
 * inputs are large: at most BATCH_INPUT_BYTES of input per run (a 1024×1024 RGB image holds 12 MiB).
 */
export const SCORING_BATCH = 32;
const BATCH_INPUT_BYTES = 32 * 2 ** 20;

/** One forward pass of the model: its (first) output for one input. */
export type SingleForward = (input: Float32Array) => Promise<Float32Array>;

/** A model opened for batches: each input's output, in order, from one run of all the given inputs. */
export interface BatchRunner {
  run(inputs: Float32Array[]): Promise<Float32Array[]>;
  release(): Promise<void>;
}

/**
 * Forward passes of many inputs, SCORING_BATCH per run, where the model allows batches. A batch runner is accepted
 * only if a batch of two gives each sample's own output; a model that reshapes to a fixed batch of 1, or fixes the
 * batch axis inside, runs one input at a time instead.
 */
export class BatchedForward {
  private constructor(private readonly batch: BatchRunner | null, private readonly single: SingleForward) {}

  /** ONNX models: batches run on a batch-dynamic copy of the model. */
  static create(model: OnnxModel, io: { input: string; inputDims: number[]; output: string }, sample: Float32Array, single: SingleForward, options: SessionOptions): Promise<BatchedForward> {
    return BatchedForward.accept(async () => {
      const session = await createSession(withDynamicBatch(model), options);
      return { run: (inputs) => runOnnxBatch(session, io, inputs), release: () => session.release() };
    }, sample, single);
  }

  /** Opens the batch runner and keeps it if it agrees with single runs on two inputs (the sample and half of it). */
  static async accept(open: () => Promise<BatchRunner>, sample: Float32Array, single: SingleForward): Promise<BatchedForward> {
    let batch: BatchRunner | null = null;
    try {
      batch = await open();
      const other = sample.map((value) => value * 0.5);
      const batched = await batch.run([sample, other]);
      let agrees = true;
      for (const [row, input] of [sample, other].entries()) {
        const values = await single(input);
        const scale = values.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
        agrees &&= batched[row].length === values.length && values.every((value, i) => Math.abs(value - batched[row][i]) <= 1e-4 * (scale + 1e-6));
      }
      if (!agrees) {
        await batch.release();
        batch = null;
      }
    } catch {
      // A model whose batch axis cannot change fails to load or run batched: score one input at a time.
      if (batch) await batch.release();
      batch = null;
    }
    return new BatchedForward(batch, single);
  }

  get batched(): boolean {
    return this.batch !== null;
  }

  /** The output for each input, in order. */
  async outputs(inputs: Float32Array[]): Promise<Float32Array[]> {
    const outputs: Float32Array[] = [];
    if (!this.batch) {
      for (const each of inputs) outputs.push(await this.single(each));
      return outputs;
    }
    if (inputs.length === 0) return outputs;
    const batch = Math.max(1, Math.min(SCORING_BATCH, Math.floor(BATCH_INPUT_BYTES / (inputs[0].length * 4))));
    for (let start = 0; start < inputs.length; start += batch) outputs.push(...(await this.batch.run(inputs.slice(start, start + batch))));
    return outputs;
  }

  async release(): Promise<void> {
    await this.batch?.release();
  }
}

/** The inputs stacked on the batch axis; inputs that already lie side by side in one buffer (Score-CAM writes them so) are used as they are. */
export function stackInputs(inputs: Float32Array[]): Float32Array {
  const size = inputs[0].length;
  const adjacent = inputs.every((each, index) => each.buffer === inputs[0].buffer && each.byteOffset === inputs[0].byteOffset + index * size * 4 && each.length === size);
  if (adjacent) return new Float32Array(inputs[0].buffer, inputs[0].byteOffset, size * inputs.length);
  const data = new Float32Array(size * inputs.length);
  inputs.forEach((each, index) => data.set(each, index * size));
  return data;
}

/** A batched output's rows, one per input; throws when the batch axis did not carry through. */
export function outputRows(values: Float32Array, rows: number, count: number, name: string): Float32Array[] {
  if (rows !== count) throw new Error(`the batched output '${name}' has ${rows} rows for ${count} inputs`);
  const per = values.length / count;
  return Array.from({ length: count }, (_, index) => values.subarray(index * per, (index + 1) * per));
}

async function runOnnxBatch(session: Ort.InferenceSession, io: { input: string; inputDims: number[]; output: string }, inputs: Float32Array[]): Promise<Float32Array[]> {
  const result = (await runSession(session, { [io.input]: { data: stackInputs(inputs), dims: [inputs.length, ...io.inputDims.slice(1)] } }, [io.output]))[io.output];
  return outputRows(result.data as Float32Array, result.dims[0], inputs.length, io.output);
}

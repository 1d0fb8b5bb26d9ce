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

/**
 * Forward passes of many inputs, SCORING_BATCH per run, on a batch-dynamic copy of the model. The copy is accepted
 * only if a batch of two gives each sample's own output; a model that reshapes to a fixed batch of 1, or fixes the
 * batch axis inside, runs one input at a time instead.
 */
export class BatchedForward {
  private constructor(
    private readonly session: Ort.InferenceSession | null,
    private readonly inputName: string,
    private readonly inputDims: number[],
    private readonly outputName: string,
    private readonly single: SingleForward,
  ) {}

  static async create(model: OnnxModel, io: { input: string; inputDims: number[]; output: string }, sample: Float32Array, single: SingleForward, options: SessionOptions): Promise<BatchedForward> {
    let session: Ort.InferenceSession | null = null;
    try {
      session = await createSession(withDynamicBatch(model), options);
      const probe = new BatchedForward(session, io.input, io.inputDims, io.output, single);
      const other = sample.map((value) => value * 0.5);
      const batched = await probe.runBatch([sample, other]);
      let agrees = true;
      for (const [row, input] of [sample, other].entries()) {
        const values = await single(input);
        const scale = values.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
        agrees &&= batched[row].length === values.length && values.every((value, i) => Math.abs(value - batched[row][i]) <= 1e-4 * (scale + 1e-6));
      }
      if (!agrees) {
        await session.release();
        session = null;
      }
    } catch {
      // A model whose batch axis cannot change fails to load or run batched: score one input at a time.
      if (session) await session.release();
      session = null;
    }
    return new BatchedForward(session, io.input, io.inputDims, io.output, single);
  }

  get batched(): boolean {
    return this.session !== null;
  }

  /** The output for each input, in order. */
  async outputs(inputs: Float32Array[]): Promise<Float32Array[]> {
    const outputs: Float32Array[] = [];
    if (!this.session) {
      for (const each of inputs) outputs.push(await this.single(each));
      return outputs;
    }
    if (inputs.length === 0) return outputs;
    const batch = Math.max(1, Math.min(SCORING_BATCH, Math.floor(BATCH_INPUT_BYTES / (inputs[0].length * 4))));
    for (let start = 0; start < inputs.length; start += batch) outputs.push(...(await this.runBatch(inputs.slice(start, start + batch))));
    return outputs;
  }

  private async runBatch(inputs: Float32Array[]): Promise<Float32Array[]> {
    const size = inputs[0].length;
    // Inputs that already lie side by side in one buffer (Score-CAM writes them so) are fed as they are.
    const adjacent = inputs.every((each, index) => each.buffer === inputs[0].buffer && each.byteOffset === inputs[0].byteOffset + index * size * 4 && each.length === size);
    const data = adjacent ? new Float32Array(inputs[0].buffer, inputs[0].byteOffset, size * inputs.length) : new Float32Array(size * inputs.length);
    if (!adjacent) inputs.forEach((each, index) => data.set(each, index * size));
    const result = (await runSession(this.session!, { [this.inputName]: { data, dims: [inputs.length, ...this.inputDims.slice(1)] } }, [this.outputName]))[this.outputName];
    if (result.dims[0] !== inputs.length) throw new Error(`the batched output '${this.outputName}' has ${result.dims[0]} rows for ${inputs.length} inputs`);
    const values = result.data as Float32Array;
    const per = values.length / inputs.length;
    return inputs.map((_, index) => values.subarray(index * per, (index + 1) * per));
  }

  async release(): Promise<void> {
    await this.session?.release();
  }
}

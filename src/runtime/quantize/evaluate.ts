import * as fs from 'node:fs';
import type * as Ort from 'onnxruntime-node';
import type { OnnxModel } from '../onnx/codec';
import { DataType, float32ToFloat16 } from '../onnx/dtypes';
import { realInputs } from '../onnx/graph';
import { createSession, onnxruntime } from '../onnx/session';
import { classIndexByName, resolveLabels } from '../predict/labels';
import { tensorToFloat32 } from '../predict/onnx-runtime';
import { AgreementTally, argmax, median } from './agreement';
import type { PreparedImage } from './image-folder';

/** What int8 kernels this CPU offers onnxruntime, from /proc/cpuinfo's flags (Linux); 'unknown' elsewhere. */
export function cpuInt8Support(cpuinfo?: string): string {
  let text = cpuinfo;
  if (text === undefined) {
    try {
      text = fs.readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return 'unknown';
    }
  }
  const flags = new Set((/^flags\s*:(.*)$/m.exec(text)?.[1] ?? '').trim().split(/\s+/));
  if (flags.has('avx512_vnni') || flags.has('avx_vnni')) return 'VNNI';
  if (flags.has('avx512bw')) return 'AVX-512';
  if (flags.has('avx2')) return 'AVX2';
  if (/^Features\s*:.*\basimddp\b/m.test(text)) return 'ARM dot product';
  return 'none';
}

/** One model in onnxruntime, fed float32 images whatever its input type (float16 models get converted input). */
export class ModelRunner {
  private constructor(private readonly session: Ort.InferenceSession, private readonly inputName: string, private readonly inputType: number) {}

  static async open(model: OnnxModel | Uint8Array, modelProto: OnnxModel, threads?: number): Promise<ModelRunner> {
    const input = realInputs(modelProto.graph)[0];
    const session = await createSession(model, { threads });
    return new ModelRunner(session, input.name, input.type?.tensor_type?.elem_type ?? DataType.FLOAT);
  }

  /** The first output, as float32. */
  async run(input: { data: Float32Array; dims: number[] }): Promise<Float32Array> {
    const ort = onnxruntime();
    const tensor = this.inputType === DataType.FLOAT16
      ? new ort.Tensor('float16', Uint16Array.from(input.data, float32ToFloat16), input.dims)
      : new ort.Tensor('float32', input.data, input.dims);
    const results = await this.session.run({ [this.inputName]: tensor });
    return tensorToFloat32(results[this.session.outputNames[0]]);
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/**
 * Median batch-1 latency of two models measured in the same run, alternating one run of each so that load on the
 * machine weighs on both alike.
 */
export async function measureLatency(a: ModelRunner, b: ModelRunner, input: { data: Float32Array; dims: number[] }, runs: number): Promise<[number, number]> {
  for (let i = 0; i < 3; i++) { await a.run(input); await b.run(input); }
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    for (const [index, runner] of [a, b].entries()) {
      const started = performance.now();
      await runner.run(input);
      times[index].push(performance.now() - started);
    }
  }
  return [median(times[0]), median(times[1])];
}

/**
 * Class index of each class subfolder: its number when every folder is named by a number (0…9), else its label's
 * index in the model's labels (see resolveLabels: its settings, its embedded class names, a file next to it), else
 * its position in name order.
 */
export function classIndices(classes: string[], modelFile: string, classCount: number, metadata: Record<string, string>): Map<string, number> {
  if (classes.every((name) => /^\d+$/.test(name))) return new Map(classes.map((name) => [name, Number(name)]));
  const { labels } = resolveLabels(modelFile, classCount, { metadata });
  if (labels) {
    try {
      return new Map(classes.map((name) => [name, classIndexByName(labels, name.replace(/_/g, ' '))]));
    } catch {
      // Folder names that are not labels: fall back to their order.
    }
  }
  return new Map(classes.map((name, index) => [name, index]));
}

export interface Comparison {
  agreement: ReturnType<AgreementTally['result']>;
  /** Fraction right, when the images have classes. */
  accuracy?: { reference: number; quantized: number };
}

/** Runs both models on each image (streamed) and measures agreement, and accuracy when images carry classes. */
export async function compareOnImages(reference: ModelRunner, quantized: ModelRunner, images: AsyncIterable<PreparedImage>, labelOf: (image: PreparedImage) => number | undefined, onImage?: (done: number) => void): Promise<Comparison> {
  const agreement = new AgreementTally();
  let count = 0;
  let labelled = 0;
  let referenceRight = 0;
  let quantizedRight = 0;
  for await (const image of images) {
    const a = await reference.run(image.input);
    const b = await quantized.run(image.input);
    agreement.add(a, b);
    const label = labelOf(image);
    if (label !== undefined) {
      labelled++;
      if (argmax(a) === label) referenceRight++;
      if (argmax(b) === label) quantizedRight++;
    }
    onImage?.(++count);
  }
  return {
    agreement: agreement.result(),
    accuracy: labelled > 0 ? { reference: referenceRight / labelled, quantized: quantizedRight / labelled } : undefined,
  };
}

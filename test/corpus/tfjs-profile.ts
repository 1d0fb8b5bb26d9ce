import type * as Tf from '@tensorflow/tfjs';
import { loadTfjsModel } from '../../src/runtime/predict/tfjs-model';
import { initTfjsBackend } from '../../src/runtime/tfjs/backend';
import type { ModelSummary } from '../../src/runtime/inspect/types';

type TfModule = typeof Tf;

const product = (dims: number[]) => dims.reduce((p, d) => p * d, 1);

/**
 * MACs of one kernel run, from the input and output shapes tfjs's profiler records (an independent count: it sees
 * the kernels tfjs dispatches, not our graph reading). Kernels doing no multiply-accumulates count 0.
 */
export function kernelMacs(kernel: { name: string; inputShapes: number[][]; outputShapes: number[][] }): number {
  const [input, filter] = kernel.inputShapes;
  const output = kernel.outputShapes[0];
  switch (kernel.name) {
    case 'Conv2D': case 'FusedConv2D':
      return product(output) * filter[0] * filter[1] * filter[2];
    case 'DepthwiseConv2dNative': case 'FusedDepthwiseConv2D':
      return product(output) * filter[0] * filter[1];
    case 'Conv2DBackpropInput':
      return product(input) * filter[0] * filter[1] * filter[2];
    case 'BatchMatMul': case '_FusedMatMul': {
      // K is the dim of A not carried to the output (A may be transposed).
      const k = input[input.length - 2] === output[output.length - 2] ? input[input.length - 1] : input[input.length - 2];
      return product(output) * k;
    }
    default:
      return 0;
  }
}

let tfReady: Promise<TfModule> | undefined;
export function tfjs(): Promise<TfModule> {
  tfReady ??= (async () => {
    await initTfjsBackend();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@tensorflow/tfjs') as TfModule;
  })();
  return tfReady;
}

/** Runs the model once on zeros of its input shapes (open dims: batch 1, spatial `size`) under tf.profile. */
export async function profiledMacs(modelJson: string, summary: ModelSummary, size = 224): Promise<{ macs: number; kernels: string[] }> {
  const tf = await tfjs();
  const loaded = await loadTfjsModel(tf, modelJson);
  const feeds = summary.inputs.map((input) => {
    const shape = (input.shape ?? []).map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : size));
    const dtype = /int|uint/.test(input.dtype) ? 'int32' : 'float32';
    return tf.zeros(shape, dtype);
  });
  try {
    const info = await tf.profile(async () => {
      const feed = feeds.length === 1 ? feeds[0] : feeds;
      let result;
      if (loaded.kind === 'layers') result = loaded.model.predict(feed);
      else {
        // Graph models with control flow (loops, NMS) only run asynchronously.
        try { result = loaded.model.execute(feed); } catch { result = await loaded.model.executeAsync(feed); }
      }
      tf.dispose(result as Tf.Tensor | Tf.Tensor[]);
    });
    const macs = info.kernels.reduce((sum, kernel) => sum + kernelMacs(kernel as never), 0);
    return { macs, kernels: [...new Set(info.kernels.map((k) => k.name))] };
  } finally {
    tf.dispose(feeds);
    loaded.model.dispose?.();
  }
}

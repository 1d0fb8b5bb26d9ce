import type * as Tf from '@tensorflow/tfjs';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { depthwiseConv2dBackpropFilter } from './depthwise-conv2d-backprop-filter';
import { depthwiseConv2dBackpropInput } from './depthwise-conv2d-backprop-input';
import type { TfModule } from './geometry';
import { unsortedSegmentSum } from './unsorted-segment-sum';

/** Gradient kernels that @tensorflow/tfjs-backend-wasm 4.22 lacks, each composed of kernels it has. */
export const WASM_BACKPROP_KERNELS: ReadonlyArray<(tf: TfModule) => Tf.KernelConfig> = [
  conv2dBackpropFilter,
  depthwiseConv2dBackpropInput,
  depthwiseConv2dBackpropFilter,
  unsortedSegmentSum,
];

/** Registers each kernel of the table that the wasm backend does not have yet; returns the table's kernel names. */
export function registerWasmBackpropKernels(tf: TfModule): string[] {
  const present = new Set(tf.getKernelsForBackend('wasm').map((kernel) => kernel.kernelName));
  return WASM_BACKPROP_KERNELS.map((make) => {
    const config = make(tf);
    if (!present.has(config.kernelName)) tf.registerKernel(config);
    return config.kernelName;
  });
}

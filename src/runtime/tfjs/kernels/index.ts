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

/** Registers each kernel the wasm backend does not already have; returns the names registered. */
export function registerWasmBackpropKernels(tf: TfModule): string[] {
  const present = new Set(tf.getKernelsForBackend('wasm').map((kernel) => kernel.kernelName));
  const registered: string[] = [];
  for (const make of WASM_BACKPROP_KERNELS) {
    const config = make(tf);
    if (present.has(config.kernelName)) continue;
    tf.registerKernel(config);
    registered.push(config.kernelName);
  }
  return registered;
}

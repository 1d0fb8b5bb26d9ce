import type * as Tf from '@tensorflow/tfjs';
import { conv2dBackpropFilter } from './conv2d-backprop-filter';
import { depthwiseConv2dBackpropFilter } from './depthwise-conv2d-backprop-filter';
import { depthwiseConv2dBackpropInput } from './depthwise-conv2d-backprop-input';
import { maxPoolGrad } from './max-pool-grad';
import { resizeBilinearGrad } from './resize-bilinear-grad';
import type { TfModule } from './geometry';
import { unsortedSegmentSum } from './unsorted-segment-sum';

/** Gradient kernels that @tensorflow/tfjs-backend-wasm 4.22 lacks, each composed of kernels it has. */
export const WASM_BACKPROP_KERNELS: ReadonlyArray<(tf: TfModule) => Tf.KernelConfig> = [
  conv2dBackpropFilter,
  depthwiseConv2dBackpropInput,
  depthwiseConv2dBackpropFilter,
  unsortedSegmentSum,
];

/** Gradient kernels that the wasm backend has but computes wrongly, composed of kernels it has right. */
export const WASM_REPLACED_KERNELS: ReadonlyArray<(tf: TfModule) => Tf.KernelConfig> = [maxPoolGrad, (tf) => resizeBilinearGrad(tf, 'wasm')];

/** Gradient kernels that the cpu backend (the last resort) computes wrongly. */
export const CPU_REPLACED_KERNELS: ReadonlyArray<(tf: TfModule) => Tf.KernelConfig> = [(tf) => resizeBilinearGrad(tf, 'cpu')];

/**
 * Registers each kernel of the first table that the wasm backend does not have yet, and the second table's in place
 * of wasm's own; says which, as "backprop kernels added: …; replaced: …".
 */
export function registerWasmBackpropKernels(tf: TfModule): string {
  const present = new Set(tf.getKernelsForBackend('wasm').map((kernel) => kernel.kernelName));
  const added = WASM_BACKPROP_KERNELS.map((make) => {
    const config = make(tf);
    if (!present.has(config.kernelName)) tf.registerKernel(config);
    return config.kernelName;
  });
  return `backprop kernels added: ${added.join(', ')}; replaced: ${replaceKernels(tf, 'wasm', WASM_REPLACED_KERNELS).join(', ')}`;
}

/** Registers each kernel of the table in place of the backend's own; returns their names. */
export function replaceKernels(tf: TfModule, backend: string, table: ReadonlyArray<(tf: TfModule) => Tf.KernelConfig>): string[] {
  const present = new Set(tf.getKernelsForBackend(backend).map((kernel) => kernel.kernelName));
  return table.map((make) => {
    const config = make(tf);
    if (present.has(config.kernelName)) tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel(config);
    return config.kernelName;
  });
}

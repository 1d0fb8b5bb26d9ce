import type * as Tf from '@tensorflow/tfjs';
import { asTensor, type TfModule } from './geometry';

/**
 * A wasm kernel that runs tfjs's cpu kernel of the same name on copies of its inputs: for the gradient kernels that
 * @tensorflow/tfjs-backend-wasm 4.22 has but computes wrongly (its MaxPoolGrad routes dy to the wrong cells for
 * strided windows such as 2×2 stride 2 VALID and 3×3 stride 2 SAME).
 */
export function onCpu(kernelName: string): (tf: TfModule) => Tf.KernelConfig {
  return (tf) => ({
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }) => {
      const cpu = tf.findBackend('cpu') as Tf.KernelBackend;
      const kernel = tf.getKernel(kernelName, 'cpu');
      if (!cpu || !kernel) throw new Error(`tfjs has no cpu ${kernelName} kernel to stand in for wasm's`);
      const moved = Object.fromEntries(Object.entries(inputs).map(([name, info]) => {
        const tensor = asTensor(tf, info as Tf.TensorInfo);
        return [name, { dataId: cpu.write(tensor.dataSync(), tensor.shape, tensor.dtype), shape: tensor.shape, dtype: tensor.dtype }];
      }));
      const result = kernel.kernelFunc({ inputs: moved, attrs, backend: cpu }) as Tf.TensorInfo;
      const values = cpu.readSync(result.dataId) as Tf.TypedArray;
      for (const info of [...Object.values(moved), result]) cpu.disposeData(info.dataId);
      return tf.tensor(values, result.shape, result.dtype);
    },
  });
}

import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from '../kernels/geometry';
import { gatherNdGradient } from './gather-nd';

/** Gradients that tfjs 4.22 lacks for ops that converted CNNs use (on every backend). */
const MISSING_GRADIENTS: ReadonlyArray<(tf: TfModule) => Tf.GradConfig> = [gatherNdGradient];

/** Registers each gradient of the table that tfjs does not have yet. */
export function registerMissingGradients(tf: TfModule): void {
  for (const make of MISSING_GRADIENTS) {
    const config = make(tf);
    if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
  }
}

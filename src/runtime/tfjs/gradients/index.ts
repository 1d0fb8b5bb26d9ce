import type * as Tf from '@tensorflow/tfjs';
import type { TfModule } from '../kernels/geometry';
import { gatherNdGradient } from './gather-nd';
import { squaredDifferenceGradient } from './squared-difference';
import { unpackGradient } from './unpack';

/** Gradients that tfjs 4.22 lacks for ops that converted CNNs use (on every backend). */
const MISSING_GRADIENTS: ReadonlyArray<(tf: TfModule) => Tf.GradConfig> = [gatherNdGradient];

/** Gradients that tfjs 4.22 has but computes wrongly. */
const REPLACED_GRADIENTS: ReadonlyArray<(tf: TfModule) => Tf.GradConfig> = [squaredDifferenceGradient, unpackGradient];

const registered = new WeakSet<TfModule>();

/** Registers each gradient of the first table that tfjs does not have yet, and the second table's in place of tfjs's. */
export function registerGradients(tf: TfModule): void {
  if (registered.has(tf)) return;
  registered.add(tf);
  for (const make of MISSING_GRADIENTS) {
    const config = make(tf);
    if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
  }
  for (const make of REPLACED_GRADIENTS) tf.registerGradient(make(tf));
}

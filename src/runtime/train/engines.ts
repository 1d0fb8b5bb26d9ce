import { readModelFile } from '../onnx/codec';
import type { SessionOptions } from '../onnx/session';
import { SMALL_CNN_NAME } from './builtin-small-cnn';
import { createOnnxStepEngine } from './onnx-engine';
import { createTfjsEngine } from './tfjs-engine';
import type { StepEngineFactory } from './types';

/**
 * The step engine for a run's model: ONNX files and the built-in CNN train on onnxruntime, TensorFlow.js layers
 * models (model.json) through tfjs on the best backend present.
 */
export function stepEngineFactory(options: { session?: SessionOptions } = {}): StepEngineFactory {
  return async ({ config, classes, inputDims, classWeights }) => {
    if (config.model.toLowerCase().endsWith('.json')) {
      return createTfjsEngine(config, classes.length, { classWeights, classNames: classes });
    }
    if (config.model !== SMALL_CNN_NAME && !config.model.toLowerCase().endsWith('.onnx')) {
      throw new Error(`${config.model}: training takes an .onnx file, a TensorFlow.js model.json or ${SMALL_CNN_NAME}`);
    }
    const model = config.model === SMALL_CNN_NAME ? SMALL_CNN_NAME : readModelFile(config.model);
    const dims = [config.batchSize ?? 64, ...inputDims.slice(1)];
    return createOnnxStepEngine({ model, dims, classes: classes.length, classNames: classes, config, classWeights, session: options.session });
  };
}

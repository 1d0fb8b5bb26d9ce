import type * as Tf from '@tensorflow/tfjs';
import { initTfjsBackend, loadTfjs } from '../tfjs/backend';
import type { ForwardRunner, RawOutput } from './predictor';
import { graphRunner, loadTfjsModel, tfjsInputFacts, type TfjsModel } from './tfjs-model';

function outputNames(loaded: TfjsModel): string[] {
  return loaded.kind === 'layers' ? loaded.model.outputNames : loaded.model.outputNodes;
}

/** A tfjs layers or graph model (model.json + shards) on the best tfjs backend available. */
export async function openTfjsRunner(modelJson: string): Promise<ForwardRunner> {
  const tf = loadTfjs();
  const { backend } = await initTfjsBackend();
  await tf.setBackend(backend);
  const loaded = await loadTfjsModel(tf, modelJson);
  const facts = tfjsInputFacts(loaded);
  const names = outputNames(loaded);
  const runGraph = loaded.kind === 'graph' ? graphRunner(loaded.model) : undefined;
  const execute = async (tensor: Tf.Tensor): Promise<Tf.Tensor | Tf.Tensor[]> => {
    if (loaded.kind === 'layers') return loaded.model.predict(tensor) as Tf.Tensor | Tf.Tensor[];
    return runGraph!(tensor);
  };
  return {
    facts,
    provider: `tfjs ${backend}`,
    async run(input, dims) {
      const integer = facts.dtype === 'int32';
      const tensor = integer ? tf.tensor(Int32Array.from(input, Math.round), dims, 'int32') : tf.tensor(input, dims, 'float32');
      const result = await execute(tensor);
      const tensors = Array.isArray(result) ? result : [result as Tf.Tensor];
      try {
        const outputs: RawOutput[] = [];
        for (const [i, output] of tensors.entries()) {
          outputs.push({ name: names[i] ?? `output_${i}`, dims: output.shape, values: Float32Array.from(await output.data()) });
        }
        return outputs;
      } finally {
        tf.dispose([tensor, ...tensors]);
      }
    },
    async release() {
      loaded.model.dispose();
    },
  };
}

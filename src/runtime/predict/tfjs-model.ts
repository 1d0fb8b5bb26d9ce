import type * as Tf from '@tensorflow/tfjs';
import { conciseMessage } from '../errors';
import type { ModelInputFacts } from '../images/model-input';
import { readModelJson } from '../tfjs/inspect';
import { userMetadataStrings } from '../tfjs/manifest';
import { readShards } from '../tfjs/shards';

type TfModule = typeof Tf;

export type TfjsModel = { kind: 'layers'; model: Tf.LayersModel } | { kind: 'graph'; model: Tf.GraphModel };

/** model.json and its weight shards, read from disk, as the artifacts tfjs loaders take (no fetch, no file://). */
export function readTfjsArtifacts(modelJson: string): Tf.io.ModelArtifacts {
  const full = readModelJson(modelJson);
  const { weightsManifest, ...json } = full;
  const groups = weightsManifest ?? [];
  const weightData = readShards(full, modelJson).data;
  return {
    ...(json as Partial<Tf.io.ModelArtifacts>),
    modelTopology: json.modelTopology as Tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: groups.flatMap((group) => group.weights) as Tf.io.WeightsManifestEntry[],
    weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.length) as ArrayBuffer,
  };
}

/** Loads a tfjs layers model or graph model (by model.json's format field) from disk. */
export async function loadTfjsModel(tf: TfModule, modelJson: string): Promise<TfjsModel> {
  const artifacts = readTfjsArtifacts(modelJson);
  const handler = { load: async () => artifacts };
  try {
    if (artifacts.format === 'graph-model') return { kind: 'graph', model: await tf.loadGraphModel(handler) };
    return { kind: 'layers', model: await tf.loadLayersModel(handler) };
  } catch (error) {
    // tfjs's messages can hold the whole topology: keep the start, name the file.
    throw new Error(`${modelJson}: tfjs cannot load the model (${conciseMessage(error)})`);
  }
}

/** The first input of a loaded tfjs model, as preprocessing resolution reads model inputs, and its userDefinedMetadata. */
export function tfjsInputFacts(loaded: TfjsModel): ModelInputFacts {
  const input = loaded.model.inputs[0];
  const shape = (input.shape ?? []) as (number | null)[];
  return {
    name: input.name,
    dtype: loaded.kind === 'graph' ? (input as Tf.ModelTensorInfo).dtype ?? 'float32' : 'float32',
    dims: shape.map((dim) => (dim !== null && dim > 0 ? dim : null)),
    producer: loaded.kind === 'layers' ? 'keras' : 'tensorflow',
    irVersion: 0,
    opset: null,
    metadata: userMetadataStrings(loaded.kind === 'layers' ? loaded.model.getUserDefinedMetadata() : loaded.model.metadata),
  };
}

/**
 * Runs a graph model on feeds (by node or tensor name) for the given outputs (default: the model's). Graph models
 * with dynamic ops (NonMaxSuppression, Where, loops) only run asynchronously; that is found on the first run.
 */
export function graphRunner(model: Tf.GraphModel): (feeds: Tf.Tensor | Tf.NamedTensorMap, outputs?: string[]) => Promise<Tf.Tensor[]> {
  let asynchronous = false;
  const list = (result: Tf.Tensor | Tf.Tensor[]) => (Array.isArray(result) ? result : [result]);
  return async (feeds, outputs) => {
    if (!asynchronous) {
      try {
        return list(model.execute(feeds, outputs));
      } catch (error) {
        if (!/executeAsync/.test((error as Error).message)) throw error;
        asynchronous = true;
      }
    }
    return list(await model.executeAsync(feeds, outputs));
  };
}

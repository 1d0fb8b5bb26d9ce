import type * as Tf from '@tensorflow/tfjs';
import { conciseMessage } from '../errors';
import { readModelJson } from '../tfjs/inspect';
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

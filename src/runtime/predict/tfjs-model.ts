import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import { readModelJson } from '../tfjs/inspect';

type TfModule = typeof Tf;

export type TfjsModel = { kind: 'layers'; model: Tf.LayersModel } | { kind: 'graph'; model: Tf.GraphModel };

/** model.json and its weight shards, read from disk, as the artifacts tfjs loaders take (no fetch, no file://). */
export function readTfjsArtifacts(modelJson: string): Tf.io.ModelArtifacts {
  const { weightsManifest, ...json } = readModelJson(modelJson);
  const groups = weightsManifest ?? [];
  const shards = groups.flatMap((group) => group.paths.map((shard) => fs.readFileSync(path.join(path.dirname(modelJson), shard))));
  const weightData = Buffer.concat(shards);
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
  if (artifacts.format === 'graph-model') return { kind: 'graph', model: await tf.loadGraphModel(handler) };
  return { kind: 'layers', model: await tf.loadLayersModel(handler) };
}

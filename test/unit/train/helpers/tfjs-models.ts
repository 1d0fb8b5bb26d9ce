import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Tf from '@tensorflow/tfjs';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- tfjs loads lazily in the runtime too
const tf = require('@tensorflow/tfjs') as typeof Tf;

/** Writes `model` as tfjs itself saves it: `dir`/model.json + one shard; returns model.json's path. */
export async function saveLayersModel(model: Tf.LayersModel, dir: string): Promise<string> {
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({
      format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return path.join(dir, 'model.json');
}

/** A model.json (and its shards) loaded with tfjs's own loader, userDefinedMetadata included. */
export async function loadSavedLayersModel(modelJson: string): Promise<Tf.LayersModel> {
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8')) as { modelTopology: object; weightsManifest: { paths: string[]; weights: Tf.io.WeightsManifestEntry[] }[]; userDefinedMetadata?: object };
  const shards = json.weightsManifest.flatMap((group) => group.paths.map((file) => fs.readFileSync(path.join(path.dirname(modelJson), file))));
  const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((group) => group.weights), weightData, userDefinedMetadata: json.userDefinedMetadata }));
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../images/sidecar';
import type { ManifestWeight, ModelJson } from './manifest';

/** tfjs-converter's default shard size. */
export const SHARD_BYTES = 4 * 1024 * 1024;

/**
 * Writes a tfjs model (model.json + `group1-shardKofN.bin` shards of at most 4 MiB, as tfjs-converter names them) to
 * `modelJsonFile`. A new folder is filled under a temporary name and renamed into place, so nobody sees half a model;
 * in a folder that exists already, no file it would write may exist (nothing is overwritten), and model.json comes last.
 */
export function writeTfjsModel(modelJsonFile: string, json: Omit<ModelJson, 'weightsManifest'>, weights: ManifestWeight[], weightData: Uint8Array): void {
  if (fs.existsSync(modelJsonFile)) throw new Error(`${modelJsonFile} exists already; choose a new output`);
  const folder = path.dirname(modelJsonFile);
  const shardCount = Math.max(1, Math.ceil(weightData.length / SHARD_BYTES));
  const shardNames = Array.from({ length: shardCount }, (_, i) => `group1-shard${i + 1}of${shardCount}.bin`);
  const modelJsonText = JSON.stringify({ ...json, weightsManifest: [{ paths: shardNames, weights }] });
  const shard = (i: number) => weightData.subarray(i * SHARD_BYTES, Math.min(weightData.length, (i + 1) * SHARD_BYTES));
  if (!fs.existsSync(folder)) {
    fs.mkdirSync(path.dirname(folder), { recursive: true });
    const temporary = `${folder}.${process.pid}.${Date.now()}.tmp`;
    fs.mkdirSync(temporary);
    try {
      shardNames.forEach((name, i) => fs.writeFileSync(path.join(temporary, name), shard(i)));
      fs.writeFileSync(path.join(temporary, path.basename(modelJsonFile)), modelJsonText);
      fs.renameSync(temporary, folder);
    } catch (error) {
      fs.rmSync(temporary, { recursive: true, force: true });
      throw error;
    }
    return;
  }
  const clash = shardNames.find((name) => fs.existsSync(path.join(folder, name)));
  if (clash) throw new Error(`${path.join(folder, clash)} exists already; choose a new output folder`);
  shardNames.forEach((name, i) => writeFileAtomic(path.join(folder, name), shard(i)));
  writeFileAtomic(modelJsonFile, modelJsonText);
}

/** Bytes on disk of a tfjs model: model.json plus every shard its manifest names. */
export function tfjsModelBytes(modelJsonFile: string, json: ModelJson): number {
  const folder = path.dirname(modelJsonFile);
  const shards = (json.weightsManifest ?? []).flatMap((group) => group.paths);
  return fs.statSync(modelJsonFile).size + shards.reduce((sum, shard) => sum + fs.statSync(path.join(folder, shard)).size, 0);
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ManifestWeight, ModelJson, storedBytes } from './manifest';

/** A weight shard that is missing or does not hold the bytes the manifest gives its group; names the file. */
export class ShardError extends Error {
  constructor(message: string, readonly file: string) {
    super(`${file}: ${message}`);
    this.name = 'ShardError';
  }
}

export interface StoredWeight { spec: ManifestWeight; bytes: Buffer }

/**
 * Reads every weight shard beside model.json, checking that each exists and that each group's shards together hold
 * exactly the bytes its weights take. Returns the shards' bytes in manifest order and each weight's slice.
 */
export function readShards(json: ModelJson, modelJson: string): { data: Buffer; weights: Map<string, StoredWeight> } {
  const weights = new Map<string, StoredWeight>();
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest ?? []) {
    const shards = group.paths.map((shard) => {
      const file = path.join(path.dirname(modelJson), shard);
      try {
        return fs.readFileSync(file);
      } catch (error) {
        throw new ShardError(`weight shard listed in ${path.basename(modelJson)} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, file);
      }
    });
    const data = Buffer.concat(shards);
    const expected = (group.weights ?? []).reduce((sum, weight) => sum + storedBytes(weight), 0);
    if (data.length !== expected) {
      const last = path.join(path.dirname(modelJson), group.paths[group.paths.length - 1] ?? '');
      throw new ShardError(`the weight group ${group.paths.join(', ')} holds ${data.length} bytes; ${path.basename(modelJson)} gives its weights ${expected} bytes`, last);
    }
    let offset = 0;
    for (const spec of group.weights ?? []) {
      const size = storedBytes(spec);
      weights.set(spec.name, { spec, bytes: data.subarray(offset, offset + size) });
      offset += size;
    }
    buffers.push(data);
  }
  return { data: Buffer.concat(buffers), weights };
}

/** The values of a stored int32 weight (shape and index constants of graph models); undefined for other dtypes. */
export function int32Values(weight: StoredWeight | undefined): number[] | undefined {
  if (!weight || weight.spec.dtype !== 'int32' || weight.spec.quantization) return undefined;
  const { bytes } = weight;
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readInt32LE(i * 4));
}

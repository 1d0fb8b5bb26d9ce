import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir, runPython } from '../predict/torchvision-models';

export interface ReferenceMap {
  shape: number[];
  values: number[];
}

export interface Reference {
  class: number;
  score: number;
  logits: number[];
  cam: Record<string, ReferenceMap>;
}

function writeFloats(name: string, values: Float32Array | Float32Array[]): string {
  const file = path.join(cacheDir(), `${name}-${process.pid}.f32`);
  const parts = Array.isArray(values) ? values : [values];
  fs.writeFileSync(file, Buffer.concat(parts.map((part) => Buffer.from(part.buffer, part.byteOffset, part.byteLength))));
  return file;
}

/** Runs scripts/reference/gradcam_reference.py on exactly the input tensor the runtime fed to onnxruntime. */
export function pytorchReference(options: { model: string; input: Float32Array; layer: string; size: number; methods: string[]; targetClass?: number; noisy?: Float32Array[] }): Reference {
  const inputFile = writeFloats(`${options.model}-input`, options.input);
  const args = [options.model, inputFile, '--layer', options.layer, '--size', String(options.size), '--methods', options.methods.join(',')];
  if (options.targetClass !== undefined) args.push('--class', String(options.targetClass));
  const noisyFile = options.noisy ? writeFloats(`${options.model}-noisy`, options.noisy) : undefined;
  if (noisyFile) args.push('--noisy', noisyFile);
  try {
    return JSON.parse(runPython('gradcam_reference.py', args)) as Reference;
  } finally {
    fs.rmSync(inputFile, { force: true });
    if (noisyFile) fs.rmSync(noisyFile, { force: true });
  }
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    normA += a[i] * a[i];
    normB += b[i] * b[i];
  }
  return dot / Math.sqrt(normA * normB);
}

/** Largest absolute difference relative to the reference's largest magnitude. */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  let error = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    error = Math.max(error, Math.abs(actual[i] - expected[i]));
  }
  return error / scale;
}

export function assertMapsAgree(label: string, actual: { data: Float32Array; size: [number, number] }, expected: ReferenceMap, limits = { cosine: 0.999, relative: 1e-3 }): { cosine: number; relative: number } {
  assert.deepEqual(actual.size, expected.shape, `${label}: map size`);
  assert.ok(expected.values.some((value) => value !== 0), `${label}: the reference map is not all zero`);
  const similarity = cosine(actual.data, expected.values);
  const relative = maxRelativeError(actual.data, expected.values);
  assert.ok(similarity >= limits.cosine, `${label}: cosine ${similarity}`);
  assert.ok(relative <= limits.relative, `${label}: max relative error ${relative}`);
  return { cosine: similarity, relative };
}

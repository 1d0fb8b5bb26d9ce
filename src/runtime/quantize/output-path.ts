import * as fs from 'node:fs';
import * as path from 'node:path';
import { QuantizeError } from './graph-edit';
import type { QuantizeMode } from './types';

const SUFFIX: Record<QuantizeMode, string> = { static: 'int8', dynamic: 'int8', fp16: 'fp16' };

/**
 * Where the result goes: the requested file, or `<name>.int8.onnx` / `<name>.fp16.onnx` beside the model; when that
 * file exists, `<name>.int8-1.onnx`, `-2`… so nothing is ever overwritten. The model itself is never a target.
 */
export function outputPath(modelFile: string, mode: QuantizeMode, requested?: string): string {
  const wanted = path.resolve(requested ?? path.join(path.dirname(modelFile), `${path.basename(modelFile).replace(/\.onnx$/i, '')}.${SUFFIX[mode]}.onnx`));
  if (wanted === path.resolve(modelFile)) throw new QuantizeError(`the output ${wanted} is the model itself; the model is never overwritten`);
  const extension = path.extname(wanted);
  const stem = wanted.slice(0, wanted.length - extension.length);
  let candidate = wanted;
  for (let counter = 1; fs.existsSync(candidate); counter++) candidate = `${stem}-${counter}${extension}`;
  return candidate;
}

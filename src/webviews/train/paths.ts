// Where the Train panel writes and what it reads: never over an existing file, only inside the folder the user picked.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TrainSelection } from './protocol';

/** `file` itself when neither it nor its checkpoints folder exists, else `name-2.ext`, `name-3.ext`, ... */
export function uniqueSibling(file: string): string {
  const taken = (candidate: string) => fs.existsSync(candidate) || fs.existsSync(`${candidate}.checkpoints`);
  if (!taken(file)) return file;
  const ext = path.extname(file);
  const stem = file.slice(0, file.length - ext.length);
  for (let n = 2; ; n++) {
    const candidate = `${stem}-${n}${ext}`;
    if (!taken(candidate)) return candidate;
  }
}

export function isTfjsModel(model: string): boolean {
  return model.toLowerCase().endsWith('.json');
}

/**
 * A new output beside the data folder, named after the model and the data: `small-cnn-digits.onnx`,
 * `mobilenet-flowers.onnx`, or `<model folder>-<data>-tfjs/model.json` for a TensorFlow.js model.
 */
export function defaultOutput(selection: Pick<TrainSelection, 'model' | 'data'>, builtinModel: string): string | null {
  if (!selection.data) return null;
  const data = path.resolve(selection.data);
  const stem = selection.model === builtinModel ? 'small-cnn' : path.basename(selection.model).replace(/\.(onnx|json)$/i, '');
  const named = stem === 'model' ? path.basename(path.dirname(selection.model)) : stem;
  const base = path.join(path.dirname(data), `${named}-${path.basename(data)}`);
  return isTfjsModel(selection.model) ? path.join(uniqueSibling(`${base}-tfjs`), 'model.json') : uniqueSibling(`${base}.onnx`);
}

/** Whether `file` lies inside `folder` (not the folder itself, not through `..`). */
export function isInside(folder: string, file: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

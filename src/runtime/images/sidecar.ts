import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Preprocessing } from './types';

/** Settings remembered per model in `<model>.cnnstudio.json` beside it; the model file itself is never touched. */
export interface ModelSettings {
  preprocessing?: Partial<Preprocessing>;
  /** Labels file, relative to the model's folder or absolute. */
  labels?: string;
  [key: string]: unknown;
}

export function sidecarPath(modelFile: string): string {
  return `${modelFile}.cnnstudio.json`;
}

export function readSettings(modelFile: string): ModelSettings {
  const file = sidecarPath(modelFile);
  if (!fs.existsSync(file)) return {};
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${file}: expected a JSON object`);
  return parsed as ModelSettings;
}

/** Writes a file through a temporary file in the same folder and a rename, so readers never see half a file. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(temporary, data);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

/** Merges `changes` into the model's remembered settings (other keys are kept). */
export function writeSettings(modelFile: string, changes: ModelSettings): ModelSettings {
  const merged = { ...readSettings(modelFile), ...changes };
  writeFileAtomic(sidecarPath(modelFile), `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}

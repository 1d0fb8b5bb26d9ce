import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The system interpreter that carries torch, torchvision and onnx (another python3 on PATH may lack them). */
export const systemPython = '/usr/bin/python3';
const scriptsDir = path.resolve(__dirname, '../../../scripts/reference');

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
  inputs: { name: string; dtype: string; shape: (number | string | null)[] | null }[];
  outputs: { name: string; dtype: string; shape: (number | string | null)[] | null }[];
  ops: Record<string, number>;
  shapes: Record<string, (number | string | null)[] | null>;
}

/** Facts from scripts/reference/onnx_counts.py (onnx + numpy, onnx's own shape inference). */
export function onnxReference(files: string[]): Record<string, OnnxReference> {
  return JSON.parse(runScript('onnx_counts.py', files, 120_000));
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

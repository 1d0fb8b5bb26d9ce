import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const python = process.env.CNN_STUDIO_PYTHON ?? '/usr/bin/python3';
const repoRoot = path.resolve(__dirname, '../../..');
export const referenceScripts = path.join(repoRoot, 'scripts', 'reference');

export function cacheDir(): string {
  const folder = process.env.CNN_STUDIO_TEST_CACHE ?? path.join(os.tmpdir(), 'cnn-studio-test-cache');
  fs.mkdirSync(folder, { recursive: true });
  return folder;
}

export function runPython(script: string, args: string[]): string {
  return execFileSync(python, [path.join(referenceScripts, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
}

/** A torchvision architecture with seeded random weights exported to ONNX, cached by name, seed and exporter version. */
export function torchvisionModel(name: string, seed = 0, size = 224): string {
  const exporter = fs.readFileSync(path.join(referenceScripts, 'gradcam_models.py'));
  const version = crypto.createHash('sha256').update(exporter).digest('hex').slice(0, 12);
  const file = path.join(cacheDir(), `${name}-s${seed}-${size}-${version}.onnx`);
  if (!fs.existsSync(file)) {
    const temporary = `${file}.${process.pid}.tmp.onnx`;
    runPython('gradcam_models.py', [name, temporary, '--seed', String(seed), '--size', String(size)]);
    fs.renameSync(temporary, file);
  }
  return file;
}

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '../../..');
const script = path.join(repoRoot, 'scripts/reference/train_reference.py');
const python = process.env.CNN_STUDIO_TORCH_PYTHON ?? '/usr/bin/python3';

function cacheDir(key: string): string {
  const hash = createHash('sha256').update(fs.readFileSync(script)).update(key).digest('hex').slice(0, 16);
  return path.join(repoRoot, '.cache/train-reference', hash);
}

/** A train-mode step reference folder (model.onnx, input, gradients, statistics) of the reference script, generated once and cached. */
function trainStepReference(args: string[]): string {
  const dir = cacheDir(args.join(' '));
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    const staging = `${dir}.tmp-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    execFileSync(python, [script, ...args, staging], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
  }
  return dir;
}

/** The resnet18 train-mode reference folder (exported at opset 14). */
export function resnet18TrainReference(): string {
  return trainStepReference(['resnet18']);
}

/** A small CNN with two BatchNorms exported at `opset` (below 14: BatchNormalization in inference form), and its train-mode step. */
export function bnCnnTrainReference(opset: number): string {
  return trainStepReference(['bn-cnn', String(opset)]);
}

/** Runs a JSON-in, JSON-out command of the reference script (steps, losses); results are cached by request. */
export function pytorchJson<T>(command: 'steps' | 'losses' | 'multilabel-metrics', request: object, files: Record<string, Uint8Array> = {}): T {
  const body = JSON.stringify(request);
  const key = createHash('sha256').update(command).update(body);
  for (const [name, bytes] of Object.entries(files)) key.update(name).update(bytes);
  const dir = cacheDir(key.digest('hex'));
  const result = path.join(dir, 'result.json');
  if (!fs.existsSync(result)) {
    fs.mkdirSync(dir, { recursive: true });
    const resolved: Record<string, string> = {};
    for (const [name, bytes] of Object.entries(files)) {
      resolved[name] = path.join(dir, name);
      fs.writeFileSync(resolved[name], bytes);
    }
    const requestFile = path.join(dir, 'request.json');
    fs.writeFileSync(requestFile, JSON.stringify({ ...request, ...resolved }));
    execFileSync(python, [script, command, requestFile, `${result}.tmp`], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 600_000 });
    fs.renameSync(`${result}.tmp`, result);
  }
  return JSON.parse(fs.readFileSync(result, 'utf8')) as T;
}

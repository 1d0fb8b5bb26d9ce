// The unit layer as part of the full run: mocha (configured by .mocharc.json) in a child process, so that the
// runtime's workers and native modules cannot affect the VS Code layers that follow.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LayerResult } from './integration';
import * as paths from './paths';

export async function runUnitTests(): Promise<LayerResult> {
  const started = Date.now();
  const result: LayerResult = { layer: 'unit (mocha)', passed: 0, failed: 0, skipped: [], seconds: 0 };
  const statsFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-studio-unit-')), 'stats.json');
  const mochaBin = path.join(paths.repoRoot, 'node_modules', 'mocha', 'bin', 'mocha.js');
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [mochaBin, '--reporter', path.join(__dirname, 'spec-with-stats.js')], {
      cwd: paths.repoRoot,
      env: { ...process.env, CNN_STUDIO_STATS_FILE: statsFile },
      stdio: 'inherit',
    });
    child.on('exit', (exitCode) => resolve(exitCode));
  });
  if (fs.existsSync(statsFile)) Object.assign(result, JSON.parse(fs.readFileSync(statsFile, 'utf8')));
  else result.error = `mocha exited with code ${code} before reporting results`;
  fs.rmSync(path.dirname(statsFile), { recursive: true, force: true });
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

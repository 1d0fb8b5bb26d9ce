// The static checks as a layer of the full run: the TypeScript compiler (`tsc --noEmit`) and ESLint
// (eslint.config.mjs), each counted as one test, so that `npm test` fails when either finds a problem.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayerResult } from './integration';
import * as paths from './paths';

interface Check {
  name: string;
  /** The tool's entry script inside node_modules. */
  script: string;
  args: string[];
}

const checks: Check[] = [
  { name: 'tsc --noEmit', script: path.join('typescript', 'bin', 'tsc'), args: ['-p', '.', '--noEmit'] },
  { name: 'eslint', script: path.join('eslint', 'bin', 'eslint.js'), args: ['.'] },
];

function runCheck(check: Check): Promise<{ ok: boolean; output: string }> {
  const script = path.join(paths.repoRoot, 'node_modules', check.script);
  if (!fs.existsSync(script)) {
    return Promise.resolve({ ok: false, output: `${check.name}: ${path.relative(paths.repoRoot, script)} is missing; run npm ci` });
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...check.args], { cwd: paths.repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('exit', (code) => resolve({ ok: code === 0, output: output.trim() }));
  });
}

export async function runStaticChecks(): Promise<LayerResult> {
  const started = Date.now();
  const result: LayerResult = { layer: 'checks (tsc, eslint)', passed: 0, failed: 0, skipped: [], seconds: 0 };
  for (const check of checks) {
    const checkStarted = Date.now();
    const { ok, output } = await runCheck(check);
    const seconds = ((Date.now() - checkStarted) / 1000).toFixed(1);
    if (ok) {
      result.passed += 1;
      console.log(`  ✔ ${check.name} (${seconds} s)`);
    } else {
      result.failed += 1;
      console.log(`  ✘ ${check.name} (${seconds} s)\n${output}`);
    }
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

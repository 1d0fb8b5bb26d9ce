// Layer 2: UI tests in a real browser: every test/ui/**/*.spec.ts, run by mocha in this process against one shared
// code-server (webviews load there, unlike in the test-driver mode of layer 1).
import Mocha from 'mocha';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayerResult } from './integration';
import * as paths from './paths';
import { closeWorkbenchSession } from './workbench';

function findSpecs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return findSpecs(file);
    return entry.name.endsWith('.spec.ts') ? [file] : [];
  }).sort();
}

export async function runUiTests(): Promise<LayerResult> {
  const started = Date.now();
  const result: LayerResult = { layer: 'UI (code-server in Chromium)', passed: 0, failed: 0, skipped: [], seconds: 0 };
  // CNN_STUDIO_TEST_GREP runs only the tests whose titles match it.
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 180_000, grep: process.env.CNN_STUDIO_TEST_GREP });
  for (const file of findSpecs(path.join(paths.repoRoot, 'test', 'ui'))) mocha.addFile(file);
  try {
    const stats = await new Promise<Mocha.Stats>((resolve) => {
      const runner = mocha.run(() => resolve(runner.stats as Mocha.Stats));
      runner.on('pending', (test) => result.skipped.push(test.fullTitle()));
    });
    result.passed = stats.passes;
    result.failed = stats.failures;
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    await closeWorkbenchSession({ keepLogs: result.failed > 0 || result.error !== undefined });
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

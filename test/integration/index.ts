// The extension-tests entry that VS Code loads into its extension host (bundled to out/test/index.js): runs every
// bundled *.test.js beside it with mocha. The harness passes files through the environment: CNN_STUDIO_TEST_LOG
// receives the reporter's output (the host has no terminal), CNN_STUDIO_TEST_RESULTS the pass/fail counts and skipped titles.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(file);
    return entry.name.endsWith('.test.js') ? [file] : [];
  }).sort();
}

export async function run(): Promise<void> {
  const logFile = process.env.CNN_STUDIO_TEST_LOG;
  const resultsFile = process.env.CNN_STUDIO_TEST_RESULTS;
  if (logFile) {
    (Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void }).consoleLog =
      (...args) => fs.appendFileSync(logFile, `${format(...args)}\n`);
  }
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: true, timeout: 60_000 });
  for (const file of testFiles(__dirname)) mocha.addFile(file);
  const skipped: string[] = [];
  const stats = await new Promise<Mocha.Stats>((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats as Mocha.Stats));
    runner.on('pending', (test) => skipped.push(test.fullTitle()));
  });
  if (resultsFile) {
    fs.writeFileSync(resultsFile, JSON.stringify({ passed: stats.passes, failed: stats.failures, skipped }));
  }
  if (stats.failures > 0) throw new Error(`${stats.failures} of ${stats.tests} integration tests failed`);
}

// Layer 1: mocha suites inside a real VS Code extension host (the VS Code server bundled in code-server, in
// test-driver mode, driven by Chromium). Every test/integration/**/*.test.ts is bundled into out/test/ and run there.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchChromium } from './browser';
import * as paths from './paths';
import { copyLogs, tail, withTimeout } from './processes';
import { startVscodeTestServer } from './servers';

export interface LayerResult {
  layer: string;
  passed: number;
  failed: number;
  /** Full titles of the tests that were skipped (mocha's pending tests). */
  skipped: string[];
  seconds: number;
  error?: string;
}

const integrationSources = path.join(paths.repoRoot, 'test', 'integration');
const runTimeoutMs = 15 * 60_000;

function findFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return findFiles(file, suffix);
    return entry.name.endsWith(suffix) ? [file] : [];
  });
}

/** Bundles the runner and each test file for the extension host; npm packages and `vscode` stay external. */
export async function buildIntegrationTests(): Promise<string> {
  fs.rmSync(paths.integrationTestsOut, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: [path.join(integrationSources, 'index.ts'), ...findFiles(integrationSources, '.test.ts')],
    outbase: integrationSources,
    outdir: paths.integrationTestsOut,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return path.join(paths.integrationTestsOut, 'index.js');
}

/** Copies what the tests append to file onto stdout as it grows. */
function follow(file: string): { stop(): void } {
  let offset = 0;
  const flush = () => {
    const size = fs.statSync(file).size;
    if (size <= offset) return;
    const buffer = Buffer.alloc(size - offset);
    const descriptor = fs.openSync(file, 'r');
    fs.readSync(descriptor, buffer, 0, buffer.length, offset);
    fs.closeSync(descriptor);
    offset = size;
    process.stdout.write(buffer);
  };
  const timer = setInterval(flush, 200);
  return { stop() { clearInterval(timer); flush(); } };
}

export async function runIntegrationTests(): Promise<LayerResult> {
  const started = Date.now();
  const result: LayerResult = { layer: 'integration (VS Code extension host)', passed: 0, failed: 0, skipped: [], seconds: 0 };
  const testsPath = await buildIntegrationTests();
  const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-studio-integration-'));
  const logFile = path.join(reportDir, 'tests.log');
  const resultsFile = path.join(reportDir, 'results.json');
  fs.writeFileSync(logFile, '');
  const server = await startVscodeTestServer({ env: { CNN_STUDIO_TEST_LOG: logFile, CNN_STUDIO_TEST_RESULTS: resultsFile } });
  const output = follow(logFile);
  let browser;
  try {
    browser = await launchChromium();
    const page = await browser.newPage();
    let reportExit: (code: number) => void = () => {};
    const exitCode = new Promise<number>((resolve) => { reportExit = resolve; });
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    await page.goto(server.extensionTestUrl(testsPath));
    const code = await withTimeout(exitCode, runTimeoutMs, 'the extension host did not finish the integration tests');
    output.stop();
    if (fs.existsSync(resultsFile)) {
      Object.assign(result, JSON.parse(fs.readFileSync(resultsFile, 'utf8')));
    } else {
      result.error = `the extension host exited with code ${code} before reporting results (the test bundle or the extension failed to load?).\nServer log:\n${tail(server.process.logFile, 40)}`;
      fs.mkdirSync(paths.resultsDir, { recursive: true });
      await page.screenshot({ path: path.join(paths.resultsDir, 'integration-failure.png') }).catch(() => undefined);
    }
    if (code !== 0 && result.failed === 0 && !result.error) result.error = `the extension host exited with code ${code}`;
  } catch (error) {
    result.error = (error as Error).message;
  } finally {
    output.stop();
    await browser?.close();
    if (result.failed > 0 || result.error) {
      const logs = path.join(paths.resultsDir, 'integration-logs');
      fs.rmSync(logs, { recursive: true, force: true });
      copyLogs(server.workDir, logs);
      console.log(`[vscode-harness] VS Code logs kept in ${path.relative(paths.repoRoot, logs)}`);
    }
    await server.stop();
    fs.rmSync(reportDir, { recursive: true, force: true });
  }
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

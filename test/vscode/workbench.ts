// Driving the VS Code workbench in the browser: one shared code-server and Chromium for all UI specs, a fresh page
// per spec, the command palette, quick open, webview contents, and screenshots when a test fails.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { launchChromium } from './browser';
import * as paths from './paths';
import { delay } from './processes';
import { RunningServer, startCodeServer } from './servers';

interface Session {
  server: RunningServer;
  browser: Browser;
}

let session: Promise<Session> | undefined;

/** Starts code-server and Chromium on first use; later callers share them until closeWorkbenchSession(). */
export function workbenchSession(): Promise<Session> {
  session ??= (async () => {
    const server = await startCodeServer({ workspace: paths.sampleWorkspace });
    try {
      return { server, browser: await launchChromium() };
    } catch (error) {
      await server.stop();
      throw error;
    }
  })();
  return session;
}

export async function closeWorkbenchSession(): Promise<void> {
  if (!session) return;
  const current = session;
  session = undefined;
  const { server, browser } = await current.catch(() => ({ server: undefined, browser: undefined }));
  await browser?.close();
  await server?.stop();
}

const workbenchTimeoutMs = 90_000;

/** A new browser page showing the workbench on the sample workspace, once its explorer has loaded. */
export async function openWorkbench(): Promise<Page> {
  const { server, browser } = await workbenchSession();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await page.goto(server.url, { timeout: workbenchTimeoutMs });
  try {
    await page.locator('.monaco-workbench').waitFor({ timeout: workbenchTimeoutMs });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: workbenchTimeoutMs });
  } catch (error) {
    throw new Error(`the workbench did not show the sample workspace at ${server.url}: ${(error as Error).message}`);
  }
  return page;
}

async function openQuickInput(page: Page, text: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(text);
}

/**
 * Runs a palette command by its full label ("CNN: Show Runtime Info"). Extension commands register some seconds
 * after the workbench shows, so the palette is asked again until the command's row appears.
 */
export async function runCommand(page: Page, label: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await openQuickInput(page, `>${label}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    if (await row.waitFor({ timeout: 3000 }).then(() => true, () => false)) {
      await row.click();
      return;
    }
    await page.keyboard.press('Escape');
    await delay(1000);
  }
  throw new Error(`the command "${label}" did not appear in the command palette within ${timeoutMs / 1000} s`);
}

/** Opens a workspace file with its default editor through quick open (for .onnx files, the Model Inspector). */
export async function openFile(page: Page, fileName: string, timeoutMs = 30_000): Promise<void> {
  await openQuickInput(page, fileName);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first();
  try {
    await row.waitFor({ timeout: timeoutMs });
  } catch {
    throw new Error(`quick open did not find ${fileName} within ${timeoutMs / 1000} s`);
  }
  await row.click();
}

/** The content of the active webview (a custom editor or a panel); its page lives two iframes deep. */
export function activeWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

/** Saves a screenshot of the page into test-results/ when the test just run has failed; returns its path. */
export async function screenshotOnFailure(test: Mocha.Runnable | undefined, page: Page | undefined): Promise<string | undefined> {
  if (!test || !page || test.state !== 'failed') return undefined;
  fs.mkdirSync(paths.resultsDir, { recursive: true });
  const file = path.join(paths.resultsDir, `${test.fullTitle().replace(/[^\w.-]+/g, '_').slice(0, 150)}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch((error: Error) => console.error(`screenshot failed: ${error.message}`));
  console.log(`      screenshot: ${path.relative(paths.repoRoot, file)}`);
  return file;
}

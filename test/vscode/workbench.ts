// Driving the VS Code workbench in the browser: one shared code-server and Chromium for all UI specs, a fresh page
// per spec, the command palette, quick open, webview contents, and screenshots when a test fails.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import { launchChromium } from './browser';
import * as paths from './paths';
import { copyLogs, delay } from './processes';
import { RunningServer, startCodeServer } from './servers';

interface Session {
  server: RunningServer;
  browser: Browser;
}

let session: Promise<Session> | undefined;

/** Starts code-server and Chromium on first use; later callers share them until closeWorkbenchSession(). */
export function workbenchSession(workspace = paths.sampleWorkspace): Promise<Session> {
  session ??= (async () => {
    const server = await startCodeServer({ workspace });
    try {
      return { server, browser: await launchChromium() };
    } catch (error) {
      await server.stop();
      throw error;
    }
  })();
  return session;
}

/** Stops code-server and Chromium; with keepLogs, first copies VS Code's logs into test-results/code-server-logs. */
export async function closeWorkbenchSession({ keepLogs = false } = {}): Promise<void> {
  if (!session) return;
  const current = session;
  session = undefined;
  const { server, browser } = await current.catch(() => ({ server: undefined, browser: undefined }));
  await browser?.close();
  if (server && keepLogs) {
    const logs = path.join(paths.resultsDir, 'code-server-logs');
    fs.rmSync(logs, { recursive: true, force: true });
    copyLogs(server.workDir, logs);
    console.log(`[vscode-harness] VS Code logs kept in ${path.relative(paths.repoRoot, logs)}`);
  }
  await server?.stop();
}

const workbenchTimeoutMs = 90_000;
/** The browser console's errors per page, saved beside a failure's screenshot. */
const consoleErrors = new WeakMap<Page, string[]>();

/** A new browser page showing the workbench on the sample workspace, once its explorer has loaded. */
export async function openWorkbench(workspace?: string): Promise<Page> {
  const { server, browser } = await workbenchSession(workspace);
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  consoleErrors.set(page, errors);
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.stack ?? error.message));
  await page.goto(server.url, { timeout: workbenchTimeoutMs });
  try {
    await page.locator('.monaco-workbench').waitFor({ timeout: workbenchTimeoutMs });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: workbenchTimeoutMs });
  } catch (error) {
    throw new Error(`the workbench did not show the sample workspace at ${server.url}: ${(error as Error).message}`);
  }
  return page;
}

/**
 * For a spec that works in one workbench page: opens it before the spec's tests, saves a screenshot after each failed
 * test and closes it after them. Call inside describe(); the function it returns gives the page.
 */
export function useWorkbenchPage(): () => Page {
  let page: Page | undefined;
  before(async () => {
    page = await openWorkbench();
  });
  afterEach(async function () {
    await screenshotOnFailure(this.currentTest, page);
  });
  after(async () => {
    await page?.context().close();
  });
  return () => {
    if (!page) throw new Error('the workbench page is not open: its before hook failed');
    return page;
  };
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

/** Picks a row of the open quick pick by typing its name; in a multi-select pick, ticks it and presses OK. */
export async function pickQuickItem(page: Page, name: string, multi: boolean): Promise<void> {
  await page.locator('.quick-input-widget input.input').fill(name);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  if (multi) {
    await page.locator('.quick-input-widget', { hasText: '1 Selected' }).waitFor({ timeout: 10_000 });
    await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first().click();
  }
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

/**
 * Waits until the active webview shows selector. Fails at once, with VS Code's message, when the editor itself
 * could not be opened (an exception in the extension's editor provider), instead of waiting for the timeout.
 */
export async function waitForWebview(page: Page, selector: string, timeoutMs = 90_000): Promise<FrameLocator> {
  const view = activeWebview(page);
  const editorError = page.getByText('The editor could not be opened').first();
  const outcome = await Promise.race([
    view.locator(selector).first().waitFor({ timeout: timeoutMs }).then(() => 'shown', () => 'timeout'),
    editorError.waitFor({ timeout: timeoutMs }).then(() => 'editor error', () => 'timeout'),
  ]);
  if (outcome === 'editor error') {
    throw new Error(`VS Code could not open the editor: "${(await editorError.innerText()).trim()}" (the extension host log says why)`);
  }
  if (outcome === 'timeout') throw new Error(`the webview did not show ${selector} within ${timeoutMs / 1000} s`);
  return view;
}

/** Saves a screenshot into test-results/<name>.png, and the browser console's errors into <name>.console.txt. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(paths.resultsDir, { recursive: true });
  const base = path.join(paths.resultsDir, name.replace(/[^\w.-]+/g, '_').slice(0, 150));
  fs.writeFileSync(`${base}.console.txt`, (consoleErrors.get(page) ?? []).join('\n\n'));
  await page.screenshot({ path: `${base}.png`, fullPage: true });
  return `${base}.png`;
}

/** After a failed test (or hook), saves a screenshot named after it into test-results/. */
export async function screenshotOnFailure(test: Mocha.Runnable | undefined, page: Page | undefined): Promise<void> {
  if (!test || !page || page.isClosed() || test.state !== 'failed') return;
  try {
    const file = await saveScreenshot(page, test.fullTitle());
    console.log(`      screenshot: ${path.relative(paths.repoRoot, file)}`);
  } catch (error) {
    console.error(`      screenshot failed: ${(error as Error).message}`);
  }
}

/**
 * Hovers `word` on the first editor line containing `lineText` until a hover containing `expected` shows (the hover
 * provider registers only once the extension has activated on the file's language), and returns that hover.
 */
export async function hoverWord(page: Page, lineText: string, word: string, expected: string): Promise<Locator> {
  await page.locator('.monaco-editor .view-line', { hasText: lineText }).first().waitFor({ timeout: 30_000 });
  // The middle of the word, measured in the rendered text (Monaco splits a line into token spans).
  const point = await page.evaluate(([wantedLine, wantedWord]) => {
    for (const line of Array.from(document.querySelectorAll('.monaco-editor .view-line'))) {
      if (!line.textContent?.includes(wantedLine)) continue;
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.textContent?.indexOf(wantedWord) ?? -1;
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(node, at + Math.floor(wantedWord.length / 2) - 1);
        range.setEnd(node, at + Math.floor(wantedWord.length / 2) + 1);
        const rect = range.getBoundingClientRect();
        return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2 };
      }
    }
    return undefined;
  }, [lineText, word] as const);
  if (!point) throw new Error(`${word} on a line with "${lineText}" is not rendered in the editor`);
  const hover = page.locator('.monaco-hover-content', { hasText: expected });
  for (let attempt = 0; attempt < 10 && !(await hover.isVisible()); attempt++) {
    await page.mouse.move(point.x, point.y + 200);
    await page.mouse.move(point.x, point.y, { steps: 3 });
    await hover.waitFor({ timeout: 3000 }).catch(() => undefined);
  }
  return hover;
}

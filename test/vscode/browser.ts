// Debian's Chromium driven by Playwright: the browser the VS Code layers run in.
import * as fs from 'node:fs';
import { Browser, chromium } from 'playwright-core';
import * as paths from './paths';

const chromiumFlags = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A headless Chromium with a fresh profile (Playwright gives every launch its own temporary user-data-dir). */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(paths.chromiumPath)) {
    throw new Error(`Chromium not found at ${paths.chromiumPath}: install it (apt-get install chromium) or set CNN_STUDIO_CHROMIUM`);
  }
  return chromium.launch({ executablePath: paths.chromiumPath, headless: true, args: chromiumFlags, timeout: 60_000 });
}

import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

// Debian's chromium package (`apt-get install chromium`; .ci/run installs it). Never a downloaded one.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS = path.resolve(import.meta.dirname, '../../../test-results');

/** Headless Chromium for the gateway's browser tests; fails with how to install it when missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium keeps dialling Google on this closed network.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A full-page screenshot under test-results/, checked to be a real render: a blank or error page is
 * a few KB, a rendered screen far more. Returns the file.
 */
export async function screenshot(page: Page, name: string, minBytes = 20_000): Promise<string> {
  const file = path.join(RESULTS, `${name}.png`);
  mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  const size = statSync(file).size;
  if (size < minBytes) throw new Error(`${file} is ${size} bytes: not a rendered screen`);
  return file;
}

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); playwright-core brings no browser of its own. */
export const chromiumPath = '/usr/bin/chromium';

/** Where each test's screenshot goes (gitignored). */
export const resultsDirectory = fileURLToPath(new URL('../test-results/', import.meta.url));

/**
 * Whether the browser suite runs: always in CI (where a missing Chromium must fail it), elsewhere only when
 * Chromium is installed, with a loud warning when it is not.
 */
export function browserSuiteRuns(): boolean {
  if (existsSync(chromiumPath) || process.env.CI === 'true') return true;
  console.warn(
    `\n${'!'.repeat(100)}\n!! SKIPPING the dashboard browser tests: ${chromiumPath} is missing. ` +
      `Install it with: apt-get install -y chromium\n${'!'.repeat(100)}\n`,
  );
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Saves a full-page screenshot as test-results/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDirectory, { recursive: true });
  const path = join(resultsDirectory, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

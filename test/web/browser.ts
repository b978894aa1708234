import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium; playwright-core drives it, and no browser is downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const ROOT_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOT_DIR = path.join(ROOT_DIR, 'test', 'output', 'screenshots');

/**
 * Returns a skip message when Chromium is not installed, or false when it is.
 * With CI=true a missing browser throws, so the run fails instead of skipping.
 */
export function skipUnlessChromium(): string | false {
  if (existsSync(CHROMIUM_PATH)) return false;
  const message = `${CHROMIUM_PATH} not found; install the Debian package with: apt-get install chromium`;
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true, so a missing browser fails the run)`);
  return message;
}

/** Builds the portal when its production build is missing or older than its sources. */
export function ensurePortalBuild(): void {
  const result = spawnSync(process.execPath, [path.join(ROOT_DIR, 'web', 'build.mjs'), '--if-stale'], { cwd: ROOT_DIR, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`building the portal failed with exit code ${result.status ?? result.signal}`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A browser context that records every console error and uncaught page error. */
export interface WatchedContext {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far, with the URL they happened on. */
  errors: string[];
}

export async function openWatchedContext(browser: Browser, baseURL: string, viewport = { width: 1280, height: 860 }): Promise<WatchedContext> {
  const context = await browser.newContext({ baseURL, viewport });
  context.setDefaultTimeout(20_000);
  const errors: string[] = [];
  context.on('page', (page) => watchPage(page, errors));
  const page = await context.newPage();
  watchPage(page, errors);
  return { context, page, errors };
}

const watched = new WeakSet<Page>();

function watchPage(page: Page, errors: string[]): void {
  if (watched.has(page)) return;
  watched.add(page);
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${page.url()}: console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`${page.url()}: page error: ${error.message}`));
}

/** Saves a full-page screenshot under test/output/screenshots for a person to look at. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * Debian's Chromium driven by playwright-core, as the browser suites use it:
 * headless, no sandbox (CI runs as root in a container), no GPU, no
 * background traffic. Screenshots go to `test-output/browser/`.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { openContext, type Context } from '../../src/cli/context.ts';
import { startPlatform, type Platform } from '../../src/serve/index.ts';
import { ROOT } from './project.ts';

export const CHROMIUM = process.env.POND_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'test-output', 'browser');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set POND_TEST_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** A page that fails the test on any uncaught error or console error of the UI. */
export async function openPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  return { page, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * The API and the UI of a project, served in this process without the
 * orchestrator (what is in the state stays as it is), and a page in
 * Chromium. `close` stops all of it and removes the project folder.
 */
export async function serveUi(
  dir: string,
  prepare?: (ctx: Context) => Promise<void>,
): Promise<{ ctx: Context; platform: Platform; browser: Browser; page: Page; errors: string[]; close(): Promise<void> }> {
  const ctx = await openContext({ project: dir });
  let platform: Platform | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await platform?.close();
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await prepare?.(ctx);
    platform = await startPlatform({ ctx, port: 0 });
    browser = await launchBrowser();
    const { page, errors } = await openPage(browser);
    return { ctx, platform, browser, page, errors, close };
  } catch (error) {
    await close();
    throw error;
  }
}

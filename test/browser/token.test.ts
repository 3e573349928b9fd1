/**
 * The web UI against a server with API tokens: the page asks for a token
 * instead of showing errors, a wrong one is refused, the right one opens the
 * overview, and "Forget token" asks again. The token stays in the tab's
 * sessionStorage, never in the URL.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { openContext, type Context } from '../../src/cli/context.ts';
import { startPlatform, type Platform } from '../../src/serve/index.ts';
import { apiProject } from '../helpers/api-project.ts';
import { launchBrowser, openPage, screenshot } from '../helpers/browser.ts';

const TOKEN = 'browser-test-token-0123456789';

describe('the web UI with API tokens', { timeout: 120_000 }, () => {
  let dir: string;
  let ctx: Context;
  let platform: Platform;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  before(async () => {
    dir = apiProject('127.0.0.1', `{ tokens: ['${TOKEN}'] }`);
    ctx = await openContext({ project: dir });
    platform = await startPlatform({ ctx, port: 0 });
    browser = await launchBrowser();
    ({ page, errors } = await openPage(browser));
  });

  after(async () => {
    await browser?.close();
    await platform?.close();
    await ctx?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for a token, refuses a wrong one and opens with the right one', async () => {
    await page.goto(`${platform.url}/#/`);
    await page.waitForSelector('h1 >> text=Token needed');
    await screenshot(page, 'token-needed');
    await page.fill('input[aria-label="token"]', 'not-the-token-at-all');
    await page.click('button:has-text("Use token")');
    await page.waitForSelector('h1 >> text=Token needed');
    await page.fill('input[aria-label="token"]', TOKEN);
    await page.click('button:has-text("Use token")');
    await page.waitForSelector('table[aria-label="freshness"] tbody tr[data-dataset="hourly"]');
    assert.ok(!page.url().includes(TOKEN), 'the token is not in the URL');
    await page.click('button:has-text("Forget token")');
    await page.waitForSelector('h1 >> text=Token needed');
  });

  it('logged only the refusals', () => {
    assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), []);
  });
});

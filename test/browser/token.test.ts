/**
 * The web UI against a server with API tokens: the page asks for a token
 * instead of showing errors, a wrong one is refused, the right one opens the
 * overview, and "Forget token" asks again. The token stays in the tab's
 * sessionStorage, never in the URL.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { apiProject } from '../helpers/api-project.ts';
import { screenshot, serveUi } from '../helpers/browser.ts';

const TOKEN = 'browser-test-token-0123456789';

describe('the web UI with API tokens', { timeout: 120_000 }, () => {
  let ui: Awaited<ReturnType<typeof serveUi>>;
  let page: Page;

  before(async () => {
    ui = await serveUi(apiProject('127.0.0.1', `{ tokens: ['${TOKEN}'] }`));
    page = ui.page;
  });

  after(() => ui?.close());

  it('asks for a token, refuses a wrong one and opens with the right one', async () => {
    await page.goto(`${ui.platform.url}/#/`);
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
    assert.deepEqual(
      ui.errors.filter((e) => !/status of 401/.test(e)),
      [],
    );
  });
});

/**
 * The privacy page in Chromium, against the example project with three data
 * subjects landed and built, and two datasets that raise its flags (served
 * in this process, without the orchestrator): the personal-data table says
 * what `GET /api/privacy` says, a reason with an email is refused with the
 * API's reason, and forgetting a subject takes two clicks, shows the request
 * in the audit log as `recorded`, then (once the request is advanced here,
 * as `pond up` would) as `rebuilding` with the partitions it waits for.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { advanceForgetting } from '../../src/lifecycle/index.ts';
import type { ErrorAnswer, ForgetAnswer, ForgetRequestDetail, ForgetRequestList, PrivacyReport } from '../../src/serve/api/index.ts';
import { screenshot, serveUi } from '../helpers/browser.ts';
import { pond } from '../helpers/project.ts';
import { shopWithSubjects } from '../helpers/shop-subjects.ts';

/** A dataset that reads users in clear and a TypeScript one whose classes are guessed: the page's two flags. */
const FLAGGED = `import { dataset } from 'pond';
import { userEvents, users } from './streams.ts';

export const userNames = dataset({
  name: 'user_names', inputs: { users }, partition: 'none', decrypt: ['users'],
  sql: 'select user_id, name, country from users',
});

export const loginMethods = dataset({
  name: 'login_methods', inputs: { e: userEvents }, partition: 'none',
  columns: { user_id: 'VARCHAR', method: 'VARCHAR' },
  async *transform({ inputs }) {
    for (const row of await inputs.e.all()) if (row.event_type === 'login') yield { user_id: row.user_id, method: row.method };
  },
});
`;

describe('the privacy page in Chromium', { timeout: 300_000 }, () => {
  const root = mkdtempSync(path.join(tmpdir(), 'pond-ui-privacy-'));
  let ui: Awaited<ReturnType<typeof serveUi>>;
  let page: Page;
  const api = async <T>(route: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
    const r = await fetch(`${ui.platform.url}/api/${route}`, init);
    return { status: r.status, body: (await r.json()) as T };
  };
  const forget = (subject: string, body: unknown) =>
    api<Partial<ErrorAnswer & ForgetAnswer>>(`subjects/${subject}/forget`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  before(async () => {
    const dir = shopWithSubjects(root, 'shop');
    writeFileSync(path.join(dir, 'pipelines', 'privacy_test.ts'), FLAGGED);
    const build = pond(dir, 'build');
    assert.equal(build.status, 0, build.stderr + build.stdout);
    ui = await serveUi(dir);
    page = ui.page;
  });

  after(async () => {
    await ui?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('lists every stream and dataset with personal data, as GET /api/privacy', async () => {
    const { status, body } = await api<PrivacyReport>('privacy');
    assert.equal(status, 200);
    assert.ok(
      body.personalData.some((n) => n.name === 'web_events' && n.kind === 'stream'),
      'web_events holds personal data',
    );
    assert.ok(
      body.personalData.some((n) => n.name === 'user_names' && n.decrypts.includes('users')),
      'user_names reads users in clear',
    );
    assert.ok(
      body.personalData.some((n) => n.name === 'login_methods' && n.unverified),
      'login_methods is unverified',
    );
    await page.goto(`${ui.platform.url}/#/privacy`);
    await page.waitForSelector('table[aria-label="personal data"] tbody tr');
    const rows = await page.$$eval('table[aria-label="personal data"] tbody tr', (trs) =>
      trs.map((tr) => ({
        name: tr.getAttribute('data-node'),
        link: tr.querySelector('a')?.getAttribute('href'),
        kind: tr.children[1]?.textContent,
        identifiers: [...tr.querySelectorAll('[data-class="identifier"] .chip')].map((c) => c.firstChild?.textContent?.trim()),
        personal: [...tr.querySelectorAll('[data-class="personal"] .chip')].map((c) => c.firstChild?.textContent?.trim()),
        flags: [...tr.querySelectorAll('.badge')].map((b) => b.textContent),
      })),
    );
    assert.deepEqual(
      rows,
      body.personalData.map((n) => ({
        name: n.name,
        link: `#/datasets/${n.name}`,
        kind: n.kind,
        identifiers: n.columns.filter((c) => c.class === 'identifier').map((c) => c.column),
        personal: n.columns.filter((c) => c.class === 'personal').map((c) => c.column),
        flags: [...(n.unverified ? ['unverified'] : []), ...(n.decrypts.length > 0 ? ['reads in clear'] : [])],
      })),
    );
    assert.equal(await page.getAttribute('nav a[href="#/privacy"]', 'aria-current'), 'page');
  });

  it('shows the reason the API refuses a reason with an email', async () => {
    const refused = await forget('user-ada', { reason: 'asked by mail from someone@mail.example' });
    assert.equal(refused.status, 400);
    await page.fill('input[aria-label="subject"]', 'user-ada');
    await page.fill('input[aria-label="reason"]', 'asked by mail from someone@mail.example');
    await page.click('form[aria-label="forget a data subject"] button[type="submit"]');
    // The first click only arms the button; nothing is sent yet.
    await page.waitForSelector('button:has-text("Forget user-ada for good")');
    assert.equal((await api<ForgetRequestList>('forget-requests')).body.requests.length, 0);
    await page.click('button:has-text("Forget user-ada for good")');
    const error = await page.waitForSelector('[role="alert"]:has-text("The request was refused")');
    assert.ok((await error.textContent())?.includes(refused.body.error ?? '(no error)'), (await error.textContent()) ?? '');
    assert.equal((await api<ForgetRequestList>('forget-requests')).body.requests.length, 0, 'nothing recorded');
  });

  it('forgets a subject after a second click, and follows the request in the audit log', async () => {
    const reason = 'GDPR art. 17 request, ticket 4711';
    await page.fill('input[aria-label="reason"]', reason);
    await page.fill('input[aria-label="requested by"]', 'the DPO');
    await page.click('form[aria-label="forget a data subject"] button[type="submit"]');
    await page.click('button:has-text("Forget user-ada for good")');
    const notice = await page.waitForSelector('[role="status"]:has-text("Recorded")');
    const id = /fgt_\w+/.exec((await notice.textContent()) ?? '')?.[0];
    assert.ok(id, 'the notice names the request');

    // Nothing runs the orchestrator here: the request stays recorded, its key already deleted.
    const recorded = await api<ForgetRequestDetail>(`forget-requests/${id}`);
    assert.equal(recorded.status, 200);
    assert.equal(recorded.body.request.status, 'recorded');
    assert.equal(recorded.body.request.hadKey, true, 'user-ada had a key, now deleted');
    assert.equal(recorded.body.request.reason, reason);
    assert.equal(recorded.body.request.requestedBy, 'the DPO');
    const row = `table[aria-label="forget requests"] tr[data-request="${id}"]`;
    await page.waitForSelector(`${row}[data-status="recorded"]`);
    assert.equal(await page.textContent(`${row} .badge`), 'recorded');

    // What `pond up` does within seconds: find the partitions that hold the subject and mark them for rebuilding.
    await advanceForgetting(ui.ctx);
    const rebuilding = (await api<ForgetRequestDetail>(`forget-requests/${id}`)).body.request;
    assert.equal(rebuilding.status, 'rebuilding');
    assert.ok(rebuilding.waiting.length > 0, 'derived partitions wait for their rebuild');
    // The page polls while a request is not done.
    await page.waitForSelector(`${row}[data-status="rebuilding"] [aria-label="waiting partitions"]`, { timeout: 10_000 });
    const waiting = await page.$$eval(`${row} [aria-label="waiting partitions"] .chip`, (chips) => chips.map((c) => c.textContent));
    assert.deepEqual(waiting, rebuilding.waiting);
    await screenshot(page, 'privacy');
  });

  it('logged no errors but the refusal', () => {
    assert.deepEqual(
      ui.errors.filter((e) => !/status of 400/.test(e)),
      [],
    );
  });
});

/**
 * `pond forget`, end to end on a copy of examples/shop (issue 6, "Done
 * when" item 2): two users' events land encrypted, every dataset is built,
 * then one user is forgotten. After the rebuilds it triggers, no stream,
 * dataset or dead letter view returns anything of that user — not the clear
 * id, the email, the name, nor the pseudonym — while the other user's rows
 * stay; the raw files are byte for byte the ones that were there before;
 * the versions that held the user are gone; and the audit log records the
 * request without personal data. A later event of the forgotten user lands
 * without its identifiers.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { openContext } from '../src/cli/context.ts';
import { ndjson, pond, pondJson, startUp } from './helpers/project.ts';
import { LATER, loadEvents, pseudonymOf, shopWithSubjects } from './helpers/shop-subjects.ts';

const root = mkdtempSync(path.join(tmpdir(), 'pond-forget-'));
after(() => rmSync(root, { recursive: true, force: true }));

function shop(name: string, config?: (text: string) => string): string {
  const dir = shopWithSubjects(root, name, config);
  const build = pond(dir, 'build');
  assert.equal(build.status, 0, build.stderr + build.stdout);
  return dir;
}

/** Every file under the lake's raw/ and dead-letter/ folders, with the sha-256 of its bytes. */
function rawFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const area of ['raw', 'dead-letter']) {
    const base = path.join(dir, '.pond/lake', area);
    for (const entry of readdirSync(base, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.join(entry.parentPath, entry.name);
      out.set(path.relative(base, file), createHash('sha256').update(readFileSync(file)).digest('hex'));
    }
  }
  return out;
}

/** How many rows of each stream, dataset and `dead_letters` contain `needle` anywhere (the whole row as text). */
function hits(dir: string, needle: string): Record<string, number> {
  const status = pondJson<{ streams: { stream: string }[]; datasets: { dataset: string }[] }>(dir, 'status', '--json');
  const names = [...status.streams.map((s) => s.stream), ...status.datasets.map((d) => d.dataset), 'dead_letters'];
  const sql = names.map((n) => `select '${n}' as name, count(*)::int as n from ${n} where ${n}::varchar ilike '%${needle}%'`).join(' union all ');
  const r = pond(dir, 'query', sql, '--format', 'json');
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as { name: string; n: number }[];
  return Object.fromEntries(rows.filter((r) => r.n > 0).map((r) => [r.name, r.n]));
}

describe('pond forget', () => {
  it('leaves no current version of any dataset with the subject, keeps the raw files, and logs the request', { timeout: 600_000 }, async () => {
    const dir = shop('anonymize');
    const ada = await pseudonymOf(dir, 'user-ada');
    const bob = await pseudonymOf(dir, 'user-bob');
    const before = hits(dir, ada);
    assert.ok(Object.keys(before).length >= 4, `ada's pseudonym is in the streams and datasets before: ${JSON.stringify(before)}`);
    assert.ok(before.clean_logins && before.purchase_items, JSON.stringify(before));
    const raw = rawFiles(dir);

    const refused = pond(dir, 'forget', 'user-ada', '--reason', 'request from user-ada');
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /reason contains the data subject/);

    const forget = pondJson<{ requests: { id: string; status: string; partitions: number; rebuilt: number; rawPartitions: number; hadKey: boolean }[] }>(
      dir,
      'forget',
      'user-ada',
      '--reason',
      'GDPR art. 17 request, ticket 4711',
      '--by',
      'dpo',
      '--json',
    );
    const [request] = forget.requests;
    assert.ok(request);
    assert.equal(request.status, 'rebuilding');
    assert.equal(request.hadKey, true);
    assert.ok(request.rawPartitions >= 3, `raw partitions of web_events, user_events, users: ${request.rawPartitions}`);
    assert.ok(request.partitions > 0 && request.rebuilt === 0, JSON.stringify(request));

    // Readers stop seeing the subject at once; the derived versions still hold it until rebuilt.
    const pending = hits(dir, ada);
    for (const stream of ['web_events', 'user_events', 'users', 'dead_letters'])
      assert.equal(pending[stream], undefined, `${stream} no longer shows ada: ${JSON.stringify(pending)}`);
    assert.ok(pending.clean_logins, 'derived datasets hold ada until they are rebuilt');

    const build = pond(dir, 'build');
    assert.equal(build.status, 0, build.stderr + build.stdout);
    assert.match(build.stdout, /Completed 1 forget request/);

    for (const needle of [ada, 'user-ada', 'ada@mail.example', 'Ada L', 'dev-ada']) assert.deepEqual(hits(dir, needle), {}, `nothing returns ${needle}`);
    const bobHits = hits(dir, bob);
    assert.ok(bobHits.clean_logins && bobHits.purchase_items && bobHits.user_events, `bob is still there: ${JSON.stringify(bobHits)}`);
    // Anonymized, not dropped (privacy.forgotten: 'anonymize'): ada's events are still read, without who and what is personal.
    const anonymous = JSON.parse(
      pond(dir, 'query', 'select event_type, user_id, device_id, _raw from user_events where user_id is null order by time_utc', '--format', 'json').stdout,
    ) as Record<string, unknown>[];
    assert.deepEqual(anonymous, [
      { event_type: 'login', user_id: null, device_id: null, _raw: null },
      { event_type: 'button_pressed', user_id: null, device_id: null, _raw: null },
    ]);

    assert.deepEqual(rawFiles(dir), raw, 'the raw lake is unchanged, file for file');

    const status = pondJson<{ requests: Record<string, unknown>[] }>(dir, 'forget', '--status', '--json');
    assert.equal(status.requests.length, 1);
    assert.equal(status.requests[0]?.status, 'done');
    assert.equal(status.requests[0]?.requestedBy, 'dpo');
    assert.equal(status.requests[0]?.reason, 'GDPR art. 17 request, ticket 4711');
    assert.equal(status.requests[0]?.rebuilt, status.requests[0]?.partitions);
    const log = JSON.stringify(status);
    for (const personal of ['user-ada', 'ada@mail', 'Ada']) assert.ok(!log.includes(personal), `the audit log holds no ${personal}`);
    assert.equal(pondJson<{ requests: unknown[] }>(dir, 'forget', '--status', 'user-ada', '--json').requests.length, 1, 'found by subject');

    // The versions that held ada are deleted.
    const ctx = await openContext({ project: dir }, { readOnly: true });
    try {
      const held = await ctx.state.forgetPartitions(request.id);
      assert.ok(held.length > 0);
      for (const p of held) if (p.versionId) assert.equal(await ctx.state.getVersion(p.versionId), undefined, `${p.dataset} ${p.key} ${p.versionId} deleted`);
    } finally {
      await ctx.close();
    }

    // A later event of ada lands anonymized: no raw file gains her pseudonym.
    const count = (needle: string) => {
      const r = pond(
        dir,
        'query',
        `select count(*)::int as n from read_parquet('${dir}/.pond/lake/raw/web_events/**/*.parquet', union_by_name = true) t where t::varchar like '%${needle}%'`,
        '--format',
        'json',
      );
      assert.equal(r.status, 0, r.stderr);
      return (JSON.parse(r.stdout) as { n: number }[])[0]?.n ?? -1;
    };
    const inFiles = count(ada);
    assert.ok(inFiles > 0, 'her old raw rows are still in the files (crypto-shredded)');
    loadEvents(
      dir,
      'web_events',
      [{ type: 'page', messageId: 'm-ada-late', userId: 'user-ada', timestamp: LATER, name: 'Late', traits: { email: 'ada@mail.example' } }],
      'late',
    );
    assert.equal(count(ada), inFiles);
    assert.equal(count('ada@mail'), 0);
    const late = pond(dir, 'query', `select "userId", traits, name from web_events where "messageId" = 'm-ada-late'`, '--format', 'json');
    assert.equal(late.status, 0, late.stderr);
    assert.deepEqual(JSON.parse(late.stdout), [{ userId: null, traits: null, name: 'Late' }]);
  });

  it(
    "drops a forgotten subject's events under privacy.forgotten 'drop', forgotten through the data API of a running pond up",
    { timeout: 600_000 },
    async () => {
      const dir = shop('drop', (text) => text.replace("name: 'shop',", "name: 'shop',\n  privacy: { forgotten: 'drop' },"));
      const ada = await pseudonymOf(dir, 'user-ada');
      assert.ok(hits(dir, ada).clean_logins);
      const up = startUp(dir);
      try {
        const url = await up.url;
        const post = (body: unknown) =>
          fetch(`${url}/api/subjects/user-ada/forget`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        const refused = await post({ reason: 'asked by ada@mail.example' });
        assert.equal(refused.status, 400);
        assert.match(((await refused.json()) as { error: string }).error, /email address/);
        assert.equal((await post({})).status, 400);

        const accepted = await post({ reason: 'GDPR art. 17 request, ticket 4712' });
        assert.equal(accepted.status, 202);
        const { request } = (await accepted.json()) as { request: { id: string; status: string; requestedBy: string } };
        assert.equal(request.status, 'recorded');
        assert.equal(request.requestedBy, 'data API (no token)');
        assert.equal(accepted.headers.get('location'), `/api/forget-requests/${request.id}`);

        // pond up marks what held ada, rebuilds it and completes the request.
        let status = '';
        for (let i = 0; i < 120 && status !== 'done'; i++) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          const got = (await (await fetch(`${url}/api/forget-requests/${request.id}`)).json()) as { request: { status: string } };
          status = got.request.status;
        }
        assert.equal(status, 'done', up.output());
        const list = (await (await fetch(`${url}/api/forget-requests?status=done`)).json()) as { requests: { id: string }[] };
        assert.deepEqual(
          list.requests.map((r) => r.id),
          [request.id],
        );
      } finally {
        up.proc.kill('SIGTERM');
        await new Promise((resolve) => up.proc.once('exit', resolve));
      }

      for (const needle of [ada, 'user-ada', 'ada@mail.example', 'dev-ada']) assert.deepEqual(hits(dir, needle), {}, `nothing returns ${needle}`);
      // Dropped, not anonymized: bob's two events and carol's one are all that user_events shows.
      const events = JSON.parse(pond(dir, 'query', 'select count(*)::int as n, count(user_id)::int as named from user_events', '--format', 'json').stdout) as {
        n: number;
        named: number;
      }[];
      assert.deepEqual(events, [{ n: 3, named: 3 }]);
      // A later event of ada is left out.
      const file = path.join(dir, 'late.ndjson');
      writeFileSync(file, ndjson([{ event_type: 'login', user_id: 'user-ada', device_id: 'dev-ada', time_utc: LATER, method: 'sso' }]));
      const late = pond(dir, 'load', 'user_events', file);
      assert.equal(late.status, 0, late.stderr);
      assert.match(late.stdout, /1 belonged to forgotten data subjects and were left out/);
    },
  );

  it('takes up a request recorded before a crash: the next build marks, rebuilds and completes it', { timeout: 600_000 }, async () => {
    const dir = shop('crash');
    const ada = await pseudonymOf(dir, 'user-ada');
    // Step 1 alone, as a process killed right after its transaction leaves it.
    const ctx = await openContext({ project: dir });
    try {
      const [request] = await ctx.state.recordForgetRequests([
        { id: 'fgt_crash', pseudonym: ada, requestedAt: Date.now(), requestedBy: 'dpo', reason: 'ticket 3' },
      ]);
      assert.equal(request?.status, 'recorded');
    } finally {
      await ctx.close();
    }
    const waiting = pondJson<{ requests: { status: string }[] }>(dir, 'forget', '--status', '--json');
    assert.deepEqual(
      waiting.requests.map((r) => r.status),
      ['recorded'],
    );
    const build = pond(dir, 'build');
    assert.equal(build.status, 0, build.stderr + build.stdout);
    assert.match(build.stdout, /Completed 1 forget request/);
    assert.deepEqual(hits(dir, ada), {});
  });
});

/**
 * `pond forget --verify` and forgetting twice (issue 13, parts 4 and 5), on a
 * copy of examples/shop with three subjects. Two leaks are planted where no
 * reader looks: Ada's clear id in a Segment messageId (as the example's
 * generator used to make them) and in a derived dataset that selects it as a
 * literal (in a plain and a nested column), and Ada's pseudonym in that
 * dataset too. After Ada and Bob are forgotten, the verification recorded
 * at completion (by pseudonym only) finds the planted pseudonym and nothing
 * of Bob; `--verify` finds the clear id in each place, naming the stream or
 * dataset, partition, version and column, never the id, and exits 1; Bob's
 * verification finds nothing and exits 0. Forgetting Ada again answers with
 * her request and rebuilds nothing, through the CLI and the data API.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import Fastify from 'fastify';
import { openContext } from '../src/cli/context.ts';
import { apiRoutes } from '../src/serve/api/index.ts';
import { pond, pondJson } from './helpers/project.ts';
import { HOUR, loadEvents, pseudonymOf, shopWithSubjects } from './helpers/shop-subjects.ts';

const root = mkdtempSync(path.join(tmpdir(), 'pond-forget-verify-'));
after(() => rmSync(root, { recursive: true, force: true }));

interface Finding {
  area: string;
  name: string;
  dataset: string | null;
  key: string | null;
  versionId: string | null;
  column: string;
  value: string;
  rows: number;
}
interface Verification {
  verifiedAt: string;
  lookedFor: string;
  nothingLeft: boolean;
  total: number;
  findings: Finding[];
  error: string | null;
}
interface RequestJson {
  id: string;
  pseudonym: string;
  status: string;
  rawPartitions: number;
  verification: Verification | null;
  alreadyForgotten: boolean;
}
interface VerifyJson {
  subjects: (Verification & { pseudonym: string; request: string | null; rows: number })[];
}

/** A dataset that copies what no schema declares: Ada's clear id (plain and nested) and her pseudonym, as literals; and a check that samples them. */
function plantDataset(dir: string, pseudonym: string): void {
  writeFileSync(
    path.join(dir, 'pipelines/contact-notes.ts'),
    `import { check, dataset } from 'pond';
import { userEvents } from './streams.ts';

export const contactNotes = dataset({
  name: 'contact_notes',
  inputs: { user_events: userEvents },
  // Fails on every row: its failing-row sample in the state database copies them.
  checks: [check.acceptedValues('note', ['none'], { severity: 'warn' })],
  sql: \`select time_utc, 'call back user-ada today' as note, {'who': {'id': 'USER-ADA'}} as nested, '${pseudonym}' as ref, 'user-adams' as other from user_events where event_type = 'login'\`,
});
`,
  );
}

describe('pond forget --verify', () => {
  it(
    'records a verification by pseudonym at completion, reports planted leaks by place, finds nothing where nothing is left, and forgets a subject once',
    { timeout: 900_000 },
    async () => {
      const dir = shopWithSubjects(root, 'verify');
      const ada = await pseudonymOf(dir, 'user-ada');
      // The example's old messageIds: the clear id in messageId and _message_id, beside the pseudonym.
      loadEvents(
        dir,
        'web_events',
        [{ type: 'page', messageId: `web-user-ada-1795134061925-page`, userId: 'user-ada', timestamp: `${HOUR}:10:00Z`, name: 'Home' }],
        'old-ids',
      );
      plantDataset(dir, ada);
      const build = pond(dir, 'build');
      assert.equal(build.status, 0, build.stderr + build.stdout);

      // Not forgotten yet: its pseudonym is in the derived datasets, which is where its data is.
      const before = pond(dir, 'forget', '--verify', 'user-bob', '--json');
      assert.equal(before.status, 1, before.stderr);
      const [bobBefore] = (JSON.parse(before.stdout) as VerifyJson).subjects;
      assert.equal(bobBefore?.request, null);
      assert.ok(
        bobBefore?.findings.some((f) => f.area === 'dataset' && f.name === 'clean_logins' && f.column === 'user_id' && f.value === 'pseudonym'),
        JSON.stringify(bobBefore?.findings),
      );

      const forget = pondJson<{ requests: RequestJson[] }>(
        dir,
        'forget',
        'user-ada',
        'user-bob',
        '--reason',
        'GDPR art. 17 request, ticket 4711',
        '--by',
        'dpo',
      );
      const [adaRequest, bobRequest] = forget.requests;
      assert.ok(adaRequest && bobRequest);
      assert.deepEqual([adaRequest.alreadyForgotten, bobRequest.alreadyForgotten, adaRequest.verification], [false, false, null]);
      const rebuild = pond(dir, 'build');
      assert.equal(rebuild.status, 0, rebuild.stderr + rebuild.stdout);
      assert.match(rebuild.stdout, /Completed 2 forget requests/);

      // Completion verified both by pseudonym: Ada's planted pseudonym is found, nothing of Bob.
      const completed = new Map(pondJson<{ requests: RequestJson[] }>(dir, 'forget', '--status').requests.map((r) => [r.id, r]));
      const adaDone = completed.get(adaRequest.id)?.verification;
      const bobDone = completed.get(bobRequest.id)?.verification;
      assert.equal(bobDone?.lookedFor, 'pseudonym');
      assert.equal(bobDone?.nothingLeft, true, JSON.stringify(bobDone));
      assert.equal(adaDone?.lookedFor, 'pseudonym');
      assert.equal(adaDone?.nothingLeft, false);
      const planted = (f: Finding) => `${f.area} ${f.name} ${f.dataset ?? ''} ${f.column} ${f.value}`;
      assert.deepEqual(
        [...new Set(adaDone?.findings.map(planted))].sort(),
        ['dataset contact_notes  ref pseudonym', 'state check_results contact_notes sample_json pseudonym'],
        'only the planted pseudonym and the check sample that copied it: the raw identifier columns and ciphertexts that keep it are expected',
      );
      assert.equal(
        adaDone?.findings.filter((f) => f.area === 'dataset').reduce((n, f) => n + f.rows, 0),
        2,
        "one row per login of the hour built (Ada's and Bob's, anonymized)",
      );
      const statusText = pond(dir, 'forget', '--status');
      assert.equal(statusText.status, 0);
      assert.match(statusText.stdout, /nothing left/);
      assert.match(statusText.stdout, /\d+ findings? /);

      // Nothing of Bob is left: exit 0, recorded with his request.
      const clean = pond(dir, 'forget', '--verify', 'user-bob');
      assert.equal(clean.status, 0, clean.stdout + clean.stderr);
      assert.match(clean.stdout, /nothing left/);
      assert.match(clean.stdout, new RegExp(`Recorded with request ${bobRequest.id}`));

      // Ada's clear id is found in each planted place, with the place and never the id.
      const leak = pond(dir, 'forget', '--verify', 'user-ada', '--json');
      assert.equal(leak.status, 1, leak.stderr);
      assert.ok(!leak.stdout.toLowerCase().includes('user-ada'), 'the report never holds the clear id');
      const [found] = (JSON.parse(leak.stdout) as VerifyJson).subjects;
      assert.ok(found);
      assert.equal(found.request, adaRequest.id);
      assert.equal(found.lookedFor, 'clear identifier and pseudonym');
      const places = (area: string, name: string, value: string) => found.findings.filter((f) => f.area === area && f.name === name && f.value === value);
      const web = places('stream', 'web_events', 'clear identifier');
      assert.deepEqual(web.map((f) => f.column).sort(), ['_message_id', 'messageId']);
      for (const f of web) {
        assert.equal(f.rows, 1);
        assert.equal(f.key, '2026-11-24T10:00Z/PT1H');
        assert.ok(f.versionId);
      }
      const notes = places('dataset', 'contact_notes', 'clear identifier');
      assert.deepEqual([...new Set(notes.map((f) => f.column))].sort(), ['nested', 'note'], 'a whole word, in any case, nested too; not inside user-adams');
      assert.equal(
        notes.filter((f) => f.column === 'note').reduce((n, f) => n + f.rows, 0),
        2,
      );
      assert.ok(notes.every((f) => f.key !== null && f.versionId !== null));
      assert.deepEqual([...new Set(places('dataset', 'contact_notes', 'pseudonym').map((f) => f.column))], ['ref']);
      assert.ok(
        places('state', 'check_results', 'clear identifier').some((f) => f.column === 'sample_json' && f.dataset === 'contact_notes' && f.versionId !== null),
        'the failing-row sample of the check',
      );
      assert.equal(
        found.findings.filter((f) => f.area === 'stream' && f.value === 'pseudonym').length,
        0,
        'the pseudonym in identifier columns and ciphertexts of the raw lake is expected',
      );
      assert.equal(found.findings.filter((f) => f.area === 'dead-letter').length, 0);

      const text = pond(dir, 'forget', '--verify', 'user-ada');
      assert.equal(text.status, 1);
      assert.ok(!text.stdout.toLowerCase().includes('user-ada'));
      assert.match(text.stdout, /stream web_events\s+2026-11-24T10:00Z\/PT1H\s+\S+\s+messageId\s+the clear identifier\s+1/);
      assert.match(text.stdout, /dataset contact_notes .* note\s+the clear identifier/);

      const recorded = pondJson<{ requests: RequestJson[] }>(dir, 'forget', '--status', 'user-ada').requests[0]?.verification;
      assert.equal(recorded?.lookedFor, 'clear identifier and pseudonym');
      assert.equal(recorded?.total, found.total);

      // Forgetting Ada again: her request, nothing recorded or rebuilt.
      const ctx = await openContext({ project: dir }, { readOnly: true });
      const seqs = async () => [...(await ctx.state.partitionColumns('user_events')).currentSeq];
      try {
        const seqBefore = await seqs();
        const again = pond(dir, 'forget', 'user-ada', '--reason', 'GDPR art. 17 request, ticket 4712');
        assert.equal(again.status, 0, again.stderr);
        assert.match(
          again.stdout,
          new RegExp(`Already forgotten by request ${adaRequest.id} on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d \\(status done, completed `),
        );
        assert.doesNotMatch(again.stdout, /never will get a key/);
        assert.deepEqual(await seqs(), seqBefore, 'no raw partition is marked changed again: nothing is rebuilt');
        const json = pondJson<{ requests: RequestJson[] }>(dir, 'forget', 'user-ada', 'user-carol', '--reason', 'ticket 4713');
        assert.deepEqual(
          json.requests.map((r) => [r.id === adaRequest.id, r.alreadyForgotten]),
          [
            [true, true],
            [false, false],
          ],
        );
        const requests = pondJson<{ requests: RequestJson[] }>(dir, 'forget', '--status').requests;
        assert.equal(requests.filter((r) => r.pseudonym === ada).length, 1);
        assert.equal(requests.length, 3);

        // The data API answers the same: 200, the earlier request, alreadyForgotten.
        const app = Fastify();
        await app.register(await apiRoutes({ project: ctx.project, state: ctx.state, lake: ctx.lake, keyRing: ctx.keyRing }));
        try {
          const post = await app.inject({ method: 'POST', url: '/api/subjects/user-ada/forget', payload: { reason: 'ticket 4714' } });
          assert.equal(post.statusCode, 200, post.body);
          const body = post.json<{ request: RequestJson; alreadyForgotten: boolean }>();
          assert.deepEqual([body.alreadyForgotten, body.request.id, body.request.alreadyForgotten], [true, adaRequest.id, true]);
          assert.equal(post.headers.location, `/api/forget-requests/${adaRequest.id}`);
          const got = await app.inject({ method: 'GET', url: `/api/forget-requests/${adaRequest.id}` });
          const shown = got.json<{ request: RequestJson }>().request.verification;
          assert.equal(shown?.lookedFor, 'clear identifier and pseudonym');
          assert.equal(shown?.nothingLeft, false);
          assert.ok(!got.body.toLowerCase().includes('user-ada'));
          assert.equal((await ctx.state.forgetRequests({ pseudonym: ada })).length, 1);
        } finally {
          await app.close();
        }
      } finally {
        await ctx.close();
      }
    },
  );

  it('refuses bad arguments with exit 2', () => {
    const dir = path.join(root, 'verify');
    for (const args of [['--verify'], ['--verify', '--status', 'user-ada'], ['--verify', 'user-ada', '--reason', 'ticket 1'], ['--verify', ' ']]) {
      const r = pond(dir, 'forget', ...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    }
  });
});

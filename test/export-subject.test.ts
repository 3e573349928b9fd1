/**
 * `pond export-subject`, end to end on a copy of examples/shop: events of two
 * users (a user id, a device id, an email in Segment traits, a name in a
 * profile) land through `pond load`, the datasets that keep the user id are
 * built, and the export of one user holds their events decrypted (the clear
 * user id inside `_raw`), their dead letter, the derived rows by pseudonym —
 * and nothing of the other user. Then: an unknown subject, `--out`, and a
 * forgotten subject.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import type { SubjectExport } from '../src/privacy/index.ts';
import { pond } from './helpers/project.ts';
import { HOUR, shopWithSubjects, webEvents } from './helpers/shop-subjects.ts';

const root = mkdtempSync(path.join(tmpdir(), 'pond-export-'));
after(() => rmSync(root, { recursive: true, force: true }));

function shop(): string {
  const dir = shopWithSubjects(root, 'shop');
  const build = pond(dir, 'build', 'clean_logins', 'purchase_items', '--from', `${HOUR}:00:00Z`, '--to', `${HOUR}:30:00Z`);
  assert.equal(build.status, 0, build.stderr);
  return dir;
}

function exportOf(dir: string, subject: string, ...args: string[]): { doc: SubjectExport; stderr: string } {
  const r = pond(dir, 'export-subject', subject, ...args);
  assert.equal(r.status, 0, r.stderr);
  return { doc: JSON.parse(r.stdout) as SubjectExport, stderr: r.stderr };
}

type Row = Record<string, unknown>;
const section = (list: SubjectExport['streams'], name: string): readonly Row[] => list.find((s) => s.name === name)?.rows ?? [];

describe('pond export-subject', () => {
  it("exports one subject's events, dead letters and derived rows, decrypted, and nothing of anyone else", { timeout: 300_000 }, async () => {
    const dir = shop();
    const { doc: ada, stderr } = exportOf(dir, 'user-ada');
    const { doc: bob } = exportOf(dir, 'user-bob');
    assert.equal(ada.subject, 'user-ada');
    assert.equal(ada.status, 'active');
    assert.match(ada.pseudonym, /^ps_[A-Za-z0-9_-]{22}$/);
    assert.notEqual(ada.pseudonym, bob.pseudonym);
    assert.ok(!Number.isNaN(Date.parse(ada.exportedAt)));
    assert.ok(ada.notes.some((n) => n.includes(ada.pseudonym) && /pseudonym/.test(n)));
    assert.match(stderr, /Exported 5 stream rows, 1 dead letter, 3 dataset rows about "user-ada"/);

    // Streams: personal fields decrypted, identifiers as pseudonyms, `_raw` the event as received.
    const web = section(ada.streams, 'web_events');
    assert.deepEqual(
      web.map((r) => r.messageId),
      ['m-ada-1', 'm-ada-2'],
    );
    assert.deepEqual(web[0]?.traits, { email: 'ada@mail.example', name: 'Ada L' });
    assert.equal(web[0]?.userId, ada.pseudonym);
    assert.deepEqual(
      web.map((r) => JSON.parse(r._raw as string).userId),
      ['user-ada', 'user-ada'],
    );
    const profile = section(ada.streams, 'users');
    assert.deepEqual(
      profile.map((r) => r.name),
      ['Ada Lovelace'],
    );
    const app = section(ada.streams, 'user_events');
    assert.deepEqual(
      app.map((r) => r.event_type),
      ['login', 'button_pressed'],
    );
    assert.ok(app.every((r) => r.user_id === ada.pseudonym && JSON.parse(r._raw as string).device_id === 'dev-ada'));
    assert.deepEqual(ada.counts.streams, { user_events: 2, users: 1, web_events: 2 });

    // Dead letters: the one that names Ada, decrypted.
    const dead = section(ada.deadLetters, 'web_events');
    assert.equal(dead.length, 1);
    assert.deepEqual(JSON.parse(dead[0]?._raw as string), webEvents[3]);
    assert.deepEqual(ada.counts.deadLetters, { user_events: 0, users: 0, web_events: 1 });

    // Datasets: the derived rows, by pseudonym.
    assert.deepEqual(ada.counts.datasets, { clean_purchases: 1, purchase_items: 1, clean_logins: 1 });
    assert.deepEqual(
      section(ada.datasets, 'clean_logins').map((r) => [r.user_id, r.method]),
      [[ada.pseudonym, 'sso']],
    );
    const items = section(ada.datasets, 'purchase_items');
    assert.deepEqual(
      items.map((r) => [r.user_id, r.sku, r.plan]),
      [[ada.pseudonym, 'LED-4PK', 'pro']],
    );
    assert.deepEqual(
      section(ada.datasets, 'clean_purchases').map((r) => r.user_id),
      [ada.pseudonym],
    );

    // Nothing of Bob's (nor Carol's) is in Ada's export.
    const text = JSON.stringify(ada);
    for (const other of ['user-bob', 'bob@mail.example', 'Bob K', 'dev-bob', 'COF-1KG', bob.pseudonym, 'user-carol', 'm-carol-1', 'Carol Shaw'])
      assert.equal(text.includes(other), false, `${other} is in Ada's export`);
    assert.deepEqual(
      section(bob.streams, 'web_events').map((r) => (r.traits as Row).email),
      ['bob@mail.example'],
    );

    // An unknown subject: exit 0, status unknown, empty sections (and a quote does not break the SQL).
    for (const subject of ['user-nobody', "x' or '1'='1"]) {
      const { doc: none, stderr: said } = exportOf(dir, subject);
      assert.equal(none.status, 'unknown');
      assert.deepEqual([none.streams, none.deadLetters, none.datasets], [[], [], []]);
      assert.match(said, /is unknown to Pond/);
    }

    // --out: the same document in a file readable by its owner only; nothing on stdout.
    const out = path.join(root, 'ada.json');
    const written = pond(dir, 'export-subject', 'user-ada', '--out', out);
    assert.equal(written.status, 0, written.stderr);
    assert.equal(written.stdout, '');
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const fromFile = JSON.parse(readFileSync(out, 'utf8')) as SubjectExport;
    assert.deepEqual(fromFile.counts, ada.counts);

    // Forgotten: readers no longer see her raw rows; the derived rows that still name her pseudonym are exported until they are rebuilt.
    const forget = pond(dir, 'forget', 'user-ada', '--reason', 'GDPR art. 17 request, ticket 1');
    assert.equal(forget.status, 0, forget.stderr);
    const { doc: gone, stderr: goneSaid } = exportOf(dir, 'user-ada');
    assert.equal(gone.status, 'forgotten');
    assert.deepEqual(gone.streams, []);
    assert.deepEqual(gone.deadLetters, []);
    assert.deepEqual(
      gone.datasets.map((d) => [d.name, d.count]),
      ada.datasets.map((d) => [d.name, d.count]),
    );
    assert.equal(JSON.stringify(gone).includes('ada@mail.example'), false);
    assert.match(goneSaid, /was forgotten/);
    const rebuilt = pond(dir, 'build');
    assert.equal(rebuilt.status, 0, rebuilt.stderr);
    assert.deepEqual(exportOf(dir, 'user-ada').doc.datasets, []);
    assert.deepEqual(exportOf(dir, 'user-bob').doc.counts, bob.counts);
  });
});

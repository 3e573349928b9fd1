/**
 * The scenario of the forensic forgetting tests (issue 13): a copy of
 * examples/shop with sinks on datasets that carry pseudonyms (SQLite for
 * clean_logins, CSV files for purchase_items, beside the example's own SQLite
 * sink of daily_sales); Ada, Bob and Carol's events (test/helpers/shop-subjects.ts)
 * and 40 other visitors' page views, sent to a running `pond up` as Segment
 * and native calls, with an invalid event of Ada's on each path (dead
 * letters); everything built and published;
 * then a late login of Ada's in the old hour, so that partitions of that hour
 * are rebuilt and their first versions superseded. `forgetAda()` forgets her
 * while `pond up` runs, sends it two more of her events, waits for the
 * request to be done, stops `pond up` and runs `pond gc --grace 0s`.
 *
 * Every wait has a deadline; `stop()` ends the `pond up` this started, by its
 * process, and is safe to call twice.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, pond, pondJson, startUp, until } from './project.ts';
import { HOUR, LATER, userEvents, users, webEvents } from './shop-subjects.ts';
import { filesUnder, forensicScan, type Finding, type ForensicScanOptions, type ForensicScanResult } from './forensic-scan.ts';
import { decryptCiphertext, pseudonymOf } from './forensic-keys.ts';

export const FORGET_REASON = 'GDPR art. 17, ticket 1';
/** What of Ada's must not be found after she is forgotten, by what it is. */
export const ADA_VALUES = { 'clear id': 'user-ada', email: 'ada@mail.example', name: 'Ada L', 'device id': 'dev-ada' } as const;
export const KEPT = ['user-bob', 'user-carol'] as const;

const WEB_KEY = 'website-dev-key';
const APP_KEY = 'shop-app-dev-key';
/**
 * Other visitors of the website, one page view each: with them the subjects'
 * keys fill more than one page of the state database, as in any real
 * project, and a key set to NULL leaves its old bytes in a freed cell.
 */
export const VISITORS = Array.from({ length: 40 }, (_, i) => ({
  type: 'page',
  userId: `visitor-${String(i).padStart(2, '0')}`,
  timestamp: `${HOUR}:20:00Z`,
  name: 'Home',
}));

/** The derived partition that the late event rebuilds, as a lake folder. */
export const REBUILT_PARTITION = `datasets/clean_logins/date=${HOUR.slice(0, 10)}/hour=${HOUR.slice(11, 13)}`;

interface StatusJson {
  streams: { stream: string; events: number; dead_letters: number }[];
  datasets: { dataset: string; partitions: number; fresh: number; stale: number; failed: number }[];
}
interface SinkJson {
  dataset: string;
  sink: string;
  partitions: number;
  published: number;
  behind: number;
  failed: number;
}
interface ForgetJson {
  requests: { id: string; status: string }[];
}

function replaceOnce(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${file} no longer contains ${JSON.stringify(from)}: update test/helpers/forensic-scenario.ts`);
  writeFileSync(file, text.replace(from, to));
}

/** A copy of examples/shop in `root/name` with the sinks above; `state` (a postgres:// URL) puts its state there. */
export function forensicShop(root: string, name: string, state?: string): string {
  const dir = path.join(root, name);
  cpSync(path.join(ROOT, 'examples/shop'), dir, { recursive: true, filter: (src) => !src.includes('.pond') });
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  if (state !== undefined) replaceOnce(path.join(dir, 'pond.config.ts'), "name: 'shop',", `name: 'shop',\n  state: ${JSON.stringify(state)},`);
  const usersTs = path.join(dir, 'pipelines/users.ts');
  replaceOnce(usersTs, "import { check, dataset } from 'pond';", "import { check, dataset, sink } from 'pond';");
  replaceOnce(
    usersTs,
    "checks: [check.notNull(['user_id', 'device_id', 'time_utc', 'method'])],",
    "checks: [check.notNull(['user_id', 'device_id', 'time_utc', 'method'])],\n  sinks: [sink.sqlite({ file: '.pond/logins.db' })],",
  );
  replaceOnce(
    path.join(dir, 'pipelines/sales.ts'),
    "key: ['purchase_id', 'line_no'],",
    "key: ['purchase_id', 'line_no'],\n  sinks: [sink.files({ dir: 'exports', format: 'csv' })],",
  );
  return dir;
}

/** sha-256 of every file under the lake's raw/ and dead-letter/, by path relative to the lake. */
export function rawFileHashes(lakeDir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const area of ['raw', 'dead-letter']) {
    for (const file of filesUnder(path.join(lakeDir, area)))
      out.set(path.relative(lakeDir, file), createHash('sha256').update(readFileSync(file)).digest('hex'));
  }
  return out;
}

/** Version folders (with a manifest) of each partition folder under `lakeDir/datasets`, for those with more than one. */
export function partitionsWithSeveralVersions(lakeDir: string): Map<string, string[]> {
  const byPartition = new Map<string, string[]>();
  for (const file of filesUnder(path.join(lakeDir, 'datasets'))) {
    if (path.basename(file) !== '_manifest.json') continue;
    const version = path.dirname(file);
    const partition = path.relative(lakeDir, path.dirname(version));
    byPartition.set(partition, [...(byPartition.get(partition) ?? []), path.basename(version)]);
  }
  return new Map([...byPartition].filter(([, versions]) => versions.length > 1));
}

export class ForensicScenario {
  readonly lakeDir: string;
  private up: ReturnType<typeof startUp> | undefined;
  private url = '';
  rawBefore = new Map<string, string>();
  keptBefore: string[] = [];

  constructor(readonly dir: string) {
    this.lakeDir = path.join(dir, '.pond/lake');
  }

  /** The master key, as an attacker reads it from the project folder. */
  master(): Buffer {
    return Buffer.from(readFileSync(path.join(this.dir, '.pond/master.key'), 'utf8').trim(), 'base64');
  }

  pseudonym(subject: string): string {
    return pseudonymOf(this.master(), subject);
  }

  /**
   * Step 3, or the proof before step 2: every file of the project folder, and
   * `extraFiles` (the state database's own files when it is not in the folder).
   */
  scan(state: Pick<ForensicScanOptions, 'extraFiles' | 'pseudonymExpectedIn'>): Promise<ForensicScanResult> {
    const master = this.master();
    const controls = KEPT.map((s) => pseudonymOf(master, s));
    return forensicScan({
      master,
      subject: { pseudonym: pseudonymOf(master, 'user-ada'), values: ADA_VALUES },
      folders: [this.dir],
      lakeDir: this.lakeDir,
      base: this.dir,
      controls,
      ...state,
    });
  }

  /**
   * After forgetting, the same attack must still open Bob's and Carol's keys
   * (in the state files it was given): otherwise finding none of Ada's means
   * only that the attack no longer fits the key formats on disk.
   */
  assertAttackStillWorks(after: ForensicScanResult, where: (file: string) => boolean): void {
    for (const [control, files] of after.controlKeys) {
      assert.ok(
        files.some(where),
        `the attack opens the key of ${control} (a subject not forgotten) from the state store after forgetting; it opened it in: ${files.join(', ') || 'nothing'} (${after.wrappedKeys} wrapped keys and ${after.epochKeys} epoch keys seen): update test/helpers/forensic-keys.ts to the key formats on disk`,
      );
    }
  }

  /**
   * Before forgetting, the scan must find what it looks for, or a clean scan
   * after would prove nothing: Ada's key, recovered from disk, decrypts one of
   * her raw ciphertexts to one of her values; her pseudonym is seen in a
   * derived version's cells and in the clean_logins sink.
   */
  assertScanSeesAda(before: ForensicScanResult): void {
    assert.ok(
      before.keys.length > 0,
      `the attack recovers Ada's key before she is forgotten (${before.wrappedKeys} wrapped keys seen in ${before.files} files)`,
    );
    const key = before.keys[0]?.key as Buffer;
    const clear = before.ciphertexts.map((c) => decryptCiphertext(c.text, key, c.stream, c.column)).filter((t) => t !== undefined);
    assert.ok(
      clear.some((t) => Object.values(ADA_VALUES).some((v) => t.includes(v))),
      `her key decrypts her raw ciphertexts to her values (${before.ciphertexts.length} ciphertexts, ${clear.length} decrypted)`,
    );
    const ps = this.pseudonym('user-ada');
    const seen = (prefix: string) => before.findings.some((f) => f.file.startsWith(prefix) && f.what.startsWith(`pseudonym ${ps}`));
    assert.ok(seen(path.join('.pond/lake', REBUILT_PARTITION)), `the scan sees her pseudonym in the cells of ${REBUILT_PARTITION}`);
    assert.ok(seen('.pond/logins.db'), 'the scan sees her pseudonym in the clean_logins sink');
  }

  /** Step 1: `pond up`, the three subjects' events, everything built and published, then late data; records the raw files and the kept subjects' rows. */
  async prepare(): Promise<void> {
    this.up = startUp(this.dir);
    let timer: NodeJS.Timeout | undefined;
    try {
      this.url = await Promise.race([
        this.up.url,
        new Promise<string>((_, reject) => (timer = setTimeout(() => reject(new Error('pond up did not listen within 60 s')), 60_000))),
      ]);
    } finally {
      clearTimeout(timer);
    }
    const deadLetter = { type: 'track', userId: 'user-ada', timestamp: `${HOUR}:10:00Z`, traits: { email: 'ada@mail.example' } }; // no event: refused by Segment's rules
    const web = await this.send('/v1/batch', WEB_KEY, { batch: [...webEvents, deadLetter, ...VISITORS] });
    assert.equal(web.deadLettered, 1, JSON.stringify(web));
    const invalidLogin = { event_type: 'login', user_id: 'user-ada', device_id: 'dev-ada', time_utc: `${HOUR}:11:00Z`, method: 'fingerprint' };
    const app = await this.send('/v1/streams/user_events/events', APP_KEY, [...userEvents, invalidLogin]);
    assert.equal(app.deadLettered, 1, JSON.stringify(app));
    await this.send('/v1/streams/users/events', APP_KEY, users);
    await this.settled('the first landing, builds and publications', { web_events: [6 + VISITORS.length, 1], user_events: [5, 1], users: [3, 0] });

    // Late data: a login of Ada's in the hour built already; its partitions are rebuilt, their first versions superseded.
    await this.send('/v1/streams/user_events/events', APP_KEY, [
      { event_type: 'login', user_id: 'user-ada', device_id: 'dev-ada', time_utc: `${HOUR}:30:00Z`, method: 'passkey' },
    ]);
    await until('the rebuild of the late hour', () => (partitionsWithSeveralVersions(this.lakeDir).has(REBUILT_PARTITION) ? true : undefined), 60_000, 250);
    await this.settled('the rebuilds after the late event', { web_events: [6 + VISITORS.length, 1], user_events: [6, 1], users: [3, 0] });
    this.rawBefore = rawFileHashes(this.lakeDir);
    this.keptBefore = this.keptRows();
    assert.ok(this.keptBefore.length >= 8, `Bob's and Carol's rows before: ${this.keptBefore.join('\n')}`);
  }

  /** Step 2: forget Ada while `pond up` runs, send it two more of her events, wait for the request to be done, stop `pond up`, collect garbage. */
  async forgetAda(): Promise<{ requestId: string; gc: string }> {
    const forget = pond(this.dir, 'forget', 'user-ada', '--reason', FORGET_REASON, '--by', 'dpo', '--json');
    assert.equal(forget.status, 0, forget.stderr + forget.stdout);
    const requestId = (JSON.parse(forget.stdout) as ForgetJson).requests[0]?.id;
    assert.ok(requestId, forget.stdout);
    await this.send('/v1/batch', WEB_KEY, {
      batch: [
        { type: 'page', messageId: 'm-ada-after', userId: 'user-ada', timestamp: LATER, name: 'After', traits: { email: 'ada@mail.example', name: 'Ada L' } },
      ],
    });
    await this.send('/v1/streams/user_events/events', APP_KEY, [
      { event_type: 'login', user_id: 'user-ada', device_id: 'dev-ada', time_utc: LATER, method: 'sso' },
    ]);
    await until(
      `forget request ${requestId} done`,
      () => {
        const status = pondJson<ForgetJson>(this.dir, 'forget', '--status');
        return status.requests.find((r) => r.id === requestId)?.status === 'done' ? true : undefined;
      },
      120_000,
      500,
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${pond(this.dir, 'forget', '--status').stdout}\n${this.up?.output().slice(-4000)}`);
    });
    await this.settled('the landing of her later events, rebuilds and publications', {
      web_events: [7 + VISITORS.length, 1],
      user_events: [7, 1],
      users: [3, 0],
    });
    await this.stop();
    const gc = pond(this.dir, 'gc', '--grace', '0s');
    assert.equal(gc.status, 0, gc.stderr + gc.stdout);
    return { requestId, gc: gc.stdout };
  }

  /** Ends `pond up` (SIGTERM, then SIGKILL after 30 s) and waits for its exit. */
  async stop(): Promise<void> {
    const up = this.up;
    this.up = undefined;
    if (!up || up.proc.exitCode !== null || up.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => up.proc.once('exit', () => resolve()));
    up.proc.kill('SIGTERM');
    const timer = setTimeout(() => up.proc.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }

  /** Bob's and Carol's rows in the streams (decrypted) and the datasets that carry their pseudonym, through `pond query`, each as JSON, sorted. */
  keptRows(): string[] {
    const ids = KEPT.map((s) => `'${this.pseudonym(s)}'`).join(', ');
    const from = [
      ['user_events', 'user_id'],
      ['web_events', 'userId'],
      ['users', 'user_id'],
      ['clean_logins', 'user_id'],
      ['clean_purchases', 'user_id'],
      ['purchase_items', 'user_id'],
    ];
    const sql = from.map(([ds, column]) => `select '${ds}' as _dataset, * from ${ds} where ${column} in (${ids})`).join(' union all by name ');
    const r = pond(this.dir, 'query', sql, '--format', 'json', '--decrypt');
    assert.equal(r.status, 0, r.stderr);
    return (JSON.parse(r.stdout) as unknown[]).map((row) => JSON.stringify(row)).sort();
  }

  /** Step 3's comparison with step 1, as findings: raw files changed or gone, kept subjects' rows changed. */
  unchanged(): Finding[] {
    const findings: Finding[] = [];
    const after = rawFileHashes(this.lakeDir);
    for (const [file, hash] of this.rawBefore) {
      const now = after.get(file);
      if (now !== hash)
        findings.push({
          file: path.join('.pond/lake', file),
          what: 'a raw or dead-letter file that existed before forgetting',
          detail: now === undefined ? 'is gone' : `changed: sha-256 ${hash} before, ${now} after`,
        });
    }
    const kept = this.keptRows();
    const before = new Set(this.keptBefore);
    const now = new Set(kept);
    for (const row of this.keptBefore)
      if (!now.has(row)) findings.push({ file: '(pond query)', what: "a row of Bob's or Carol's that changed or went", detail: row });
    for (const row of kept) if (!before.has(row)) findings.push({ file: '(pond query)', what: "a row of Bob's or Carol's that is new", detail: row });
    return findings;
  }

  private async send(route: string, writeKey: string, body: unknown): Promise<{ accepted: number; deadLettered: number }> {
    const response = await fetch(`${this.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    assert.equal(response.status, 200, `${route}: ${text}`);
    return JSON.parse(text) as { accepted: number; deadLettered: number };
  }

  /** Waits until the streams hold `streams` (events, dead letters), every dataset with data is fresh and every sink has published it. */
  private async settled(what: string, streams: Record<string, [number, number]>): Promise<void> {
    let last = '';
    await until(
      what,
      () => {
        const status = pondJson<StatusJson>(this.dir, 'status');
        const counts = Object.fromEntries(status.streams.map((s) => [s.stream, [s.events, s.dead_letters]]));
        const pending = status.datasets.filter((d) => d.partitions > 0 && (d.stale > 0 || d.failed > 0 || d.fresh !== d.partitions));
        const sinks = pondJson<SinkJson[]>(this.dir, 'sinks');
        const behind = sinks.filter((s) => s.partitions === 0 || s.behind > 0 || s.failed > 0 || s.published !== s.partitions);
        last = JSON.stringify({ counts, pending, behind });
        const landed = Object.entries(streams).every(([s, [events, dead]]) => counts[s]?.[0] === events && counts[s]?.[1] === dead);
        return landed && pending.length === 0 && behind.length === 0 && sinks.length === 3 ? true : undefined;
      },
      90_000,
      500,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last seen ${last}\n${this.up?.output().slice(-4000)}`);
    });
  }
}

/** The files of the project's SQLite state store. */
export function sqliteStateFiles(dir: string): (file: string) => boolean {
  const db = path.join(dir, '.pond/state.db');
  return (file) => file === db || file.startsWith(`${db}-`);
}

/** Whether `.pond/keys` (epoch keys) exists: the report says so. */
export function epochKeyFiles(dir: string): string[] {
  const keys = path.join(dir, '.pond/keys');
  return existsSync(keys) ? readdirSync(keys) : [];
}

/**
 * The contract tests every `StateStore` implementation must pass; each
 * implementation's test file calls `stateStoreSuite` with a way to open a
 * store. `open` may be called more than once and must return stores on the
 * same database (the concurrency test needs two connections), so every test
 * works in datasets, streams and runs of its own and never assumes an empty
 * database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PartitionColumnsBuilder } from './partition-columns-builder.ts';
import type { NewCheckResult, NewTask, NewVersion, PartitionColumns, TaskState } from './roles/index.ts';
import type { StateStore } from './state-store.ts';

let counter = 0;
/** A name no other test (or earlier run against the same database) uses. */
function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}-${counter}`;
}

function version(dataset: string, idx: number, overrides: Partial<NewVersion> = {}): NewVersion {
  const id = overrides.id ?? unique('v');
  return {
    id,
    dataset,
    idx,
    key: `k${idx}`,
    prefix: `datasets/${dataset}/k${idx}/${id}`,
    files: [{ path: `datasets/${dataset}/k${idx}/${id}/part-0.parquet`, rows: 10, bytes: 1234 }],
    rows: 10,
    bytes: 1234,
    schema: [
      { name: 'id', type: 'VARCHAR' },
      { name: 'at', type: 'TIMESTAMP WITH TIME ZONE' },
    ],
    codeFingerprint: 'code-a',
    inputSeq: 7,
    inputs: [{ dataset: 'events', key: `k${idx}`, version: 'in-1' }],
    runId: null,
    cause: 'missing',
    createdAt: 1_700_000_000_000,
    buildMs: 42,
    ...overrides,
  };
}

function checkResult(v: NewVersion, check: string, overrides: Partial<NewCheckResult> = {}): NewCheckResult {
  return {
    dataset: v.dataset,
    idx: v.idx,
    key: v.key,
    versionId: v.id,
    check,
    kind: 'not_null',
    severity: 'error',
    status: 'pass',
    observed: '0 rows',
    threshold: 'no nulls',
    failingRows: 0,
    sample: [],
    keyColumns: ['id'],
    message: null,
    runId: v.runId,
    checkedAt: 1_700_000_000_000,
    ...overrides,
  };
}

function task(dataset: string, idx: number, overrides: Partial<NewTask> = {}): NewTask {
  return { dataset, idx, key: `k${idx}`, cause: 'missing', reason: `partition k${idx} is missing`, priority: 0, maxAttempts: 3, ...overrides };
}

/** partitionColumns computed independently: a full read through listPartitions, built as a full read builds it. */
async function fullRead(store: StateStore, dataset: string): Promise<PartitionColumns> {
  const builder = new PartitionColumnsBuilder();
  for (const p of await store.listPartitions(dataset)) {
    builder.add(p.idx, p.currentSeq, p.inputSeq, p.status === 'failed', p.versionId !== null, p.codeFingerprint);
  }
  return builder.build();
}

export function stateStoreSuite(name: string, open: () => Promise<StateStore>): void {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;
    before(async () => {
      store = await open();
    });
    after(async () => {
      await store?.close();
    });

    describe('schema', () => {
      it('migrates again as a no-op, from the same and from another connection', async () => {
        const seq = await store.currentSeq();
        await store.migrate();
        await store.migrate();
        const other = await open();
        try {
          await other.migrate();
          assert.equal(await other.currentSeq(), seq);
        } finally {
          await other.close();
        }
        assert.equal(await store.currentSeq(), seq);
      });
    });

    describe('versions and partitions', () => {
      it('commitVersions makes each version current with increasing seqs', async () => {
        const ds = unique('commit');
        assert.deepEqual(await store.commitVersions([]), []);
        const before = await store.currentSeq();
        const a = version(ds, 1);
        const b = version(ds, 2, { codeFingerprint: 'code-b', inputSeq: 9 });
        const seqs = await store.commitVersions([a, b]);
        assert.equal(seqs.length, 2);
        assert.ok(seqs[0]! > before);
        assert.equal(seqs[1], seqs[0]! + 1);
        assert.equal(await store.currentSeq(), seqs[1]);

        const p = await store.getPartition(ds, 2);
        assert.ok(p);
        assert.deepEqual(
          { ...p, updatedAt: 0 },
          {
            dataset: ds,
            idx: 2,
            key: 'k2',
            versionId: b.id,
            currentSeq: seqs[1],
            inputSeq: 9,
            codeFingerprint: 'code-b',
            status: 'ok',
            error: null,
            updatedAt: 0,
          },
        );
        assert.ok(p.updatedAt > 0);

        const stored = await store.getVersion(a.id);
        assert.deepEqual(stored, { ...a, seq: seqs[0], state: 'committed' });
        assert.equal(await store.getVersion('no-such-version'), undefined);
        assert.equal(await store.getPartition(ds, 3), undefined);

        // A newer version replaces the current one; so does the last of a batch naming a partition twice.
        const c = version(ds, 1);
        const d = version(ds, 1, { inputSeq: 11 });
        const [sc, sd] = await store.commitVersions([c, d]);
        assert.ok(sd! > sc! && sc! > seqs[1]!);
        const p1 = await store.getPartition(ds, 1);
        assert.equal(p1?.versionId, d.id);
        assert.equal(p1?.currentSeq, sd);
        assert.equal(p1?.inputSeq, 11);
      });

      it('a quarantined version is kept but never current', async () => {
        const ds = unique('quarantine');
        const good = version(ds, 0);
        await store.commitVersions([good]);
        const bad = version(ds, 0, { cause: 'new-data' });
        await store.quarantineVersion(bad);
        assert.equal((await store.getPartition(ds, 0))?.versionId, good.id);
        const stored = await store.getVersion(bad.id);
        assert.equal(stored?.state, 'quarantined');
        assert.equal(stored?.cause, 'new-data');

        const lonely = version(ds, 5);
        await store.quarantineVersion(lonely);
        assert.equal(await store.getPartition(ds, 5), undefined);
        assert.deepEqual(await store.currentVersions(ds, 0, 10).then((vs) => vs.map((v) => v.versionId)), [good.id]);
      });

      it('markFailed records the error and keeps the current version', async () => {
        const ds = unique('failed');
        const v = version(ds, 3);
        const [seq] = await store.commitVersions([v]);
        await store.markFailed(ds, 3, 'k3', 'division by zero');
        const p = await store.getPartition(ds, 3);
        assert.equal(p?.status, 'failed');
        assert.equal(p?.error, 'division by zero');
        assert.equal(p?.versionId, v.id);
        assert.equal(p?.currentSeq, seq);
        assert.equal(p?.codeFingerprint, 'code-a');

        // The failure's seq becomes its inputSeq: inputs committed after it make the partition stale again.
        assert.equal(p?.inputSeq, await store.currentSeq());

        await store.markFailed(ds, 4, 'k4', 'never built');
        const q = await store.getPartition(ds, 4);
        assert.deepEqual(
          { ...q, updatedAt: 0 },
          {
            dataset: ds,
            idx: 4,
            key: 'k4',
            versionId: null,
            currentSeq: 0,
            inputSeq: await store.currentSeq(),
            codeFingerprint: null,
            status: 'failed',
            error: 'never built',
            updatedAt: 0,
          },
        );

        // A later success clears the failure.
        await store.commitVersions([version(ds, 3)]);
        const healed = await store.getPartition(ds, 3);
        assert.equal(healed?.status, 'ok');
        assert.equal(healed?.error, null);
      });

      it('listPartitions returns [from, to) ascending, with a limit', async () => {
        const ds = unique('list');
        await store.commitVersions([7, 2, 9, 0, 5].map((i) => version(ds, i)));
        const idx = async (from?: number, to?: number, limit?: number) => (await store.listPartitions(ds, from, to, limit)).map((p) => p.idx);
        assert.deepEqual(await idx(), [0, 2, 5, 7, 9]);
        assert.deepEqual(await idx(2, 7), [2, 5]);
        assert.deepEqual(await idx(3), [5, 7, 9]);
        assert.deepEqual(await idx(undefined, 5), [0, 2]);
        assert.deepEqual(await idx(0, 100, 2), [0, 2]);
        assert.deepEqual(await idx(10, 20), []);
      });

      it('partitionColumns gives sorted parallel arrays', async () => {
        const ds = unique('columns');
        const empty = await store.partitionColumns(ds);
        assert.equal(empty.idx.length, 0);
        assert.equal(empty.maxSeq, 0);
        assert.deepEqual(empty.codeFingerprints, []);

        const seqs = await store.commitVersions([
          version(ds, 5, { codeFingerprint: 'fa', inputSeq: 50 }),
          version(ds, 1, { codeFingerprint: 'fb', inputSeq: 10 }),
          version(ds, 3, { codeFingerprint: 'fa', inputSeq: 30 }),
        ]);
        await store.markFailed(ds, 3, 'k3', 'boom');
        const failedAt3 = await store.currentSeq();
        await store.markFailed(ds, 7, 'k7', 'boom');
        const failedAt7 = await store.currentSeq();

        const c = await store.partitionColumns(ds);
        assert.ok(c.idx instanceof Float64Array && c.failed instanceof Uint8Array && c.codeRef instanceof Int32Array);
        assert.deepEqual([...c.idx], [1, 3, 5, 7]);
        assert.deepEqual([...c.currentSeq], [seqs[1], seqs[2], seqs[0], 0]);
        assert.deepEqual([...c.inputSeq], [10, failedAt3, 50, failedAt7]);
        assert.deepEqual([...c.failed], [0, 1, 0, 1]);
        assert.deepEqual([...c.built], [1, 1, 1, 0]);
        assert.equal(c.codeRef[3], -1);
        assert.deepEqual(
          [0, 1, 2].map((i) => c.codeFingerprints[c.codeRef[i]!]),
          ['fb', 'fa', 'fa'],
        );
        assert.equal(new Set(c.codeFingerprints).size, c.codeFingerprints.length);
        assert.equal(c.maxSeq, Math.max(...seqs));
      });

      it('partitionColumns never drifts from a full read through rounds of commits and failures', async () => {
        const ds = unique('drift');
        const check = async (round: string): Promise<void> => {
          const expected = await fullRead(store, ds);
          const got = await store.partitionColumns(ds);
          assert.deepEqual(got, expected, `round ${round}`);
          // A second instance starts with an empty memory (SQLite: from the snapshot file, if any).
          const other = await open();
          try {
            assert.deepEqual(await other.partitionColumns(ds), expected, `round ${round}, other instance`);
          } finally {
            await other.close();
          }
          // The caller may change what it got without changing what the next read returns.
          got.idx.fill(-1);
          got.codeRef.fill(7);
          assert.deepEqual(await store.partitionColumns(ds), expected, `round ${round}, after the caller changed its copy`);
        };
        await check('empty');
        await store.commitVersions([10, 12, 14, 16, 18, 20, 22, 24].map((i) => version(ds, i, { codeFingerprint: 'fa', inputSeq: i })));
        await check('first commits');
        // New idx in the middle and at both ends, updates, a new fingerprint, failures old and new.
        await store.commitVersions([
          version(ds, 13, { codeFingerprint: 'fb' }),
          version(ds, 2),
          version(ds, 40, { codeFingerprint: 'fc' }),
          version(ds, 20, { codeFingerprint: 'fc', inputSeq: 99 }),
        ]);
        await store.markFailed(ds, 22, 'k22', 'boom');
        await store.markFailed(ds, 1, 'k1', 'never built');
        await store.markFailed(ds, 50, 'k50', 'never built');
        await store.markFailed(ds, 15, 'k15', 'never built');
        await check('inserts and failures');
        // The first fingerprint along idx changes, one goes out of use, a failure clears, a failed one builds.
        await store.commitVersions([
          version(ds, 1, { codeFingerprint: 'fd' }),
          version(ds, 2, { codeFingerprint: 'fd' }),
          version(ds, 22),
          version(ds, 40, { codeFingerprint: 'fa' }),
        ]);
        await store.markFailed(ds, 13, 'k13', 'boom again');
        await check('fingerprint order');
        // Many rows at once, interleaved with the existing ones.
        await store.commitVersions(Array.from({ length: 300 }, (_, i) => version(ds, 3 + 2 * i, { codeFingerprint: i % 3 === 0 ? 'fe' : 'fa', inputSeq: i })));
        await store.markFailed(ds, 0, 'k0', 'never built');
        await check('a large delta');
        await check('no change');
      });

      it('statusRuns finds stretches of consecutive idx in one status', async () => {
        const ds = unique('runs');
        assert.deepEqual(await store.statusRuns(ds), []);
        // ok ok failed ok, a gap at 4, then ok ok failed.
        await store.commitVersions([0, 1, 3, 5, 6].map((i) => version(ds, i)));
        await store.markFailed(ds, 2, 'k2', 'x');
        await store.markFailed(ds, 7, 'k7', 'x');
        assert.deepEqual(await store.statusRuns(ds), [
          { status: 'ok', start: 0, end: 2 },
          { status: 'failed', start: 2, end: 3 },
          { status: 'ok', start: 3, end: 4 },
          { status: 'ok', start: 5, end: 7 },
          { status: 'failed', start: 7, end: 8 },
        ]);
      });

      it('schemaHistory groups committed versions by schema, oldest first', async () => {
        const ds = unique('schemas');
        const a = [{ name: 'id', type: 'VARCHAR' }];
        const b = [...a, { name: 'n', type: 'BIGINT' }];
        const v1 = version(ds, 1, { schema: a, createdAt: 1_000 });
        const v2 = version(ds, 2, { schema: a, createdAt: 2_000 });
        const v3 = version(ds, 1, { schema: b, createdAt: 3_000 });
        const v4 = version(ds, 3, { schema: a, createdAt: 4_000 });
        await store.commitVersions([v1, v2]);
        await store.commitVersions([v3]);
        await store.commitVersions([v4]);
        await store.quarantineVersion(version(ds, 4, { schema: [{ name: 'x', type: 'DOUBLE' }], createdAt: 5_000 }));
        assert.deepEqual(await store.schemaHistory(ds), [
          { schema: a, firstVersion: v1.id, firstSeen: 1_000, lastSeen: 4_000, versions: 3 },
          { schema: b, firstVersion: v3.id, firstSeen: 3_000, lastSeen: 3_000, versions: 1 },
        ]);
        assert.deepEqual(await store.schemaHistory(unique('none')), []);
      });

      it('currentVersions returns files and schema of current versions in a range', async () => {
        const ds = unique('current');
        const v1 = version(ds, 1, {
          files: [
            { path: 'a/part-0.parquet', rows: 3, bytes: 30 },
            { path: 'a/part-1.parquet', rows: 4, bytes: 40 },
          ],
          rows: 7,
        });
        const v2 = version(ds, 2, { schema: [{ name: 'n', type: 'BIGINT' }] });
        const v4 = version(ds, 4);
        const seqs = await store.commitVersions([v1, v2, v4]);
        await store.markFailed(ds, 3, 'k3', 'no version');
        const current = await store.currentVersions(ds, 1, 4);
        assert.deepEqual(current, [
          { idx: 1, key: 'k1', versionId: v1.id, currentSeq: seqs[0], files: v1.files, schema: v1.schema, rows: 7 },
          { idx: 2, key: 'k2', versionId: v2.id, currentSeq: seqs[1], files: v2.files, schema: [{ name: 'n', type: 'BIGINT' }], rows: 10 },
        ]);
      });

      it('listVersions lists newest first, per dataset or partition', async () => {
        const ds = unique('versions');
        const a = version(ds, 1);
        const b = version(ds, 2);
        const c = version(ds, 1);
        await store.commitVersions([a]);
        await store.commitVersions([b]);
        await store.quarantineVersion(c);
        assert.deepEqual(
          (await store.listVersions(ds)).map((v) => v.id),
          [c.id, b.id, a.id],
        );
        assert.deepEqual(
          (await store.listVersions(ds, { idx: 1 })).map((v) => v.id),
          [c.id, a.id],
        );
        assert.deepEqual(
          (await store.listVersions(ds, { limit: 2 })).map((v) => v.id),
          [c.id, b.id],
        );
        assert.deepEqual(await store.listVersions(unique('none')), []);
      });

      it('versionPrefixes holds committed and quarantined prefixes', async () => {
        const ds = unique('prefixes');
        const a = version(ds, 1);
        const q = version(ds, 1);
        await store.commitVersions([a]);
        await store.quarantineVersion(q);
        const prefixes = await store.versionPrefixes();
        assert.ok(prefixes.has(a.prefix));
        assert.ok(prefixes.has(q.prefix));
      });
    });

    describe('streams', () => {
      it('accumulates counters and moves times only forward', async () => {
        const s = unique('stream');
        assert.equal(await store.getStreamActivity(s), undefined);
        await store.recordStreamActivity(s, { maxEventTime: null, receivedAt: 100, events: 0, deadLetters: 2 });
        assert.deepEqual(await store.getStreamActivity(s), { stream: s, maxEventTime: null, lastReceivedAt: 100, events: 0, deadLetters: 2 });
        await store.recordStreamActivity(s, { maxEventTime: 5_000, receivedAt: 200, events: 10, deadLetters: 0 });
        await store.recordStreamActivity(s, { maxEventTime: 4_000, receivedAt: 150, events: 5, deadLetters: 1 });
        await store.recordStreamActivity(s, { maxEventTime: null, receivedAt: 300, events: 1, deadLetters: 0 });
        assert.deepEqual(await store.getStreamActivity(s), { stream: s, maxEventTime: 5_000, lastReceivedAt: 300, events: 16, deadLetters: 3 });
        await store.recordStreamActivity(s, { maxEventTime: 6_000, receivedAt: 310, events: 1, deadLetters: 0 });
        assert.equal((await store.getStreamActivity(s))?.maxEventTime, 6_000);
      });
    });

    describe('landing', () => {
      it('commits versions, offsets, messageIds and activity together', async () => {
        const d = unique('raw');
        const group = unique('group');
        const first = version(d, 1);
        await store.commitLanding({
          versions: [{ version: first, replaces: null }],
          offsets: [
            { group, topic: 'events', partition: 0, offset: 10 },
            { group, topic: 'events', partition: 1, offset: 4 },
          ],
          messages: [
            { stream: d, messageId: 'm1', receivedAt: 1_000 },
            { stream: d, messageId: 'm2', receivedAt: 2_000 },
          ],
          activity: [{ stream: d, maxEventTime: 500, receivedAt: 2_000, events: 2, deadLetters: 0 }],
        });
        assert.equal((await store.getPartition(d, 1))?.versionId, first.id);
        assert.deepEqual(await store.consumerOffsets(group), [
          { group, topic: 'events', partition: 0, offset: 10 },
          { group, topic: 'events', partition: 1, offset: 4 },
        ]);
        assert.deepEqual([...(await store.landedMessages(d, ['m1', 'm2', 'm3', 'm1']))].sort(), ['m1', 'm2']);
        assert.deepEqual([...(await store.landedMessages(unique('other'), ['m1']))], []);
        assert.equal((await store.getStreamActivity(d))?.events, 2);

        const second = version(d, 1);
        await store.commitLanding({
          versions: [{ version: second, replaces: first.id }],
          offsets: [{ group, topic: 'events', partition: 0, offset: 12 }],
          messages: [],
          activity: [],
        });
        assert.equal((await store.getPartition(d, 1))?.versionId, second.id);
        assert.equal((await store.consumerOffsets(group))[0]?.offset, 12);
      });

      it('quarantines raw versions whose checks failed, in the same transaction', async () => {
        const d = unique('raw-checked');
        const first = version(d, 1);
        await store.commitLanding({
          versions: [{ version: first, replaces: null }],
          offsets: [],
          messages: [],
          activity: [],
          checks: [checkResult(first, 'sql')],
        });
        const bad = version(d, 1);
        const other = version(d, 2);
        await store.commitLanding({
          versions: [{ version: other, replaces: null }],
          quarantined: [{ version: bad, error: 'check sql failed' }],
          offsets: [],
          messages: [{ stream: d, messageId: 'q1', receivedAt: 1 }],
          activity: [],
          checks: [checkResult(bad, 'sql', { status: 'fail' }), checkResult(other, 'sql')],
        });
        const p1 = await store.getPartition(d, 1);
        assert.equal(p1?.versionId, first.id);
        assert.equal(p1?.status, 'failed');
        assert.equal(p1?.error, 'check sql failed');
        assert.equal((await store.getPartition(d, 2))?.versionId, other.id);
        assert.equal((await store.getVersion(bad.id))?.state, 'quarantined');
        assert.deepEqual([...(await store.landedMessages(d, ['q1']))], ['q1']);
        // History is kept per version: partition 1 has two results for the same check.
        const history = await store.checkResults({ dataset: d, idx: 1 });
        assert.deepEqual(
          history.map((r) => [r.versionId, r.status, r.current]).sort(),
          [
            [bad.id, 'fail', false],
            [first.id, 'pass', true],
          ].sort(),
        );
        // A later good version clears the failure.
        const fixed = version(d, 1);
        await store.commitLanding({ versions: [{ version: fixed, replaces: first.id }], offsets: [], messages: [], activity: [] });
        assert.equal((await store.getPartition(d, 1))?.status, 'ok');
        assert.deepEqual(await store.partitionColumns(d), await fullRead(store, d));
      });

      it('commits nothing when a replaced version is no longer current', async () => {
        const d = unique('raw');
        const group = unique('group');
        const current = version(d, 1);
        await store.commitVersions([current]);
        const stale = version(d, 1);
        const other = version(d, 2);
        await assert.rejects(
          store.commitLanding({
            versions: [
              { version: other, replaces: null },
              { version: stale, replaces: null },
            ],
            offsets: [{ group, topic: 'events', partition: 0, offset: 5 }],
            messages: [{ stream: d, messageId: 'x', receivedAt: 1 }],
            activity: [{ stream: d, maxEventTime: 1, receivedAt: 1, events: 1, deadLetters: 0 }],
          }),
          (error: Error & { code?: string }) => error.code === 'CONFLICT' && /changed while a batch was landing/.test(error.message),
        );
        assert.equal((await store.getPartition(d, 1))?.versionId, current.id);
        assert.equal(await store.getPartition(d, 2), undefined);
        assert.deepEqual(await store.consumerOffsets(group), []);
        assert.equal((await store.landedMessages(d, ['x'])).size, 0);
        assert.equal(await store.getStreamActivity(d), undefined);
      });

      it('forgets messageIds received before the window', async () => {
        const d = unique('raw');
        const now = Date.now();
        await store.commitLanding({
          versions: [],
          offsets: [],
          messages: [
            { stream: d, messageId: 'old', receivedAt: now - 100_000_000_000 },
            { stream: d, messageId: 'new', receivedAt: now },
          ],
          activity: [],
        });
        assert.ok((await store.forgetLandedMessages(now - 50_000_000_000)) >= 1);
        assert.deepEqual([...(await store.landedMessages(d, ['old', 'new']))], ['new']);
      });
    });

    describe('task queue', () => {
      it('enqueues once per partition while queued or leased, again after done', async () => {
        const ds = unique('enqueue');
        assert.equal(await store.enqueueTasks([]), 0);
        assert.equal(await store.enqueueTasks([task(ds, 1, { reason: 'first' }), task(ds, 1, { reason: 'dup in batch' }), task(ds, 2)]), 2);
        assert.equal(await store.enqueueTasks([task(ds, 1, { reason: 'second' }), task(ds, 3)]), 1);
        const queued = await store.listTasks({ dataset: ds });
        assert.deepEqual(
          queued.map((t) => [t.idx, t.state, t.reason]),
          [
            [1, 'queued', 'first'],
            [2, 'queued', 'partition k2 is missing'],
            [3, 'queued', 'partition k3 is missing'],
          ],
        );

        const [leased] = await store.leaseTasks({ owner: 'w1', limit: 1, leaseMs: 60_000, now: Date.now(), datasets: [ds] });
        assert.equal(leased?.idx, 1);
        assert.equal(await store.enqueueTasks([task(ds, 1)]), 0);
        assert.equal(await store.finishTask(leased.id, 'w1', { state: 'done' }), true);
        assert.equal(await store.enqueueTasks([task(ds, 1, { reason: 'again' })]), 1);
        const again = await store.listTasks({ dataset: ds, states: ['queued'] });
        // Same priority: first queued, first listed.
        assert.deepEqual(
          again.map((t) => [t.idx, t.reason]),
          [
            [2, 'partition k2 is missing'],
            [3, 'partition k3 is missing'],
            [1, 'again'],
          ],
        );
      });

      it('plans a queued task of other code again for the new code; leaves leased ones and those of the same code', async () => {
        const ds = unique('code');
        await store.enqueueTasks([task(ds, 1, { codeFingerprint: 'old' }), task(ds, 2, { codeFingerprint: 'old' }), task(ds, 3)]);
        const [leased] = await store.leaseTasks({ owner: 'w1', limit: 1, leaseMs: 60_000, now: Date.now(), datasets: [ds], codes: { [ds]: 'old' } });
        assert.equal(leased?.idx, 1);
        assert.equal(leased.codeFingerprint, 'old');
        // Partition 2 failed once under the old code: its backoff and attempts go with the new plan.
        const [two] = await store.leaseTasks({ owner: 'w1', limit: 1, leaseMs: 60_000, now: Date.now(), datasets: [ds], codes: { [ds]: 'old' } });
        assert.equal(two?.idx, 2);
        await store.finishTask(two.id, 'w1', { state: 'queued', notBefore: Date.now() + 3_600_000, error: 'boom' });
        const added = await store.enqueueTasks([
          task(ds, 1, { codeFingerprint: 'new', reason: 'new code' }),
          task(ds, 2, { codeFingerprint: 'new', reason: 'new code', cause: 'code-changed' }),
          task(ds, 3, { codeFingerprint: 'new', reason: 'new code' }),
        ]);
        assert.equal(added, 2, 'partition 2 (queued, old code) and 3 (queued, any code) are planned again; 1 is leased');
        const rows = await store.listTasks({ dataset: ds });
        assert.deepEqual(
          rows.map((t) => [t.idx, t.state, t.codeFingerprint, t.reason, t.attempts, t.notBefore, t.lastError]).sort((a, b) => Number(a[0]) - Number(b[0])),
          [
            [1, 'leased', 'old', 'partition k1 is missing', 1, 0, null],
            [2, 'queued', 'new', 'new code', 0, 0, null],
            [3, 'queued', 'new', 'new code', 0, 0, null],
          ],
        );
        assert.equal((rows.find((t) => t.idx === 2) as { cause: string }).cause, 'code-changed');
        // The same code again changes nothing.
        assert.equal(await store.enqueueTasks([task(ds, 2, { codeFingerprint: 'new', reason: 'same code' })]), 0);
        assert.equal(await store.enqueueTasks([task(ds, 2, { reason: 'any code' })]), 0);
        assert.equal((await store.listTasks({ dataset: ds, idx: 2 }))[0]?.reason, 'new code');
      });

      it('leases only tasks of the code a worker has, or of no code in particular', async () => {
        const ds = unique('lease-code');
        const other = unique('lease-code-other');
        await store.enqueueTasks([
          task(ds, 1, { codeFingerprint: 'a' }),
          task(ds, 2, { codeFingerprint: 'b' }),
          task(ds, 3),
          task(other, 1, { codeFingerprint: 'a' }),
        ]);
        const now = Date.now();
        const mine = await store.leaseTasks({ owner: 'w1', limit: 10, leaseMs: 60_000, now, datasets: [ds, other], codes: { [ds]: 'b', [other]: 'b' } });
        assert.deepEqual(mine.map((t) => `${t.dataset === ds ? 'ds' : 'other'} ${t.idx}`).sort(), ['ds 2', 'ds 3']);
        // A worker without a code for a dataset leases only its tasks of no code.
        assert.deepEqual(await store.leaseTasks({ owner: 'w2', limit: 10, leaseMs: 60_000, now, datasets: [ds, other], codes: {} }), []);
        const theirs = await store.leaseTasks({ owner: 'w3', limit: 10, leaseMs: 60_000, now, datasets: [ds, other], codes: { [ds]: 'a', [other]: 'a' } });
        assert.deepEqual(theirs.map((t) => `${t.dataset === ds ? 'ds' : 'other'} ${t.idx}`).sort(), ['ds 1', 'other 1']);
      });

      it('enqueues 30,000 tasks in one call', async () => {
        const ds = unique('bulk');
        const tasks = Array.from({ length: 30_000 }, (_, i) => task(ds, i, { priority: i % 3 }));
        // How long this takes depends on the machine: timings belong in bench/, not in a test.
        assert.equal(await store.enqueueTasks(tasks), 30_000);
        const queued = await store.listTasks({ dataset: ds });
        assert.ok(queued.every((t) => t.state === 'queued'));
        // Every task, lowest priority first, then in the order given.
        assert.deepEqual(
          queued.map((t) => t.idx),
          [0, 1, 2].flatMap((p) => tasks.filter((t) => t.priority === p).map((t) => t.idx)),
        );
        assert.equal(await store.cancelTasks([ds]), 30_000);
      });

      it('leases lowest priority first and counts attempts', async () => {
        const ds = unique('priority');
        await store.enqueueTasks([task(ds, 1, { priority: 3 }), task(ds, 2, { priority: 1 }), task(ds, 3, { priority: 2 }), task(ds, 4, { priority: 1 })]);
        const now = Date.now();
        const leased = await store.leaseTasks({ owner: 'w1', limit: 3, leaseMs: 30_000, now, datasets: [ds] });
        assert.deepEqual(
          leased.map((t) => t.idx),
          [2, 4, 3],
        );
        for (const t of leased) {
          assert.equal(t.state, 'leased');
          assert.equal(t.attempts, 1);
          assert.equal(t.leaseOwner, 'w1');
          assert.equal(t.leaseExpires, now + 30_000);
        }
        const rest = await store.leaseTasks({ owner: 'w2', limit: 10, leaseMs: 30_000, now, datasets: [ds] });
        assert.deepEqual(
          rest.map((t) => t.idx),
          [1],
        );
        assert.deepEqual(await store.leaseTasks({ owner: 'w2', limit: 10, leaseMs: 30_000, now, datasets: [ds] }), []);
        assert.deepEqual(await store.leaseTasks({ owner: 'w2', limit: 10, leaseMs: 30_000, now, datasets: [] }), []);
      });

      it('requeues with a notBefore that leasing respects', async () => {
        const ds = unique('backoff');
        await store.enqueueTasks([task(ds, 1)]);
        const now = Date.now();
        const [t] = await store.leaseTasks({ owner: 'w1', limit: 1, leaseMs: 1_000, now, datasets: [ds] });
        assert.ok(t);
        assert.equal(await store.finishTask(t.id, 'w1', { state: 'queued', notBefore: now + 5_000, error: 'input not ready' }), true);
        const [requeued] = await store.listTasks({ dataset: ds });
        assert.equal(requeued?.state, 'queued');
        assert.equal(requeued?.notBefore, now + 5_000);
        assert.equal(requeued?.lastError, 'input not ready');
        assert.equal(requeued?.leaseOwner, null);
        assert.deepEqual(await store.leaseTasks({ owner: 'w1', limit: 1, leaseMs: 1_000, now: now + 4_999, datasets: [ds] }), []);
        const [again] = await store.leaseTasks({ owner: 'w2', limit: 1, leaseMs: 1_000, now: now + 5_000, datasets: [ds] });
        assert.equal(again?.id, t.id);
        assert.equal(again?.attempts, 2);
      });

      it('respects perDataset caps, counting leases already held', async () => {
        const capped = unique('capped');
        const free = unique('free');
        await store.enqueueTasks([0, 1, 2, 3, 4].map((i) => task(capped, i)));
        await store.enqueueTasks([0, 1].map((i) => task(free, i, { priority: 5 })));
        const now = Date.now();
        const perDataset = { [capped]: 2 };
        const first = await store.leaseTasks({ owner: 'w1', limit: 10, leaseMs: 60_000, now, perDataset, datasets: [capped, free] });
        assert.deepEqual(
          first.map((t) => `${t.dataset === capped ? 'c' : 'f'}${t.idx}`),
          ['c0', 'c1', 'f0', 'f1'],
        );
        // Two leases of `capped` are held: none more, from any owner.
        assert.deepEqual(await store.leaseTasks({ owner: 'w2', limit: 10, leaseMs: 60_000, now, perDataset, datasets: [capped, free] }), []);
        assert.equal(await store.finishTask(first[0]!.id, 'w1', { state: 'done' }), true);
        const next = await store.leaseTasks({ owner: 'w2', limit: 10, leaseMs: 60_000, now, perDataset, datasets: [capped] });
        assert.deepEqual(
          next.map((t) => t.idx),
          [2],
        );
        // Without caps the rest comes out.
        const rest = await store.leaseTasks({ owner: 'w2', limit: 10, leaseMs: 60_000, now, datasets: [capped] });
        assert.deepEqual(
          rest.map((t) => t.idx),
          [3, 4],
        );
      });

      it('an expired lease can be taken by another owner; the old owner loses it', async () => {
        const ds = unique('expired');
        await store.enqueueTasks([task(ds, 1)]);
        const now = Date.now();
        const [t] = await store.leaseTasks({ owner: 'w1', limit: 1, leaseMs: 100, now, datasets: [ds] });
        assert.ok(t);
        assert.deepEqual(await store.leaseTasks({ owner: 'w2', limit: 1, leaseMs: 100, now: now + 100, datasets: [ds] }), []);
        // An expired lease does not count against the cap either.
        const [taken] = await store.leaseTasks({ owner: 'w2', limit: 1, leaseMs: 1_000, now: now + 101, datasets: [ds], perDataset: { [ds]: 1 } });
        assert.equal(taken?.id, t.id);
        assert.equal(taken?.leaseOwner, 'w2');
        assert.equal(taken?.attempts, 2);
        assert.equal(await store.finishTask(t.id, 'w1', { state: 'done' }), false);
        assert.deepEqual(await store.renewLeases('w1', [t.id], 1_000, now + 102), [t.id]);
        assert.equal(await store.finishTask(t.id, 'w2', { state: 'failed', error: 'bad SQL' }), true);
        const [failed] = await store.listTasks({ dataset: ds });
        assert.equal(failed?.state, 'failed');
        assert.equal(failed?.lastError, 'bad SQL');
        assert.equal(await store.finishTask(t.id, 'w2', { state: 'done' }), false);
      });

      it('renewLeases extends held leases and returns the ids no longer held', async () => {
        const ds = unique('renew');
        await store.enqueueTasks([task(ds, 1), task(ds, 2)]);
        const now = Date.now();
        const [a, b] = await store.leaseTasks({ owner: 'w1', limit: 2, leaseMs: 1_000, now, datasets: [ds] });
        assert.ok(a && b);
        assert.deepEqual(await store.renewLeases('w1', [], 1_000, now), []);
        await store.finishTask(b.id, 'w1', { state: 'done' });
        assert.deepEqual(await store.renewLeases('w1', [a.id, b.id, 'no-such-task'], 10_000, now + 500), [b.id, 'no-such-task']);
        const [renewed] = await store.listTasks({ dataset: ds, states: ['leased'] });
        assert.equal(renewed?.leaseExpires, now + 10_500);
        // Still held at the old expiry: nobody else may take it.
        assert.deepEqual(await store.leaseTasks({ owner: 'w2', limit: 2, leaseMs: 1_000, now: now + 2_000, datasets: [ds] }), []);
        assert.deepEqual(await store.renewLeases('w2', [a.id], 1_000, now), [a.id]);
      });

      it('cancels queued and leased tasks; the worker can tell', async () => {
        const ds = unique('cancel');
        const other = unique('keep');
        await store.enqueueTasks([task(ds, 1), task(ds, 2), task(ds, 3), task(other, 1)]);
        const now = Date.now();
        const [leased, done] = await store.leaseTasks({ owner: 'w1', limit: 2, leaseMs: 60_000, now, datasets: [ds] });
        assert.ok(leased && done);
        await store.finishTask(done.id, 'w1', { state: 'done' });
        assert.equal(await store.cancelTasks([]), 0);
        assert.equal(await store.cancelTasks([ds]), 2);
        assert.equal(await store.isCancelled(leased.id), true);
        assert.equal(await store.isCancelled(done.id), false);
        assert.equal(await store.isCancelled('no-such-task'), false);
        assert.equal(await store.finishTask(leased.id, 'w1', { state: 'done' }), false);
        assert.deepEqual((await store.listTasks({ dataset: ds })).map((t) => t.state).sort(), ['cancelled', 'cancelled', 'done']);
        assert.deepEqual(
          (await store.listTasks({ dataset: other })).map((t) => t.state),
          ['queued'],
        );
        assert.equal(await store.enqueueTasks([task(ds, 1)]), 1);
        assert.equal(await store.cancelTasks([ds, other]), 2);
      });

      it('cancels one task by id, queued or leased, and reports task states', async () => {
        const ds = unique('cancel-one');
        await store.enqueueTasks([task(ds, 1), task(ds, 2), task(ds, 3)]);
        const [leased, done] = await store.leaseTasks({ owner: 'w1', limit: 2, leaseMs: 60_000, now: Date.now(), datasets: [ds] });
        assert.ok(leased && done);
        await store.finishTask(done.id, 'w1', { state: 'done' });
        const queued = (await store.listTasks({ dataset: ds, states: ['queued'] }))[0];
        assert.ok(queued);
        assert.equal(await store.cancelTask(leased.id), true);
        assert.equal(await store.cancelTask(leased.id), false);
        assert.equal(await store.cancelTask(done.id), false);
        assert.equal(await store.cancelTask('no-such-task'), false);
        assert.equal(await store.isCancelled(leased.id), true);
        assert.equal(await store.finishTask(leased.id, 'w1', { state: 'done' }), false);
        assert.deepEqual(await store.taskStates([]), new Map());
        assert.deepEqual(
          await store.taskStates([leased.id, done.id, queued.id, 'no-such-task']),
          new Map([
            [leased.id, 'cancelled'],
            [done.id, 'done'],
            [queued.id, 'queued'],
          ]),
        );
        assert.equal(await store.cancelTask(queued.id), true);
        assert.deepEqual((await store.listTasks({ dataset: ds, states: ['queued', 'leased'] })).length, 0);
      });

      it('listTasks filters and taskCounts counts by state', async () => {
        const ds = unique('counts');
        const before = await store.taskCounts();
        assert.deepEqual(Object.keys(before).sort(), ['cancelled', 'done', 'failed', 'leased', 'queued']);
        await store.enqueueTasks([1, 2, 3, 4].map((i) => task(ds, i)));
        const now = Date.now();
        const [a, b, c] = await store.leaseTasks({ owner: 'w1', limit: 3, leaseMs: 60_000, now, datasets: [ds] });
        await store.finishTask(a!.id, 'w1', { state: 'done' });
        await store.finishTask(b!.id, 'w1', { state: 'failed', error: 'x' });
        const after = await store.taskCounts();
        const delta = (s: TaskState) => after[s] - before[s];
        assert.deepEqual([delta('queued'), delta('leased'), delta('done'), delta('failed'), delta('cancelled')], [1, 1, 1, 1, 0]);
        assert.deepEqual(
          (await store.listTasks({ dataset: ds, states: ['leased'] })).map((t) => t.id),
          [c!.id],
        );
        assert.equal((await store.listTasks({ dataset: ds, limit: 2 })).length, 2);
        assert.deepEqual(
          (await store.listTasks({ dataset: ds, idx: 3 })).map((t) => t.id),
          [c!.id],
        );
        assert.deepEqual(await store.listTasks({ dataset: ds, states: [] }), []);
        await store.cancelTasks([ds]);
      });

      it('two connections leasing at once never lease the same task twice', async () => {
        const ds = unique('race');
        const total = 300;
        await store.enqueueTasks(Array.from({ length: total }, (_, i) => task(ds, i, { priority: i % 5 })));
        const other = await open();
        try {
          const drain = async (s: StateStore, owner: string): Promise<string[]> => {
            const got: string[] = [];
            for (;;) {
              const leased = await s.leaseTasks({ owner, limit: 7, leaseMs: 60_000, now: Date.now(), datasets: [ds], perDataset: { [ds]: 1_000 } });
              if (leased.length === 0) return got;
              for (const t of leased) {
                got.push(t.id);
                assert.equal(await s.finishTask(t.id, owner, { state: 'done' }), true);
              }
            }
          };
          const results = await Promise.all([drain(store, 'a1'), drain(other, 'b1'), drain(store, 'a2'), drain(other, 'b2')]);
          const all = results.flat();
          assert.equal(all.length, total);
          assert.equal(new Set(all).size, total);
          assert.ok(results.filter((r) => r.length > 0).length >= 2, 'both connections should have leased some tasks');
        } finally {
          await other.close();
        }
      });
    });

    describe('completeBuild', () => {
      const lease = async (ds: string, owner: string, leaseMs = 60_000, now = Date.now()) => {
        await store.enqueueTasks([task(ds, 4)]);
        const [t] = await store.leaseTasks({ owner, limit: 1, leaseMs, now, datasets: [ds] });
        assert.ok(t);
        const runId = unique('run');
        await store.startRun({
          id: runId,
          taskId: t.id,
          dataset: ds,
          idx: 4,
          key: 'k4',
          cause: 'missing',
          reason: 'r',
          attempt: t.attempts,
          worker: owner,
          startedAt: now,
        });
        return { t, runId };
      };

      it('on success commits the version, finishes run and task, appends logs, in one call', async () => {
        const ds = unique('complete');
        const { t, runId } = await lease(ds, 'w1');
        const v = version(ds, 4, { runId });
        const logs = [{ runId, at: 1, level: 'info' as const, message: 'built' }];
        const result = await store.completeBuild({
          version: v,
          runId,
          run: { status: 'succeeded', finishedAt: 2_000 },
          taskId: t.id,
          owner: 'w1',
          task: { state: 'done' },
          logs,
        });
        assert.equal(result.held, true);
        assert.equal(result.seq, await store.currentSeq());
        const p = await store.getPartition(ds, 4);
        assert.equal(p?.versionId, v.id);
        assert.equal(p?.currentSeq, result.seq);
        assert.deepEqual(await store.getVersion(v.id), { ...v, seq: result.seq, state: 'committed' });
        const run = await store.getRun(runId);
        assert.equal(run?.status, 'succeeded');
        assert.equal(run?.versionId, v.id);
        assert.equal(run?.finishedAt, 2_000);
        assert.deepEqual(await store.runLogs(runId), logs);
        assert.equal((await store.listTasks({ dataset: ds }))[0]?.state, 'done');
        assert.deepEqual(await store.partitionColumns(ds), await fullRead(store, ds));
      });

      it('quarantines a version whose checks failed: kept with its results, never current, partition failed', async () => {
        const ds = unique('complete-quarantine');
        const good = version(ds, 4);
        await store.commitVersions([good]);
        const { t, runId } = await lease(ds, 'w1');
        const bad = version(ds, 4, { runId });
        const failing = checkResult(bad, 'not_null(id)', {
          status: 'fail',
          observed: '2 rows',
          failingRows: 2,
          sample: [{ id: null, at: '2026-11-23T19:00:00.000Z' }],
        });
        const passing = checkResult(bad, 'unique(id)', { kind: 'unique' });
        const result = await store.completeBuild({
          quarantine: bad,
          checks: [failing, passing],
          runId,
          run: { status: 'failed', error: 'check not_null(id) failed', retryable: false, finishedAt: 2_000 },
          taskId: t.id,
          owner: 'w1',
          task: { state: 'failed', error: 'check not_null(id) failed' },
          logs: [],
          markFailed: { dataset: ds, idx: 4, key: 'k4', error: 'check not_null(id) failed' },
        });
        assert.deepEqual(result, { held: true, seq: null });
        const p = await store.getPartition(ds, 4);
        assert.equal(p?.versionId, good.id, 'the previous version stays current');
        assert.equal(p?.status, 'failed');
        assert.ok((p?.inputSeq ?? 0) > good.inputSeq, 'inputs committed after the failure make it stale again');
        assert.equal((await store.getVersion(bad.id))?.state, 'quarantined');
        assert.equal((await store.getRun(runId))?.versionId, bad.id);
        const results = await store.checkResults({ dataset: ds });
        assert.deepEqual(results.map((r) => [r.check, r.status, r.versionState, r.current]).sort(), [
          ['not_null(id)', 'fail', 'quarantined', false],
          ['unique(id)', 'pass', 'quarantined', false],
        ]);
        const [failed] = await store.checkResults({ dataset: ds, failed: true });
        assert.deepEqual(failed?.sample, failing.sample);
        assert.deepEqual(failed?.keyColumns, ['id']);
        assert.equal(failed?.failingRows, 2);
        assert.deepEqual(await store.partitionColumns(ds), await fullRead(store, ds));
      });

      it('writes nothing when one of its statements fails', async () => {
        const ds = unique('complete-rollback');
        const taken = version(ds, 9);
        await store.commitVersions([taken]);
        const seq = await store.currentSeq();
        const { t, runId } = await lease(ds, 'w1');
        // The version's id is taken: its insert fails after the task was finished and the seq taken.
        const v = version(ds, 4, { id: taken.id, runId });
        await assert.rejects(
          store.completeBuild({
            version: v,
            runId,
            run: { status: 'succeeded', finishedAt: 2_000 },
            taskId: t.id,
            owner: 'w1',
            task: { state: 'done' },
            logs: [{ runId, at: 1, level: 'info', message: 'built' }],
          }),
        );
        assert.equal(await store.currentSeq(), seq);
        assert.equal(await store.getPartition(ds, 4), undefined);
        assert.equal((await store.listTasks({ dataset: ds }))[0]?.state, 'leased');
        assert.equal((await store.getRun(runId))?.status, 'running');
        assert.deepEqual(await store.runLogs(runId), []);
      });

      it('on a final failure marks the partition failed; on a retry queues the task again', async () => {
        const ds = unique('complete-fail');
        const first = await lease(ds, 'w1');
        const retry = await store.completeBuild({
          runId: first.runId,
          run: { status: 'failed', error: 'flaky', retryable: true, finishedAt: 3 },
          taskId: first.t.id,
          owner: 'w1',
          task: { state: 'queued', notBefore: 0, error: 'flaky' },
          logs: [],
        });
        assert.deepEqual(retry, { held: true, seq: null });
        const [queued] = await store.listTasks({ dataset: ds });
        assert.equal(queued?.state, 'queued');
        assert.equal(queued?.lastError, 'flaky');
        assert.equal(await store.getPartition(ds, 4), undefined);

        const [again] = await store.leaseTasks({ owner: 'w1', limit: 1, leaseMs: 60_000, now: Date.now(), datasets: [ds] });
        assert.ok(again);
        const runId = unique('run');
        await store.startRun({
          id: runId,
          taskId: again.id,
          dataset: ds,
          idx: 4,
          key: 'k4',
          cause: 'retry',
          reason: 'r',
          attempt: again.attempts,
          worker: 'w1',
          startedAt: 4,
        });
        const final = await store.completeBuild({
          runId,
          run: { status: 'failed', error: 'bad SQL', retryable: false, finishedAt: 5 },
          taskId: again.id,
          owner: 'w1',
          task: { state: 'failed', error: 'bad SQL' },
          logs: [{ runId, at: 5, level: 'error', message: 'bad SQL' }],
          markFailed: { dataset: ds, idx: 4, key: 'k4', error: 'bad SQL' },
        });
        assert.deepEqual(final, { held: true, seq: null });
        const p = await store.getPartition(ds, 4);
        assert.equal(p?.status, 'failed');
        assert.equal(p?.error, 'bad SQL');
        const run = await store.getRun(runId);
        assert.deepEqual([run?.status, run?.error, run?.retryable], ['failed', 'bad SQL', false]);
        assert.equal((await store.listTasks({ dataset: ds }))[0]?.state, 'failed');
        assert.equal((await store.runLogs(runId)).length, 1);
        assert.deepEqual(await store.partitionColumns(ds), await fullRead(store, ds));
      });

      it('after losing the lease records only the run and logs, never the version', async () => {
        const ds = unique('complete-lost');
        const now = Date.now();
        const { t, runId } = await lease(ds, 'w1', 10, now);
        const [taken] = await store.leaseTasks({ owner: 'w2', limit: 1, leaseMs: 60_000, now: now + 11, datasets: [ds] });
        assert.equal(taken?.id, t.id);
        const v = version(ds, 4, { runId });
        const before = await store.currentSeq();
        const result = await store.completeBuild({
          version: v,
          runId,
          run: { status: 'succeeded', finishedAt: 9 },
          taskId: t.id,
          owner: 'w1',
          task: { state: 'done' },
          logs: [{ runId, at: 9, level: 'info', message: 'built' }],
          markFailed: { dataset: ds, idx: 4, key: 'k4', error: 'x' },
        });
        assert.deepEqual(result, { held: false, seq: null });
        assert.equal(await store.getVersion(v.id), undefined);
        assert.equal(await store.getPartition(ds, 4), undefined);
        assert.equal(await store.currentSeq(), before);
        const run = await store.getRun(runId);
        assert.equal(run?.status, 'failed');
        assert.equal(run?.versionId, null);
        assert.match(run?.error ?? '', /lease was lost/);
        assert.equal((await store.runLogs(runId)).length, 1);
        const [still] = await store.listTasks({ dataset: ds });
        assert.deepEqual([still?.state, still?.leaseOwner], ['leased', 'w2']);
      });
    });

    describe('subject keys', () => {
      const key = (pseudonym: string, wrappedKey = `w-${pseudonym}`, createdAt = 1) => ({ pseudonym, wrappedKey, createdAt });
      /** Stores under the current epoch, as a key ring does. */
      const put = async (s: StateStore, candidates: readonly ReturnType<typeof key>[]) =>
        (await s.subjectKeys(candidates, (await s.keyRingStamp()).epoch)).keys;
      it('creates the keys of many subjects in one call and keeps the first key of each', async () => {
        const names = Array.from({ length: 12_000 }, (_, i) => unique(`ps_${i}`));
        const first = await put(
          store,
          names.map((n) => key(n)),
        );
        assert.equal(first.size, names.length);
        const epoch = (await store.keyRingStamp()).epoch;
        assert.deepEqual(first.get(names[7] as string), { pseudonym: names[7], wrappedKey: `w-${names[7]}`, createdAt: 1, forgottenAt: null, epoch });
        // Known subjects keep their key; a new one gets the candidate's.
        const fresh = unique('ps_new');
        const again = await put(store, [key(names[0] as string, 'other', 2), key(fresh, 'w-new', 2), key(fresh, 'w-dup', 2)]);
        assert.equal(again.get(names[0] as string)?.wrappedKey, `w-${names[0]}`);
        assert.equal(again.get(fresh)?.wrappedKey, 'w-new');
        assert.equal((await put(store, [])).size, 0);
      });

      it('agrees on one key when landers race to create the same subjects', async () => {
        const names = Array.from({ length: 300 }, (_, i) => unique(`race_${i}`));
        const other = await open();
        try {
          const [a, b] = await Promise.all([
            put(
              store,
              names.map((n) => key(n, `a-${n}`)),
            ),
            put(
              other,
              names.map((n) => key(n, `b-${n}`)),
            ),
          ]);
          for (const n of names) assert.equal(a.get(n)?.wrappedKey, b.get(n)?.wrappedKey);
        } finally {
          await other.close();
        }
      });

      it('forgets a subject for good: the key is deleted and never created again', async () => {
        const [kept, gone] = [unique('ps_kept'), unique('ps_gone')];
        await put(store, [key(kept), key(gone)]);
        assert.deepEqual(await store.forgetSubjectKeys([gone, unique('ps_unknown')], 50), [gone]);
        assert.deepEqual(await store.forgetSubjectKeys([gone], 60), []);
        const found = await store.findSubjectKeys([kept, gone, unique('ps_never')]);
        assert.deepEqual([...found.keys()].sort(), [kept, gone].sort());
        assert.equal(found.get(gone)?.wrappedKey, null);
        const after = await put(store, [key(kept), key(gone, 'w-again')]);
        assert.deepEqual(after.get(gone), { pseudonym: gone, wrappedKey: null, createdAt: 1, forgottenAt: 50, epoch: null });
        assert.equal(after.get(kept)?.wrappedKey, `w-${kept}`);
      });

      it('rotates the key epoch: every live key re-wrapped in one transaction, keys of the old epoch refused after', async () => {
        const [a, b, gone] = [unique('ps_rot_a'), unique('ps_rot_b'), unique('ps_rot_gone')];
        await put(store, [key(a), key(b), key(gone)]);
        await store.forgetSubjectKeys([gone], 70);
        const from = (await store.keyRingStamp()).epoch;
        const seen: string[] = [];
        assert.equal(await store.rotateKeyEpoch(from, from + 1, (k) => (seen.push(k.pseudonym), `${k.wrappedKey}@${from + 1}`)), true);
        assert.ok(seen.includes(a) && seen.includes(b) && !seen.includes(gone));
        assert.equal((await store.keyRingStamp()).epoch, from + 1);
        const rows = await store.findSubjectKeys([a, b, gone]);
        assert.deepEqual([rows.get(a)?.wrappedKey, rows.get(a)?.epoch], [`w-${a}@${from + 1}`, from + 1]);
        assert.deepEqual([rows.get(gone)?.wrappedKey, rows.get(gone)?.epoch], [null, null]);
        // A second rotation from the same epoch lost the race: nothing changes.
        assert.equal(await store.rotateKeyEpoch(from, from + 1, () => 'never'), false);
        assert.equal((await store.findSubjectKeys([a])).get(a)?.wrappedKey, `w-${a}@${from + 1}`);
        // A key wrapped under the old epoch is not stored; the answer names the current epoch.
        const late = unique('ps_rot_late');
        const refused = await store.subjectKeys([key(late)], from);
        assert.deepEqual([refused.keys.has(late), refused.epoch], [false, from + 1]);
        const stored = await store.subjectKeys([key(late)], from + 1);
        assert.deepEqual([stored.keys.get(late)?.epoch, stored.epoch], [from + 1, from + 1]);
        await store.scrubDeleted();
      });
    });

    describe('forget requests', () => {
      it('records requests with their keys deleted, marks raw partitions changed, and completes', async () => {
        const [known, never] = [unique('ps_known'), unique('ps_never')];
        await store.subjectKeys([{ pseudonym: known, wrappedKey: 'w', createdAt: 1 }], (await store.keyRingStamp()).epoch);
        const stampBefore = await store.forgottenStamp();
        const base = { requestedAt: 100, requestedBy: 'dpo', reason: 'ticket 1' };
        const recorded = await store.recordForgetRequests([
          { ...base, id: unique('fgt_a'), pseudonym: known },
          { ...base, id: unique('fgt_b'), pseudonym: never },
        ]);
        assert.deepEqual(
          recorded.map((r) => [r.hadKey, r.status, r.seq]),
          [
            [true, 'recorded', null],
            [false, 'recorded', null],
          ],
        );
        // Both subjects are forgotten: the one never seen gets a tombstone, so it never gets a key.
        const keys = await store.findSubjectKeys([known, never]);
        assert.deepEqual([keys.get(known)?.forgottenAt, keys.get(never)?.forgottenAt, keys.get(never)?.wrappedKey], [100, 100, null]);
        assert.equal(
          (await store.subjectKeys([{ pseudonym: never, wrappedKey: 'again', createdAt: 2 }], (await store.keyRingStamp()).epoch)).keys.get(never)?.wrappedKey,
          null,
        );
        const forgotten = await store.forgottenSubjects();
        assert.ok(forgotten.includes(known) && forgotten.includes(never));
        assert.notEqual(await store.forgottenStamp(), stampBefore);

        const raw = unique('raw');
        const derived = unique('ds');
        await store.commitVersions([version(raw, 1), version(raw, 2), version(raw, 3)]);
        const before = await store.partitionColumns(raw);
        const ids = recorded.map((r) => r.id);
        const waitFor = [{ dataset: derived, idx: 1, key: 'k1', versionId: 'v-old' }];
        const seq = await store.startForgetRebuilds(ids, [{ dataset: raw, idxs: [1, 3, 99] }], waitFor, 200);
        const columns = await store.partitionColumns(raw);
        assert.deepEqual([...columns.currentSeq], [seq, before.currentSeq[1], seq], 'partitions 1 and 3 got the new seq; 99 has no version');
        const [a] = await store.forgetRequests({ ids: [ids[0] as string] });
        assert.deepEqual([a?.status, a?.seq, a?.rawPartitions], ['rebuilding', seq, 2]);
        assert.deepEqual(await store.forgetPartitions(ids[0] as string), waitFor);
        assert.equal((await store.forgetRequests({ pseudonym: never })).length, 1);
        assert.ok((await store.forgetRequests({ status: ['rebuilding'] })).some((r) => r.id === ids[1]));
        await store.completeForgetRequest(ids[0] as string, 300);
        const [done] = await store.forgetRequests({ ids: [ids[0] as string] });
        assert.deepEqual([done?.status, done?.completedAt], ['done', 300]);
      });

      it('forgets a subject once, records verifications, and finds text in the state', async () => {
        const subject = unique('ps_once');
        const base = { requestedAt: 100, requestedBy: 'dpo', reason: 'ticket 1' };
        const [first] = await store.recordForgetRequests([{ ...base, id: unique('fgt_1'), pseudonym: subject }]);
        assert.ok(first);
        assert.equal(first.verification, null);
        assert.deepEqual(
          await store.recordForgetRequests([{ ...base, id: unique('fgt_2'), pseudonym: subject, requestedAt: 200 }]),
          [],
          'a subject with a request is left out',
        );
        assert.deepEqual(
          (await store.forgetRequests({ pseudonym: subject })).map((r) => r.id),
          [first.id],
        );

        const finding = {
          area: 'dataset' as const,
          name: 'ds',
          dataset: null,
          key: 'k1',
          versionId: 'v1',
          column: 'note',
          value: 'pseudonym' as const,
          rows: 2,
        };
        await store.recordForgetVerification(first.id, {
          at: 400,
          lookedFor: 'pseudonym',
          findings: [finding],
          total: 1,
          scanned: { versions: 3, files: 4 },
          error: null,
        });
        await store.recordForgetVerification(first.id, {
          at: 500,
          lookedFor: 'clear identifier and pseudonym',
          findings: [],
          total: 0,
          scanned: { versions: 3, files: 4 },
          error: null,
        });
        const [verified] = await store.forgetRequests({ ids: [first.id] });
        assert.deepEqual(verified?.verification, {
          at: 500,
          lookedFor: 'clear identifier and pseudonym',
          findings: [],
          total: 0,
          scanned: { versions: 3, files: 4 },
          error: null,
        });

        const ds = unique('ds');
        const needle = unique('User-42%');
        await store.markFailed(ds, 1, 'k1', `cannot parse "${needle}" in row 3`);
        await store.markFailed(ds, 2, 'k2', `cannot parse "${needle.replace('%', 'x')}" in row 4`);
        const found = (await store.findStateText([needle.toLowerCase()])).filter((t) => t.dataset === ds);
        assert.deepEqual(
          found.map((t) => [t.table, t.column, t.key, t.text.includes(needle)]),
          [['partitions', 'error', 'k1', true]],
          'ignoring case; % and _ are no wildcards',
        );
        assert.deepEqual(await store.findStateText([]), []);
      });
    });

    describe('sink state', () => {
      it('records, replaces and lists the state of each sink per partition', async () => {
        const ds = unique('ds');
        const base = { dataset: ds, publishedAt: null, attemptedVersion: null, error: null, attempts: 0, nextAttemptAt: null, updatedAt: 1 };
        assert.deepEqual(await store.sinkStates(ds), []);
        await store.recordSinkStates([
          { ...base, sink: 'pg', idx: 2, key: 'k2', versionId: 'v2', publishedAt: 100 },
          { ...base, sink: 'pg', idx: 1, key: 'k1', versionId: 'v1', publishedAt: 100 },
          { ...base, sink: 'hook', idx: 1, key: 'k1', versionId: null, attemptedVersion: 'v1', error: 'HTTP 500', attempts: 1, nextAttemptAt: 2_000 },
        ]);
        assert.deepEqual(
          (await store.sinkStates(ds)).map((s) => [s.sink, s.idx, s.versionId, s.error]),
          [
            ['hook', 1, null, 'HTTP 500'],
            ['pg', 1, 'v1', null],
            ['pg', 2, 'v2', null],
          ],
        );
        // A later attempt replaces the row: the failure is counted, then cleared by a success.
        await store.recordSinkStates([
          {
            ...base,
            sink: 'hook',
            idx: 1,
            key: 'k1',
            versionId: null,
            attemptedVersion: 'v1',
            error: 'HTTP 502',
            attempts: 2,
            nextAttemptAt: 4_000,
            updatedAt: 2,
          },
        ]);
        const failed = await store.sinkStates(ds, { sink: 'hook' });
        assert.deepEqual(failed, [
          {
            ...base,
            sink: 'hook',
            idx: 1,
            key: 'k1',
            versionId: null,
            attemptedVersion: 'v1',
            error: 'HTTP 502',
            attempts: 2,
            nextAttemptAt: 4_000,
            updatedAt: 2,
          },
        ]);
        await store.recordSinkStates([{ ...base, sink: 'hook', idx: 1, key: 'k1', versionId: 'v1', publishedAt: 5_000, updatedAt: 3 }]);
        assert.deepEqual(
          (await store.sinkStates(ds, { sink: 'hook' })).map((s) => [s.versionId, s.publishedAt, s.error, s.attempts, s.nextAttemptAt]),
          [['v1', 5_000, null, 0, null]],
        );
        assert.deepEqual(
          (await store.sinkStates(ds, { idx: 2 })).map((s) => [s.sink, s.key]),
          [['pg', 'k2']],
        );
        assert.equal((await store.sinkStates(unique('other'))).length, 0);
      });

      it('records thousands of partitions in one call', async () => {
        const ds = unique('ds');
        const many = Array.from({ length: 3_000 }, (_, i) => ({
          dataset: ds,
          sink: 's',
          idx: i,
          key: `k${i}`,
          versionId: `v${i}`,
          publishedAt: i,
          attemptedVersion: null,
          error: null,
          attempts: 0,
          nextAttemptAt: null,
          updatedAt: i,
        }));
        await store.recordSinkStates(many);
        const read = await store.sinkStates(ds, { sink: 's' });
        assert.equal(read.length, 3_000);
        assert.equal(read[2_999]?.versionId, 'v2999');
      });
    });

    describe('schema registry', () => {
      const schema = (n: number) => ({ stream: '', fingerprint: `fp-${n}`, schema: `{"n":${n}}`, compatibility: 'BACKWARD', registeredAt: 1_000 + n });

      it('numbers versions per stream, returns the same version for the same fingerprint, and lists them oldest first', async () => {
        const a = unique('stream');
        const b = unique('stream');
        assert.deepEqual(await store.schemaVersions(a), []);
        const first = await store.registerSchemaVersion({ ...schema(1), stream: a, after: 0 });
        assert.deepEqual(first, {
          created: true,
          version: { stream: a, version: 1, fingerprint: 'fp-1', schema: '{"n":1}', compatibility: 'BACKWARD', registeredAt: 1_001 },
        });
        // Registering the latest again is a no-op, whatever `after` says.
        assert.deepEqual(await store.registerSchemaVersion({ ...schema(1), stream: a, after: 0, registeredAt: 9_999 }), { ...first, created: false });
        const second = await store.registerSchemaVersion({ ...schema(2), stream: a, after: 1, compatibility: 'FULL' });
        assert.equal(second.version.version, 2);
        assert.equal(second.version.compatibility, 'FULL');
        await store.registerSchemaVersion({ ...schema(7), stream: b, after: 0 });
        assert.deepEqual(
          (await store.schemaVersions(a)).map((v) => [v.version, v.fingerprint]),
          [
            [1, 'fp-1'],
            [2, 'fp-2'],
          ],
        );
        const latest = await store.latestSchemaVersions();
        assert.equal(latest.get(a)?.version, 2);
        assert.equal(latest.get(a)?.fingerprint, 'fp-2');
        assert.equal(latest.get(b)?.version, 1);
      });

      it('refuses a registration checked against an outdated latest version, and registers a revert as a new version', async () => {
        const a = unique('stream');
        await store.registerSchemaVersion({ ...schema(1), stream: a, after: 0 });
        await store.registerSchemaVersion({ ...schema(2), stream: a, after: 1 });
        await assert.rejects(
          store.registerSchemaVersion({ ...schema(3), stream: a, after: 1 }),
          (error: Error & { code?: string }) => error.code === 'CONFLICT' && error.message.includes(a),
        );
        // Data written with version 2 exists: going back to version 1's schema is a change like any other.
        const revert = await store.registerSchemaVersion({ ...schema(1), stream: a, after: 2 });
        assert.deepEqual([revert.created, revert.version.version], [true, 3]);
        assert.deepEqual(
          (await store.schemaVersions(a)).map((v) => v.fingerprint),
          ['fp-1', 'fp-2', 'fp-1'],
        );
      });

      it('gives one version number to one of two processes racing for it', async () => {
        const a = unique('stream');
        const other = await open();
        try {
          const results = await Promise.allSettled([
            store.registerSchemaVersion({ ...schema(1), stream: a, after: 0 }),
            other.registerSchemaVersion({ ...schema(2), stream: a, after: 0 }),
          ]);
          const won = results.filter((r) => r.status === 'fulfilled');
          const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
          assert.equal(won.length, 1);
          assert.equal((lost[0]?.reason as { code?: string }).code, 'CONFLICT');
          assert.equal((await store.schemaVersions(a)).length, 1);

          // The same schema from both: both get version 2, one of them created it.
          const same = await Promise.all([
            store.registerSchemaVersion({ ...schema(5), stream: a, after: 1 }),
            other.registerSchemaVersion({ ...schema(5), stream: a, after: 1 }),
          ]);
          assert.deepEqual(
            same.map((r) => r.version.version),
            [2, 2],
          );
          assert.deepEqual(same.map((r) => r.created).sort(), [false, true]);
        } finally {
          await other.close();
        }
      });
    });

    describe('retention and gc', () => {
      // One partition: committed v1..v4 (v4 current), then two quarantined attempts q1, q2 (q2 the latest).
      async function history(ds: string) {
        const at = (n: number) => ({ createdAt: n * 1000 });
        const v = [1, 2, 3, 4].map((n) => version(ds, 0, { id: unique(`v${n}`), ...at(n) }));
        for (const x of v) await store.commitVersions([x]);
        const q = [4.5, 5].map((n) => version(ds, 0, { id: unique('q'), ...at(n) }));
        for (const x of q) await store.quarantineVersion(x);
        await store.commitVersions([version(ds, 1, at(1))]);
        return { v: v.map((x) => x.id), q: q.map((x) => x.id) };
      }
      const ids = (rows: readonly { id: string }[]) => rows.map((r) => r.id);

      it('finds superseded versions beyond keep and for, in the database, sparing current and latest quarantined', async () => {
        const ds = unique('ret');
        const { v, q } = await history(ds);
        const [v1, v2, v3] = v;
        const rule = { dataset: ds, keep: null, supersededBefore: null, graceBefore: 1e15 };
        assert.deepEqual(await store.expiredVersions(rule), [], 'no limits: keep all');
        assert.deepEqual(ids(await store.expiredVersions({ ...rule, keep: 1 })), [v1, v2]);
        assert.deepEqual(ids(await store.expiredVersions({ ...rule, keep: 0 })).sort(), [v1, v2, v3, q[0]].sort());
        // Age is measured from being superseded: v1 by v2 (created at 2000), v2 by v3 (3000).
        const byAge = await store.expiredVersions({ ...rule, supersededBefore: 3000 });
        assert.deepEqual(ids(byAge), [v1, v2]);
        assert.deepEqual(
          byAge.map((r) => [r.supersededAt, r.newer]),
          [
            [2000, 3],
            [3000, 2],
          ],
        );
        assert.deepEqual(ids(await store.expiredVersions({ ...rule, keep: 1, supersededBefore: 2500 })), [v1], 'beyond both limits');
        assert.deepEqual(ids(await store.expiredVersions({ ...rule, keep: 0, graceBefore: 3500 })), [v1, v2], 'the grace period spares recent ones');
        assert.deepEqual(ids(await store.expiredVersions({ ...rule, keep: 0, limit: 1 })), [v1]);
        // A sink state naming a version spares it.
        await store.recordSinkStates([
          {
            dataset: ds,
            sink: 's',
            idx: 0,
            key: 'k0',
            versionId: v1 as string,
            publishedAt: 1,
            attemptedVersion: v2 as string,
            error: 'x',
            attempts: 1,
            nextAttemptAt: 2,
            updatedAt: 3,
          },
        ]);
        assert.deepEqual(ids(await store.expiredVersions({ ...rule, keep: 1 })), []);
      });

      it('deletes versions, their check results and only files no remaining version lists, and logs them, in one transaction', async () => {
        const ds = unique('del');
        const file = (n: number) => ({ path: `raw/${ds}/k0/f${n}.parquet`, rows: 1, bytes: 100 * n });
        // Raw-style: each version lists the files of the one before; v3 is compacted into one file.
        const v1 = version(ds, 0, { files: [file(1)], createdAt: 1000 });
        const v2 = version(ds, 0, { files: [file(1), file(2)], createdAt: 2000 });
        const v3 = version(ds, 0, { files: [file(2), file(3)], createdAt: 3000 });
        for (const x of [v1, v2, v3]) await store.commitVersions([x]);
        await store.recordCheckResults([checkResult(v1, 'c1'), checkResult(v3, 'c1')]);
        const gcId = unique('gc');
        const request = { dataset: ds, versions: [v1, v2, v3].map((x) => ({ id: x.id, reason: `r ${x.id}` })), gcId, firstN: 5, at: 9000 };
        const dry = await store.deleteVersions({ ...request, dryRun: true });
        assert.ok(await store.getVersion(v1.id), 'a dry run deletes nothing');
        assert.deepEqual(await store.gcLog({ gcId }), []);
        const deleted = await store.deleteVersions(request);
        assert.deepEqual(deleted, dry);
        // v3 is current: skipped. f1 goes (only v1 and v2 listed it), f2 stays (v3 lists it).
        assert.deepEqual(
          deleted.map((d) => [d.id, d.files, d.bytes]),
          [
            [v1.id, [file(1).path], 100],
            [v2.id, [], 0],
          ],
        );
        assert.equal(await store.getVersion(v1.id), undefined);
        assert.equal(await store.getVersion(v2.id), undefined);
        assert.ok(await store.getVersion(v3.id));
        assert.equal((await store.getPartition(ds, 0))?.versionId, v3.id);
        assert.deepEqual(
          (await store.checkResults({ dataset: ds })).map((c) => c.versionId),
          [v3.id],
        );
        assert.ok(!(await store.versionPrefixes()).has(v1.prefix));
        const log = await store.gcLog({ gcId });
        assert.deepEqual(
          log.map((e) => [e.n, e.kind, e.versionId, e.files, e.bytes, e.reason]),
          [
            [5, 'version', v1.id, 2, 100, `r ${v1.id}`],
            [6, 'version', v2.id, 1, 0, `r ${v2.id}`],
          ],
        );
        assert.deepEqual(await store.deleteVersions(request), [], 'deleting again is a no-op');
        await store.appendGcLog([
          { gcId, n: 7, at: 9001, kind: 'orphans', dataset: ds, idx: null, key: null, versionId: null, reason: 'unreferenced', files: 3, bytes: 30 },
        ]);
        assert.deepEqual(
          (await store.gcLog({ dataset: ds })).map((e) => e.n),
          [7, 5, 6],
        );
      });

      it('expires whole partitions: every version, check result and sink state, leaving a tombstone caches see', async () => {
        const ds = unique('exp');
        const file = (idx: number, n: number) => ({ path: `raw/${ds}/k${idx}/f${n}.parquet`, rows: 1, bytes: 10 * n });
        // Partition 0: two versions (the second lists the first's file too) and a quarantined attempt; 1: failed, never built; 2: stays.
        const a = version(ds, 0, { files: [file(0, 1)] });
        const b = version(ds, 0, { files: [file(0, 1), file(0, 2)] });
        for (const x of [a, b]) await store.commitVersions([x]);
        const q = version(ds, 0, { files: [file(0, 3)] });
        await store.quarantineVersion(q);
        await store.recordCheckResults([checkResult(a, 'c'), checkResult(b, 'c')]);
        await store.recordSinkStates([
          {
            dataset: ds,
            sink: 's',
            idx: 0,
            key: 'k0',
            versionId: b.id,
            publishedAt: 1,
            attemptedVersion: null,
            error: null,
            attempts: 0,
            nextAttemptAt: null,
            updatedAt: 1,
          },
        ]);
        await store.markFailed(ds, 1, 'k1', 'boom');
        const keep = version(ds, 2, { files: [file(2, 1)] });
        await store.commitVersions([keep]);
        const columnsBefore = await store.partitionColumns(ds);
        const gcId = unique('gc');
        const request = { dataset: ds, beforeIdx: 2, reason: 'too old', gcId, firstN: 0, at: 5000 };
        const dry = await store.expirePartitions({ ...request, dryRun: true });
        assert.deepEqual(
          dry.map((p) => [p.idx, p.versions, [...p.files].sort(), p.bytes]),
          [
            [0, 3, [file(0, 1).path, file(0, 2).path, file(0, 3).path], 60],
            [1, 0, [], 0],
          ],
        );
        assert.ok(await store.getVersion(a.id), 'a dry run deletes nothing');
        assert.deepEqual(await store.expirePartitions(request), dry);
        for (const id of [a.id, b.id, q.id]) assert.equal(await store.getVersion(id), undefined);
        assert.deepEqual(await store.checkResults({ dataset: ds }), []);
        assert.deepEqual(await store.sinkStates(ds), []);
        assert.deepEqual(await store.currentVersions(ds, 0, 3).then((c) => c.map((v) => v.versionId)), [keep.id]);
        assert.equal((await store.getPartition(ds, 0))?.status, 'expired');
        assert.deepEqual(
          (await store.statusRuns(ds)).map((r) => [r.status, r.start, r.end]),
          [['ok', 2, 3]],
        );
        // The partition cache, read before, sees the tombstones in its next delta: nothing built there any more.
        assert.equal(columnsBefore.built[0], 1);
        const columnsAfter = await store.partitionColumns(ds);
        assert.deepEqual([...columnsAfter.built], [0, 0, 1]);
        assert.deepEqual([...columnsAfter.failed], [0, 0, 0]);
        assert.deepEqual(
          (await store.gcLog({ gcId })).map((e) => [e.kind, e.idx, e.files, e.bytes, e.reason]),
          [
            ['partition', 0, 6, 60, 'too old'],
            ['partition', 1, 0, 0, 'too old'],
          ],
        );
        assert.deepEqual(await store.expirePartitions(request), [], 'expiring again is a no-op');
        // A late event brings a partition back: it is built again like any other.
        const late = version(ds, 0, { files: [file(0, 9)] });
        await store.commitVersions([late]);
        assert.equal((await store.getPartition(ds, 0))?.status, 'ok');
        assert.deepEqual([...(await store.partitionColumns(ds)).built], [1, 0, 1]);
      });
    });

    describe('runs and logs', () => {
      it('starts, finishes and lists runs newest first', async () => {
        const ds = unique('runs');
        const base = { taskId: null, idx: 0, key: 'all', cause: 'manual' as const, reason: 'asked', attempt: 1, worker: 'w1' };
        const r1 = unique('run');
        const r2 = unique('run');
        const r3 = unique('run');
        await store.startRun({ ...base, id: r1, dataset: ds, startedAt: 1_000, taskId: 't1' });
        await store.startRun({ ...base, id: r2, dataset: ds, startedAt: 2_000 });
        await store.startRun({ ...base, id: r3, dataset: `${ds}-other`, startedAt: 3_000 });
        assert.deepEqual(await store.getRun(r1), {
          ...base,
          id: r1,
          dataset: ds,
          taskId: 't1',
          startedAt: 1_000,
          status: 'running',
          error: null,
          retryable: null,
          versionId: null,
          finishedAt: null,
        });
        await store.finishRun(r1, { status: 'failed', error: 'boom', retryable: false, finishedAt: 1_500 });
        await store.finishRun(r2, { status: 'succeeded', versionId: 'v9', finishedAt: 2_500 });
        const f1 = await store.getRun(r1);
        assert.equal(f1?.status, 'failed');
        assert.equal(f1?.error, 'boom');
        assert.equal(f1?.retryable, false);
        assert.equal(f1?.finishedAt, 1_500);
        const f2 = await store.getRun(r2);
        assert.equal(f2?.versionId, 'v9');
        assert.equal(f2?.retryable, null);
        assert.equal(await store.getRun('no-such-run'), undefined);

        assert.deepEqual(
          (await store.listRuns({ dataset: ds })).map((r) => r.id),
          [r2, r1],
        );
        assert.deepEqual(
          (await store.listRuns({ dataset: ds, status: 'failed' })).map((r) => r.id),
          [r1],
        );
        assert.deepEqual(
          (await store.listRuns({ dataset: ds, limit: 1 })).map((r) => r.id),
          [r2],
        );
        const all = (await store.listRuns()).map((r) => r.id);
        assert.ok(all.indexOf(r3) < all.indexOf(r2) && all.indexOf(r2) < all.indexOf(r1));
      });

      it('lists runs of one partition, one cause or given ids', async () => {
        const ds = unique('runs-filter');
        const base = { taskId: null, dataset: ds, key: 'k', reason: 'asked', attempt: 1, worker: 'w1' };
        const [a, b, c] = [unique('run'), unique('run'), unique('run')];
        await store.startRun({ ...base, id: a, idx: 1, cause: 'missing', startedAt: 1_000 });
        await store.startRun({ ...base, id: b, idx: 2, cause: 'retry', startedAt: 2_000 });
        await store.startRun({ ...base, id: c, idx: 1, cause: 'retry', startedAt: 3_000 });
        assert.deepEqual(
          (await store.listRuns({ dataset: ds, idx: 1 })).map((r) => r.id),
          [c, a],
        );
        assert.deepEqual(
          (await store.listRuns({ dataset: ds, cause: 'retry' })).map((r) => r.id),
          [c, b],
        );
        assert.deepEqual(
          (await store.listRuns({ dataset: ds, idx: 1, cause: 'missing' })).map((r) => r.id),
          [a],
        );
        assert.deepEqual(
          (await store.listRuns({ ids: [a, b, 'no-such-run'] })).map((r) => r.id),
          [b, a],
        );
        assert.deepEqual(await store.listRuns({ ids: [] }), []);
      });

      it('appends logs and reads them back in order', async () => {
        const a = unique('run');
        const b = unique('run');
        assert.deepEqual(await store.runLogs(a), []);
        await store.appendLogs([]);
        await store.appendLogs([
          { runId: a, at: 10, level: 'info', message: 'start' },
          { runId: a, at: 10, level: 'debug', message: 'reading 3 files' },
        ]);
        await store.appendLogs([
          { runId: b, at: 11, level: 'info', message: 'other run' },
          { runId: a, at: 9, level: 'warn', message: 'clock went back' },
          { runId: a, at: 12, level: 'error', message: 'done badly' },
        ]);
        assert.deepEqual(
          (await store.runLogs(a)).map((l) => l.message),
          ['start', 'reading 3 files', 'clock went back', 'done badly'],
        );
        assert.deepEqual(await store.runLogs(b), [{ runId: b, at: 11, level: 'info', message: 'other run' }]);
      });
    });
  });
}

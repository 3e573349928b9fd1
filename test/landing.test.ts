/**
 * Landing into raw partitions directly (the path the lander and `pond load`
 * share): a partition fed many small batches is compacted into one file with
 * every row, and rows DuckDB cannot store as their columns say go to the
 * dead letters without stopping the rest.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openContext, type Context } from '../src/cli/context.ts';
import { addRow, COMPACT_AT, landBatches, rawRow, type StreamBatch } from '../src/land/index.ts';
import { makeCollectProject } from './helpers/collect-project.ts';
import { pondJson } from './helpers/project.ts';

describe('landing raw partitions', () => {
  let dir: string;
  let ctx: Context;
  before(async () => {
    dir = makeCollectProject();
    ctx = await openContext({ project: dir });
  });
  after(async () => ctx.close());

  const batchOf = (events: Array<{ id: string; raw: string; time: number }>): StreamBatch => {
    const batch: StreamBatch = { stream: ctx.project.streams.get('events')!, partitions: new Map(), deadLetters: [], receivedAt: Date.now() };
    for (const e of events)
      addRow(batch, rawRow({ raw: e.raw, eventTime: e.time, receivedAt: Date.now(), messageId: e.id, source: 'test', ip: null, userAgent: null }));
    return batch;
  };

  it(`compacts a partition into one file once it has ${COMPACT_AT}`, async () => {
    const time = Date.parse('2026-11-20T10:15:00Z');
    for (let i = 0; i < COMPACT_AT + 2; i++) {
      const raw = JSON.stringify({ messageId: `c${i}`, user_id: `u${i}`, time_utc: new Date(time).toISOString(), amount: i });
      await landBatches(ctx, [batchOf([{ id: `c${i}`, raw, time }])], Date.now(), { rememberMessages: true });
    }
    const idx = (ctx.project.streams.get('events')!.partitioning as { grain: { index(ms: number): number } }).grain.index(time);
    const [current] = await ctx.state.currentVersions('events', idx, idx + 1);
    assert.ok(current);
    assert.equal(current.rows, COMPACT_AT + 2);
    assert.ok(current.files.length < COMPACT_AT, `${current.files.length} files after compaction`);
    const rows = pondJson<Array<{ n: number; total: number }>>(dir, 'query', "select count(*) as n, sum(amount) as total from events where user_id like 'u%'");
    assert.deepEqual(rows, [{ n: COMPACT_AT + 2, total: ((COMPACT_AT + 1) * (COMPACT_AT + 2)) / 2 }]);
  });

  it('sends a row DuckDB cannot store to the dead letters and lands the others', async () => {
    const time = Date.parse('2026-11-20T12:15:00Z');
    const good = JSON.stringify({ user_id: 'ok', time_utc: '2026-11-20T12:15:00Z', amount: 1 });
    // Valid JSON for the schema-less path, but `count` is not a BIGINT.
    const bad = JSON.stringify({ user_id: 'bad', time_utc: '2026-11-20T12:15:00Z', amount: 1, count: 'many' });
    const result = await landBatches(
      ctx,
      [
        batchOf([
          { id: 'g1', raw: good, time },
          { id: 'b1', raw: bad, time },
        ]),
      ],
      Date.now(),
    );
    assert.equal(result.accepted, 1);
    assert.equal(result.deadLetters.length, 1);
    assert.match(result.deadLetters[0]!.reason, /DuckDB cannot store it/);
    // DuckDB names the scratch file it read; a dead letter's reason is for the sender, and names no path of the server.
    assert.doesNotMatch(result.deadLetters[0]!.reason, /_staging|\.ndjson|in file|\/tmp\//);
    const dead = pondJson<Array<{ raw: string }>>(dir, 'query', "select _raw as raw from dead_letters where _message_id = 'b1'");
    assert.deepEqual(dead, [{ raw: bad }]);
  });
});

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { registerPondResolver } from '../config/index.ts';
import type { DatasetDefinition } from '../define/index.ts';
import type { PondError } from '../errors/index.ts';
import { closeTesting, runDataset } from './index.ts';

const PIPELINE = `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc' });
export const echo = dataset({ name: 'echo', inputs: { events }, sql: 'select * exclude (_raw), _raw, typeof(amount) as amount_type from events order by _message_id' });
export const priced = dataset({ name: 'priced', inputs: { events }, sql: 'select user_id, cast(amount as decimal(10, 2)) as price, time_utc from events' });
export const typed = dataset({ name: 'typed', inputs: { p: priced }, sql: 'select user_id, typeof(price) as price_type, typeof(time_utc) as time_type from p order by user_id' });
export const window = dataset({ name: 'window_of', inputs: { events }, sql: 'select key, start, "end" from pond_partition' });
export const daily = dataset({ name: 'daily', partition: 'none', inputs: { events: { from: events, map: 'all' } }, sql: 'select count(*) as n from events' });
export const scored = dataset({
  name: 'scored',
  inputs: { events },
  async *transform({ inputs, partition, log }) {
    for await (const batch of inputs.events.batches()) for (const r of batch) yield { user_id: r.user_id, score: Number(r.amount) * 2, hour: partition.start };
    log('scored');
  },
});
export const rescored = dataset({ name: 'rescored', inputs: { s: scored }, sql: 'select user_id, typeof(score) as score_type from s' });
export const failing = dataset({ name: 'failing', inputs: { events }, sql: 'select no_such_column from events' });
`;

describe('runDataset', () => {
  let dir: string;
  let p: Record<string, DatasetDefinition>;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pond-testing-unit-'));
    const files: Record<string, string> = {
      'package.json': '{ "type": "module" }\n',
      'pond.config.ts': "import { defineConfig } from 'pond';\nexport default defineConfig({});\n",
      'schemas/events.json': JSON.stringify({
        type: 'object',
        properties: {
          user_id: { type: 'string' },
          time_utc: { type: 'string', format: 'date-time' },
          amount: { type: 'integer' },
          tags: { type: 'array', items: { type: 'string' } },
        },
      }),
      'pipelines/p.ts': PIPELINE,
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
    registerPondResolver();
    p = (await import(pathToFileURL(path.join(dir, 'pipelines/p.ts')).href)) as Record<string, DatasetDefinition>;
  });
  after(async () => {
    await closeTesting();
    rmSync(dir, { recursive: true, force: true });
  });
  const ds = (name: string) => p[name] as DatasetDefinition;
  const HOUR = '2026-11-20T10:00Z/PT1H';

  it('types stream rows with the schema and fills the meta columns as landing does', async () => {
    const rows = await runDataset(ds('echo'), {
      partition: HOUR,
      inputs: {
        events: [
          { user_id: 'a', time_utc: '2026-11-20T10:01:00Z', amount: 4, tags: ['x'] },
          { user_id: 'b', time_utc: new Date('2026-11-20T10:02:00Z'), _message_id: 'mine', _received_at: '2026-11-20T11:00:00Z', _user_agent: 'curl/8.5' },
        ],
      },
    });
    assert.deepEqual(rows[1], {
      user_id: 'b',
      time_utc: new Date('2026-11-20T10:02:00Z'),
      amount: null,
      tags: null,
      _event_time: new Date('2026-11-20T10:02:00Z'),
      _received_at: new Date('2026-11-20T11:00:00Z'),
      _message_id: 'mine',
      _source: 'test',
      _ip: null,
      _user_agent: 'curl/8.5',
      _ua: rows[1]?._ua,
      _raw: '{"user_id":"b","time_utc":"2026-11-20T10:02:00.000Z"}',
      amount_type: 'BIGINT',
    });
    assert.equal((rows[1]?._ua as { browser: unknown }).browser, 'curl');
    assert.deepEqual(
      [rows[0]?._message_id, rows[0]?.tags, rows[0]?._received_at, rows[0]?._raw],
      ['events-1', ['x'], new Date('2026-11-20T10:01:00Z'), '{"user_id":"a","time_utc":"2026-11-20T10:01:00Z","amount":4,"tags":["x"]}'],
    );
  });

  it('names the input, the row and the field of a field the input does not have', async () => {
    await assert.rejects(
      runDataset(ds('echo'), {
        partition: HOUR,
        inputs: {
          events: [
            { user_id: 'a', time_utc: '2026-11-20T10:01:00Z' },
            { user: 'b', time_utc: '2026-11-20T10:01:00Z' },
          ],
        },
      }),
      (error: PondError) => {
        assert.equal(error.code, 'BAD_ARGUMENT');
        assert.equal(error.message, 'runDataset(echo) input "events" row 2 has an unknown field "user"');
        assert.match(error.hint ?? '', /stream "events" has the columns user_id, time_utc, amount, tags/);
        return true;
      },
    );
    await assert.rejects(runDataset(ds('echo'), { partition: HOUR, inputs: { evnts: [] } as never }), /"evnts" is not an input of dataset "echo"/);
    await assert.rejects(runDataset(ds('echo'), { partition: HOUR, inputs: { events: [{ user_id: 'a' }] } }), /row 1 has no event time: time_utc is missing/);
  });

  it('builds the partition asked for: a key, a time inside it, or none for an unpartitioned dataset', async () => {
    const expected = [{ key: HOUR, start: new Date('2026-11-20T10:00:00Z'), end: new Date('2026-11-20T11:00:00Z') }];
    assert.deepEqual(await runDataset(ds('window'), { partition: HOUR }), expected);
    assert.deepEqual(await runDataset(ds('window'), { partition: '2026-11-20T10:59:59Z' }), expected);
    assert.deepEqual(await runDataset(ds('window'), { partition: new Date('2026-11-20T10:30:00Z') }), expected);
    await assert.rejects(runDataset(ds('window'), {}), /is partitioned by hour: say which partition to build/);
    await assert.rejects(runDataset(ds('window'), { partition: 'soon' }), /neither a hour partition key nor a time/);
    assert.deepEqual(await runDataset(ds('daily'), { inputs: { events: [{ time_utc: '2026-11-20T10:00:00Z' }, { time_utc: '2026-11-21T10:00:00Z' }] } }), [
      { n: 2 },
    ]);
    await assert.rejects(runDataset(ds('daily'), { partition: HOUR }), /unpartitioned/);
  });

  it("types a dataset input with the columns that dataset's builds have", async () => {
    const rows = await runDataset(ds('typed'), { partition: HOUR, inputs: { p: [{ user_id: 'a', price: 2.5, time_utc: '2026-11-20T10:00:00Z' }] } });
    assert.deepEqual(rows, [{ user_id: 'a', price_type: 'DECIMAL(10,2)', time_type: 'TIMESTAMP WITH TIME ZONE' }]);
    await assert.rejects(
      runDataset(ds('typed'), { partition: HOUR, inputs: { p: [{ user_id: 'a', cost: 1 }] } }),
      /input "p" row 1 has an unknown field "cost"/,
    );
  });

  it('runs a TypeScript transformation, and infers or takes the types of an input whose builds decide them', async () => {
    const log: string[] = [];
    const scored = await runDataset(ds('scored'), {
      partition: HOUR,
      inputs: { events: [{ user_id: 'a', time_utc: '2026-11-20T10:01:00Z', amount: 4 }] },
      log: (m) => log.push(m),
    });
    assert.deepEqual(scored, [{ user_id: 'a', score: 8, hour: new Date('2026-11-20T10:00:00Z') }]);
    assert.deepEqual(log, ['scored']);
    assert.deepEqual(await runDataset(ds('rescored'), { partition: HOUR, inputs: { s: [{ user_id: 'a', score: 8 }] } }), [
      { user_id: 'a', score_type: 'BIGINT' },
    ]);
    assert.deepEqual(
      await runDataset(ds('rescored'), {
        partition: HOUR,
        inputs: { s: { rows: [{ user_id: 'a', score: 8 }], columns: { user_id: 'VARCHAR', score: 'DOUBLE' } } },
      }),
      [{ user_id: 'a', score_type: 'DOUBLE' }],
    );
  });

  it('sorts the output when asked, and says which columns there are when it cannot', async () => {
    const events = ['c', 'a', 'b'].map((user_id) => ({ user_id, time_utc: '2026-11-20T10:01:00Z', amount: 1 }));
    const rows = await runDataset(ds('priced'), { partition: HOUR, inputs: { events }, orderBy: 'user_id' });
    assert.deepEqual(
      rows.map((r) => r.user_id),
      ['a', 'b', 'c'],
    );
    await assert.rejects(
      runDataset(ds('priced'), { partition: HOUR, inputs: { events }, orderBy: ['nope'] }),
      (error: PondError) => error.code === 'BAD_ARGUMENT' && /user_id, price, time_utc/.test(error.hint ?? ''),
    );
  });

  it("fails as a build would, naming the dataset's file and partition", async () => {
    await assert.rejects(runDataset(ds('failing'), { partition: HOUR }), (error: PondError) => {
      assert.equal(error.code, 'TRANSFORM_FAILED');
      assert.match(error.message, /^pipelines\/p\.ts: dataset "failing" partition 2026-11-20T10:00Z\/PT1H: SQL failed: .*no_such_column/);
      return true;
    });
  });

  it('opens its engine again after closeTesting', async () => {
    await closeTesting();
    assert.deepEqual(await runDataset(ds('daily'), {}), [{ n: 0 }]);
  });
});

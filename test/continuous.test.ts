/**
 * `pond up`: continuous orchestration. New input data leads to the dependent
 * builds without anyone running `pond build`, in about a second.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EVENTS_SCHEMA, makeProject, ndjson, pond, pondJson, spawnPond, until } from './helpers/project.ts';

const PIPELINE = `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '0s' });
export const totals = dataset({ name: 'totals', inputs: { events }, sql: 'select count(*) as n, sum(amount) as amount from events' });
`;

describe('pond up', () => {
  it('rebuilds what new data makes stale, by itself', { timeout: 120_000 }, async () => {
    const dir = makeProject({ 'pipelines/p.ts': PIPELINE, 'schemas/events.json': EVENTS_SCHEMA });
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 5 * 3_600_000).toISOString().slice(0, 13);
    writeFileSync(path.join(dir, 'a.ndjson'), ndjson([{ user_id: 'a', time_utc: `${hour}:10:00Z`, amount: 1 }]));
    writeFileSync(path.join(dir, 'b.ndjson'), ndjson([{ user_id: 'b', time_utc: `${hour}:20:00Z`, amount: 2 }]));
    pondJson(dir, 'load', 'events', path.join(dir, 'a.ndjson'));
    const up = spawnPond(dir, 'up');
    let output = '';
    up.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    up.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const amountOf = () => {
      const r = pond(dir, 'query', 'select sum(amount) as amount from totals where n > 0', '--json');
      if (r.status !== 0) {
        assert.match(r.stderr, /not built yet/); // before the first build the view has no columns
        return undefined;
      }
      return (JSON.parse(r.stdout) as Array<{ amount: number | null }>)[0]?.amount ?? undefined;
    };
    try {
      assert.equal(await until('the first build', () => (amountOf() === 1 ? 1 : undefined), 60_000), 1);
      // Late data for an hour already built: pond up rebuilds it with nobody asking.
      pondJson(dir, 'load', 'events', path.join(dir, 'b.ndjson'));
      assert.equal(await until('the rebuild after late data', () => (amountOf() === 3 ? 3 : undefined), 30_000), 3);
    } finally {
      up.kill('SIGINT');
      await new Promise((resolve) => up.on('exit', resolve));
    }
    assert.match(output, /Pond is up/);
    assert.match(output, /stopped/);
  });
});

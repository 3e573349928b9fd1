/**
 * A stream's schema may grow: raw files written before and after the change
 * sit in the same partition, and a build reads them by column name.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EVENTS_SCHEMA, makeProject, ndjson, pond, pondJson } from './helpers/project.ts';

describe('a stream whose schema gains a property', () => {
  it('builds from files of both schemas in one partition', () => {
    // Closed (additionalProperties: false), so adding a property is allowed under the default BACKWARD mode;
    // on an open model old events may carry "country" with any value, and the registry refuses it.
    const closed: Record<string, unknown> = { ...(JSON.parse(EVENTS_SCHEMA) as Record<string, unknown>), additionalProperties: false };
    const dir = makeProject({
      'schemas/events.json': JSON.stringify(closed),
      'pipelines/p.ts': `
import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', lateness: '0s' });
export const by_country = dataset({ name: 'by_country', inputs: { events }, sql: "select coalesce(country, 'unknown') as country, sum(amount) as amount from events group by all order by 1" });
`,
      'old.ndjson': ndjson([{ user_id: 'a', time_utc: '2026-11-20T10:01:00Z', amount: 1 }]),
      'new.ndjson': ndjson([{ user_id: 'b', time_utc: '2026-11-20T10:02:00Z', amount: 2, country: 'NL' }]),
    });
    pondJson(dir, 'load', 'events', path.join(dir, 'old.ndjson'));
    const grown = structuredClone(closed) as { properties: Record<string, unknown> };
    grown.properties.country = { type: 'string' };
    writeFileSync(path.join(dir, 'schemas/events.json'), JSON.stringify(grown));
    pondJson(dir, 'load', 'events', path.join(dir, 'new.ndjson'));
    // This fails with a binder error on `country` if the old file is read by position.
    const build = pond(dir, 'build', '--to', '2026-11-20T11:00Z');
    assert.equal(build.status, 0, build.stderr);
    assert.deepEqual(pondJson(dir, 'query', 'select country, amount from by_country order by country'), [
      { country: 'NL', amount: 2 },
      { country: 'unknown', amount: 1 },
    ]);
  });
});

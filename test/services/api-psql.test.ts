/**
 * Data API answers that `psql` reads: CSV loaded with `\copy … csv header`,
 * JSON through `json_populate_recordset`. Needs POND_TEST_POSTGRES_URL; each
 * run creates a fresh database `pond_test_<random>` and drops it afterwards.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openContext, type Context } from '../../src/cli/context.ts';
import { startPlatform, type Platform } from '../../src/serve/index.ts';
import { EVENTS, WRITE_KEY, apiProject } from '../helpers/api-project.ts';
import { scratchDatabase } from '../helpers/postgres.ts';

const adminUrl = process.env.POND_TEST_POSTGRES_URL;

if (!adminUrl) {
  it('needs PostgreSQL', () => {
    throw new Error('POND_TEST_POSTGRES_URL is not set: start PostgreSQL (sudo .ci/postgres.sh prints the URL) and set it');
  });
} else {
  describe('data API answers in psql', () => {
    const db = scratchDatabase(adminUrl, 'pond_test');
    const psql = (...args: string[]) => execFileSync('psql', [db.url, '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', ...args], { encoding: 'utf8' }).trim();
    const TOKEN = 'psql-test-token-0123456789';
    const out = mkdtempSync(path.join(tmpdir(), 'pond-api-psql-'));
    let ctx: Context;
    let platform: Platform;

    before(async () => {
      await db.create();
      ctx = await openContext({ project: apiProject('127.0.0.1', `{ tokens: ['${TOKEN}'] }`) });
      platform = await startPlatform({ ctx, port: 0 });
      const r = await fetch(`${platform.url}/v1/streams/events/events`, {
        method: 'POST',
        body: JSON.stringify(EVENTS),
        headers: { 'content-type': 'application/json', 'x-pond-write-key': WRITE_KEY },
      });
      assert.equal(r.status, 200);
      for (;;) {
        if ((await ctx.state.getStreamActivity('events'))?.events === EVENTS.length) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    after(async () => {
      await platform?.close();
      await ctx?.close();
      await db.drop();
    });

    const query = async (format: string) => {
      const r = await fetch(`${platform.url}/api/query`, {
        method: 'POST',
        body: JSON.stringify({ sql: 'select user_id, amount, time_utc from events order by time_utc', format }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(r.status, 200);
      return r;
    };

    it('loads a CSV answer with \\copy', async () => {
      const file = path.join(out, 'events.csv');
      writeFileSync(file, Buffer.from(await (await query('csv')).arrayBuffer()));
      psql('-c', 'create table events (user_id text, amount double precision, time_utc timestamptz)');
      psql('-c', `\\copy events from '${file}' with (format csv, header true)`);
      const rows = psql(
        '-F',
        '|',
        '-c',
        'select user_id, amount, to_char(time_utc at time zone \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS"Z"\') from events order by time_utc',
      );
      assert.deepEqual(
        rows.split('\n'),
        EVENTS.map((e) => `${e.user_id}|${e.amount}|${e.time_utc}`),
      );
    });

    it('reads a JSON answer with json_populate_recordset', async () => {
      const body = (await (await query('json')).json()) as { rows: unknown[] };
      const file = path.join(out, 'events.json');
      writeFileSync(file, JSON.stringify(body.rows));
      psql('-c', 'create table events_json (user_id text, amount double precision, time_utc timestamptz)');
      // Variables are interpolated in scripts, not in -c commands.
      const script = path.join(out, 'load.sql');
      writeFileSync(script, `\\set rows \`cat ${file}\`\ninsert into events_json select * from json_populate_recordset(null::events_json, :'rows');\n`);
      psql('-f', script);
      assert.equal(psql('-c', 'select count(*), sum(amount) from events_json'), `${EVENTS.length}|${EVENTS.reduce((n, e) => n + e.amount, 0)}`);
    });
  });
}

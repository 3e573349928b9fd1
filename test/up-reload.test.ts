/**
 * One truth about the code: a running `pond up` loads its project again when
 * the project's files change, keeps the last good project when a change does
 * not load (and says why, in `/api/project`), and a `pond build` in another
 * terminal and `pond up` never rebuild each other's partitions.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { EVENTS_SCHEMA, makeProject, ndjson, pond, startUp, until } from './helpers/project.ts';

const HOUR = 3_600_000;

interface Version {
  readonly partition: string;
  readonly codeFingerprint: string;
  readonly createdAt: string;
}

describe('pond up with its project edited while it runs', () => {
  it('loads the change, keeps the last good project on a bad one, and never fights pond build', { timeout: 180_000 }, async () => {
    // Hourly totals of six hours of events: six partitions to build, and to build again when the code changes.
    const dir = makeProject({
      'schemas/events.json': EVENTS_SCHEMA,
      'pipelines/streams.ts': `import { dataset, stream } from 'pond';
export const events = stream({ name: 'events', schema: 'schemas/events.json', time: 'time_utc', partition: 'hour', lateness: '0s' });
export const totals = dataset({ name: 'totals', inputs: { events }, partition: 'hour', sql: 'select count(*) as n from events' });
`,
      // The last seven hours: the idle stream's watermark follows the clock, so every hour since the first is built.
      'e.ndjson': ndjson(
        Array.from({ length: 7 }, (_, h) => ({
          user_id: `u${h}`,
          time_utc: new Date(HOUR * (Math.floor(Date.now() / HOUR) - 7 + h) + 900_000).toISOString(),
          amount: h,
        })),
      ),
    });
    writeFileSync(path.join(dir, 'pond.config.ts'), "import { defineConfig } from 'pond';\nexport default defineConfig({ name: 'reload', concurrency: 2 });\n");
    const file = path.join(dir, 'pipelines/streams.ts');
    assert.equal(pond(dir, 'load', 'events', path.join(dir, 'e.ndjson')).status, 0);
    const { proc: up, url: listening, output } = startUp(dir);
    try {
      const url = await listening;
      const api = async <T>(p: string): Promise<T> => {
        const response = await fetch(`${url}/api/${p}`);
        assert.equal(response.status, 200, `${p}: ${await response.clone().text()}`);
        return (await response.json()) as T;
      };
      const versions = () => api<{ versions: Version[] }>('datasets/totals?versions=200').then((d) => d.versions);
      const columns = async () => (await api<{ schema: Array<{ name: string }> }>('datasets/totals')).schema.map((c) => c.name);
      // Six or seven complete hours (the current one is not complete): n partitions, all built.
      const settled = async () => {
        const d = (await api<{ datasets: Array<{ name: string; partitions: { count: number; fresh: number } }> }>('datasets')).datasets.find(
          (x) => x.name === 'totals',
        );
        return d && d.partitions.count >= 6 && d.partitions.fresh === d.partitions.count ? d.partitions.count : undefined;
      };
      const n = await until('the first builds', settled, 60_000);
      assert.equal((await versions()).length, n);
      const first = new Set((await versions()).map((v) => v.codeFingerprint));
      assert.equal(first.size, 1);
      assert.equal((await api<{ generation: number; error: unknown }>('project')).generation, 0);

      // 1. A change of the SQL goes live: pond up reloads it and rebuilds with it.
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace("sql: 'select count(*) as n from events'", "sql: 'select count(*) as n, sum(amount) as amount from events'"),
      );
      await until('the reload', async () => ((await api<{ generation: number }>('project')).generation >= 1 ? true : undefined), 30_000);
      await until('the rebuild with the new code', async () => ((await versions()).length === 2 * n ? true : undefined), 60_000);
      assert.deepEqual(await columns(), ['n', 'amount']);

      // 2. pond build in another terminal, with the same code: nothing to build, and nothing rebuilt by either after it.
      const build = pond(dir, 'build');
      assert.equal(build.status, 0, build.stderr);
      assert.match(build.stdout, /Nothing to build/);

      // 3. Another change, built by pond build in another terminal at once: each partition is built once with the new code, by whichever
      //    process leases it, and never again with the old code by the other (the fight the issue describes).
      writeFileSync(file, readFileSync(file, 'utf8').replace('sum(amount) as amount', 'sum(amount) as amount, max(amount) as top'));
      const second = pond(dir, 'build');
      assert.equal(second.status, 0, second.stderr);
      await until(
        'every partition on the newest code',
        async () => {
          const vs = await versions();
          const newest = vs[0]?.codeFingerprint;
          const onNewest = vs.filter((v) => v.codeFingerprint === newest);
          return onNewest.length === n && new Set(onNewest.map((v) => v.partition)).size === n ? vs : undefined;
        },
        60_000,
      );
      // Some seconds for a fight to show: pond up plans every few seconds.
      await new Promise((resolve) => setTimeout(resolve, 6000));
      const after = await versions();
      assert.equal(
        after.length,
        3 * n,
        `one version per partition and code, no partition built twice:\n${after.map((v) => `${v.partition} ${v.codeFingerprint} ${v.createdAt}`).join('\n')}`,
      );
      assert.deepEqual(await columns(), ['n', 'amount', 'top']);

      // 4. A change that does not load keeps the last good project running, and says why.
      const good = readFileSync(file, 'utf8');
      writeFileSync(file, good.replace("partition: 'hour',", "partition: 'hour', parition: 'day',"));
      const broken = await until(
        'the error',
        async () => (await api<{ error: { message: string; where: string | null } | null }>('project')).error ?? undefined,
        30_000,
      );
      assert.match(`${broken.where} ${broken.message}`, /pipelines\/streams\.ts.*parition/s);
      assert.deepEqual(await columns(), ['n', 'amount', 'top'], 'the last good project still serves');
      assert.match(output(), /did not load/);

      // 5. Fixed, with a dataset added: it appears in the API.
      writeFileSync(file, `${good}export const counts = dataset({ name: 'counts', inputs: { totals }, sql: 'select count(*) as hours from totals' });\n`);
      await until(
        'the new dataset',
        async () => {
          const status = await api<{ error: unknown }>('project');
          const names = (await api<{ datasets: Array<{ name: string }> }>('datasets')).datasets.map((d) => d.name);
          return status.error === null && names.includes('counts') ? true : undefined;
        },
        30_000,
      );
    } finally {
      up.kill('SIGINT');
      await new Promise((resolve) => up.on('exit', resolve));
    }
  });
});

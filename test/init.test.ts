/** `pond init` makes a project that builds and answers queries straight away. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { POND, pond, pondJson, startUp, until } from './helpers/project.ts';

describe('pond init', () => {
  it('creates a runnable project with sample events, and pond build then pond query work in it', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'pond-init-')), 'x');
    const init = spawnSync(process.execPath, [POND, 'init', dir], { encoding: 'utf8' });
    assert.equal(init.status, 0, init.stderr);
    assert.match(init.stdout, /loaded \d+ sample events \(3 invalid ones went to the dead letters\)/);
    assert.ok(existsSync(path.join(dir, 'node_modules', '.bin', 'pond')), 'npx pond works inside the project');
    const build = pond(dir, 'build');
    assert.equal(build.status, 0, build.stderr);
    assert.match(build.stdout, /Built \d+ partitions/);
    const [row] = pondJson<Array<{ events: number }>>(dir, 'query', 'select sum(events) as events from daily_counts');
    assert.ok((row?.events ?? 0) > 900);
    // Its checks ran, and the CI gate passes: typecheck, schemas, plan and its pipeline test.
    assert.equal(pondJson<Array<{ status: string }>>(dir, 'checks', 'hourly_counts', '--limit', '1000').filter((r) => r.status !== 'pass').length, 0);
    const gate = pond(dir, 'check');
    assert.equal(gate.status, 0, gate.stdout + gate.stderr);
    assert.match(gate.stdout, /✓ pipeline tests pass: 1 passed/);
    assert.equal(spawnSync(process.execPath, [POND, 'init', dir], { encoding: 'utf8' }).status, 2, 'a non-empty folder is refused');
  });

  it('is a starter to copy from: a day column, money as DECIMAL, a write key that pond send and curl use, a README', { timeout: 120_000 }, async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'pond-init-')), 'starter');
    assert.equal(spawnSync(process.execPath, [POND, 'init', dir], { encoding: 'utf8' }).status, 0);
    assert.equal(pond(dir, 'build').status, 0);
    const [types] = pondJson<Array<{ day: string; amount: string }>>(
      dir,
      'query',
      'select typeof(day) as day, typeof(amount) as amount from daily_counts limit 1',
    );
    assert.equal(types?.day, 'DATE');
    assert.match(types?.amount ?? '', /^DECIMAL/);
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    assert.match(readme, /npx pond send events data\/live\.ndjson/);
    const curl = /curl -X POST (\S+) \\\n\s+-H '([^']+)'/.exec(readme);
    assert.ok(curl, 'the README shows a curl that sends an event');
    const { proc, url: listening } = startUp(dir);
    try {
      const url = await listening;
      const events = () => pondJson<Array<{ n: number }>>(dir, 'query', 'select count(*) as n from events')[0]?.n ?? 0;
      const before = events();
      // The README's curl, with its write key, against this server.
      const [header, key] = (curl?.[2] ?? '').split(': ');
      const sent = await fetch(`${url}/v1/streams/events/events`, {
        method: 'POST',
        headers: { [header as string]: key as string, 'content-type': 'application/json' },
        body: JSON.stringify([{ event_type: 'purchase', user_id: 'u1', amount: 12.5, time_utc: new Date().toISOString() }]),
      });
      assert.equal(sent.status, 200, await sent.text());
      // pond send of the live file, twice: the key comes from pond.config.ts, and the second time lands nothing new.
      const lines = readFileSync(path.join(dir, 'data/live.ndjson'), 'utf8').trim().split('\n').length;
      for (let i = 0; i < 2; i++) {
        const send = pond(dir, 'send', 'events', path.join(dir, 'data/live.ndjson'), '--url', url);
        assert.equal(send.status, 0, send.stdout + send.stderr);
      }
      await until('landing', () => (events() === before + 1 + lines ? true : undefined), 30_000, 250);
    } finally {
      proc.kill('SIGINT');
      await new Promise((resolve) => proc.on('exit', resolve));
    }
  });
});

/**
 * Back-pressure and failure of the buffer: a full buffer answers 429 and an
 * unavailable one 503, both with Retry-After and nothing stored; `/readyz`
 * says not ready meanwhile; and once the lander has drained the buffer,
 * requests are taken again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openContext } from '../src/cli/context.ts';
import { startPlatform } from '../src/serve/index.ts';
import { APP_KEY, makeCollectProject } from './helpers/collect-project.ts';
import { pondJson, until } from './helpers/project.ts';

describe('a full or failed buffer', () => {
  it('answers 429 then 503 with Retry-After, and recovers when landing drains it', { timeout: 120_000 }, async () => {
    const dir = makeCollectProject("buffer: { maxSize: '1mb' },");
    const ctx = await openContext({ project: dir });
    let platform = await startPlatform({ ctx, port: 0 });
    const hour = new Date(Date.now() - 3_600_000).toISOString();
    let n = 0;
    const body = () =>
      Array.from({ length: 1000 }, () => JSON.stringify({ messageId: `m${++n}`, user_id: 'u', time_utc: hour, amount: 1, pad: 'x'.repeat(300) })).join('\n');
    const send = (url: string) =>
      fetch(`${url}/v1/streams/events/events`, {
        method: 'POST',
        body: body(),
        headers: { 'content-type': 'application/x-ndjson', 'x-pond-write-key': APP_KEY },
      });
    try {
      // Landing runs every 200 ms in this project, so fill the buffer faster than it drains.
      const statuses: number[] = [];
      let full: Response | undefined;
      for (let i = 0; i < 50 && !full; i++) {
        const r = await send(platform.url);
        statuses.push(r.status);
        if (r.status === 429) full = r;
        else await r.arrayBuffer();
      }
      assert.ok(full, `a 429 came (statuses ${statuses.join(',')})`);
      assert.ok(Number(full.headers.get('retry-after')) >= 1);
      assert.match(((await full.json()) as { error: string }).error, /buffer is full/);
      const accepted = statuses.filter((s) => s === 200).length * 1000;

      // Once landed and retained, the buffer takes writes again.
      await until('the buffer to drain', () => (platform.log.writable() ? true : undefined), 60_000, 100);
      const again = await send(platform.url);
      assert.equal(again.status, 200, await again.text());
      await until('landing', () => (platform.lander.pending() === 0 ? true : undefined), 60_000, 50);
      assert.equal(
        pondJson<Array<{ n: number }>>(dir, 'query', 'select count(*) as n from events')[0]?.n,
        accepted + 1000,
        'every accepted event landed, and nothing of the refused requests',
      );

      // A buffer that cannot write answers 503 and /readyz says so.
      await platform.log.close();
      const down = await send(platform.url);
      assert.equal(down.status, 503);
      assert.equal(down.headers.get('retry-after'), '1');
      assert.match(((await down.json()) as { error: string }).error, /buffer is unavailable/);
      const ready = await fetch(`${platform.url}/readyz`);
      assert.equal(ready.status, 503);
      await platform.close();
      platform = await startPlatform({ ctx, port: 0 });
      assert.equal((await fetch(`${platform.url}/readyz`)).status, 200);
    } finally {
      await platform.close().catch(() => undefined);
      await ctx.close();
    }
  });
});

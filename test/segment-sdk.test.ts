/**
 * The unmodified Segment SDK (`@segment/analytics-node`) sends 10,000 events
 * to Pond through a proxy that fails a fifth of the requests — half of those
 * before Pond sees them, half after Pond stored them (the answer is lost, so
 * the SDK sends the same batch again). Every event must be in the lake
 * exactly once.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { describe, it } from 'node:test';
import { Analytics } from '@segment/analytics-node';
import { openContext } from '../src/cli/context.ts';
import { startPlatform } from '../src/serve/index.ts';
import { WEB_KEY, makeCollectProject } from './helpers/collect-project.ts';
import { pondJson } from './helpers/project.ts';

/** Forwards to `target`; fails some requests with 503, before or after forwarding them. */
function chaosProxy(target: string, stats: { before: number; after: number; passed: number }): Server {
  let n = 0;
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const which = n++ % 10;
      if (which === 3) {
        stats.before++;
        res.writeHead(503).end();
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
      const text = await answer.text();
      if (which === 7) {
        stats.after++;
        res.writeHead(503).end();
        return;
      }
      stats.passed++;
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
    });
  });
}

describe('@segment/analytics-node against Pond', () => {
  it('delivers 10,000 events exactly once, through failures and retries', { timeout: 180_000 }, async () => {
    const dir = makeCollectProject();
    const ctx = await openContext({ project: dir });
    const platform = await startPlatform({ ctx, port: 0 });
    const stats = { before: 0, after: 0, passed: 0 };
    const proxy = chaosProxy(platform.url, stats);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    try {
      const analytics = new Analytics({ writeKey: WEB_KEY, host: proxyUrl, path: '/v1/batch', maxRetries: 10, flushAt: 100, flushInterval: 200 });
      const failed: unknown[] = [];
      analytics.on('error', (error) => failed.push(error));
      for (let i = 0; i < 10_000; i++) {
        analytics.track({ userId: `user-${i % 97}`, event: 'Item Viewed', properties: { i, sku: `sku-${i % 13}` } });
      }
      await analytics.closeAndFlush({ timeout: 120_000 });
      assert.deepEqual(failed, []);
      assert.ok(stats.before > 0 && stats.after > 0, `the proxy failed requests (${JSON.stringify(stats)})`);

      const deadline = Date.now() + 30_000;
      while (platform.lander.pending() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const [counts] = pondJson<Array<{ n: number; ids: number; items: number; min: number; max: number }>>(
        dir,
        'query',
        "select count(*) as n, count(distinct messageId) as ids, count(distinct properties->>'i') as items, min((properties->>'i')::int) as min, max((properties->>'i')::int) as max from web",
      );
      assert.deepEqual(counts, { n: 10_000, ids: 10_000, items: 10_000, min: 0, max: 9_999 });
      const [meta] = pondJson<Array<{ sources: number; agents: string }>>(
        dir,
        'query',
        'select count(distinct _source) as sources, max(_ua.browser) as agents from web',
      );
      assert.equal(meta?.sources, 1);
      assert.ok(meta?.agents, 'the user agent was parsed');
    } finally {
      proxy.close();
      await platform.close();
      await ctx.close();
    }
  });
});

/**
 * Durability of collection: under sustained load from a client that retries
 * every answer that is not a 200, the server is killed with SIGKILL (twice)
 * and started again. Every event that got a 200 must be in the lake exactly
 * once — none lost, none duplicated — and, since the client retries until
 * it gets a 200, so must every event it sent.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { APP_KEY, makeCollectProject } from './helpers/collect-project.ts';
import { pondJson, startUp } from './helpers/project.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('collection survives kill -9', () => {
  it('keeps every acknowledged event exactly once across two crashes', { timeout: 180_000 }, async () => {
    const dir = makeCollectProject();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/v1/streams/events/events`;
    let server = startUp(dir, '--port', String(port));
    await server.url;

    const acked = new Set<string>();
    const sent = new Set<string>();
    let stopSending = false;
    let batchNo = 0;
    let non200 = 0;
    const hour = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const client = async (worker: number) => {
      while (!stopSending) {
        const b = batchNo++;
        const ids = Array.from({ length: 50 }, (_, i) => `w${worker}-b${b}-e${i}`);
        for (const id of ids) sent.add(id);
        const body = ids.map((id, i) => JSON.stringify({ messageId: id, user_id: `u${i % 7}`, time_utc: hour, amount: 1 })).join('\n');
        // Retry until a 200, as a well-behaved SDK does: same batch, same messageIds.
        for (;;) {
          const status = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson', 'x-pond-write-key': APP_KEY } })
            .then((r) => r.status)
            .catch(() => 0);
          if (status === 200) break;
          non200++;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        for (const id of ids) acked.add(id);
      }
    };
    const clients = Promise.all([0, 1, 2, 3].map(client));

    try {
      for (let crash = 0; crash < 2; crash++) {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const before = acked.size;
        server.proc.kill('SIGKILL');
        await new Promise((resolve) => server.proc.once('exit', resolve));
        assert.ok(before > 0, 'the client got 200s before the crash');
        server = startUp(dir, '--port', String(port));
        await server.url;
      }
      await new Promise((resolve) => setTimeout(resolve, 1500));
      stopSending = true;
      await clients;

      assert.ok(non200 > 0, 'the crashes were seen by the client');
      assert.equal(acked.size, sent.size);
      // Landing runs every 200 ms here; wait until every acknowledged event is visible.
      const deadline = Date.now() + 60_000;
      let counts = { n: 0, distinct: 0 };
      while (Date.now() < deadline) {
        counts = pondJson<Array<{ n: number; distinct: number }>>(
          dir,
          'query',
          'select count(*) as n, count(distinct _message_id) as "distinct" from events',
        )[0]!;
        if (counts.distinct >= acked.size) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      assert.equal(counts.distinct, acked.size, 'every acknowledged event is in the lake');
      assert.equal(counts.n, counts.distinct, 'no event is in the lake twice');
      const ids = pondJson<Array<{ id: string }>>(dir, 'query', 'select _message_id as id from events');
      const inLake = new Set(ids.map((r) => r.id));
      for (const id of acked) assert.ok(inLake.has(id), `acknowledged ${id} is in the lake`);
      assert.equal(pondJson<Array<{ n: number }>>(dir, 'query', 'select count(*) as n from dead_letters')[0]?.n, 0);
    } finally {
      stopSending = true;
      server.proc.kill('SIGINT');
      await new Promise((resolve) => (server.proc.exitCode !== null ? resolve(null) : server.proc.once('exit', resolve)));
    }
  });
});

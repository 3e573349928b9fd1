import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { checkCollector, EventSender } from './event-sender.ts';

describe('EventSender', () => {
  const requests: Array<{ key: string | undefined; first: string | undefined; lines: string[] }> = [];
  let url: string;
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/healthz') return response.end('{"ok":true}');
      const lines = body.trim().split('\n');
      requests.push({
        key: request.headers['idempotency-key'] as string | undefined,
        first: request.headers['x-pond-first-index'] as string | undefined,
        lines,
      });
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ accepted: lines.length, deadLettered: 0, refused: 0, errors: [] }));
    });
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('names the ids of each request: one key, and the number of its first event; a gap in the numbers ends a request', async () => {
    requests.length = 0;
    const sender = new EventSender({ url, stream: 'events', writeKey: 'k', batchEvents: 2, concurrency: 1, idempotencyKey: 'file-abc' });
    for (const n of [1, 2, 3, 5, 6]) await sender.add(`{"n":${n}}`, n);
    await sender.add('{"n":7}'); // the one after the last
    const totals = await sender.finish();
    assert.equal(totals.accepted, 6);
    assert.deepEqual(
      requests.map((r) => [r.key, r.first, r.lines.length]),
      [
        ['file-abc', '1', 2],
        ['file-abc', '3', 1],
        ['file-abc', '5', 2],
        ['file-abc', '7', 1],
      ],
    );
  });

  it('sends no ids without a key', async () => {
    requests.length = 0;
    const sender = new EventSender({ url, stream: 'events', writeKey: 'k' });
    await sender.add('{"n":1}');
    await sender.finish();
    assert.deepEqual(requests[0]?.key, undefined);
  });

  it('tells a collector that answers from a URL where none does', async () => {
    await checkCollector(url);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(checkCollector(`http://127.0.0.1:${port}`), /no Pond collector answers at http:\/\/127\.0\.0\.1:\d+ \(connection refused\)/);
  });
});

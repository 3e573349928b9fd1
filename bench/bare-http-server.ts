/**
 * The ingest benchmark's baseline, "the ceiling for Node": a bare `node:http`
 * server that does the least any collector must do with a request — read the
 * body, split it into NDJSON lines and `JSON.parse` each — then discards it
 * and answers 200 `{"accepted":N}`. No write key, no schema, no disk.
 *
 * Run by bench/ingest.ts in its own process: prints `ready <url>`, stops on
 * SIGTERM or when its stdin closes.
 */
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    let accepted = 0;
    try {
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        JSON.parse(line);
        accepted++;
      }
    } catch (error) {
      response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (error as Error).message }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(`{"accepted":${accepted}}`);
  });
});
// Pond's own keep-alive, so that neither server closes idle benchmark connections.
server.keepAliveTimeout = 65_000;

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`ready http://127.0.0.1:${port}\n`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.stdin.on('data', () => {}).once('end', stop);

/**
 * The worker side of `ProtectPool` (protect-pool.ts): runs `EventProtector.protect`
 * on a chunk of a landing batch, with the keys and pseudonyms the main thread
 * got for it, and makes each event's raw row line (or, for the collector,
 * returns the protected texts) — so that the main thread's
 * heap, which holds the whole batch, sees one string per event and none of
 * the garbage of making it. It holds no state between chunks and writes nothing: what it
 * returns lands, or not, as the main thread decides.
 */
import { parentPort } from 'node:worker_threads';
// The event contract holds the line format: a worker needs no DuckDB, lake or state store.
import { protectedLine } from '../event/index.ts';
import { EventProtector } from './event-protector.ts';
import type { ProtectChunk, ProtectChunkResult } from './protect-pool.ts';

const port = parentPort;
if (!port) throw new Error('protect-worker.ts runs as a worker thread (see protect-pool.ts)');

port.on('message', (chunk: ProtectChunk) => {
  try {
    port.postMessage(protectChunk(chunk));
  } catch (error) {
    port.postMessage({ id: chunk.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies ProtectChunkResult);
  }
});

function protectChunk(chunk: ProtectChunk): ProtectChunkResult {
  const pseudonyms = chunk.pseudonyms;
  const protector = new EventProtector(chunk.stream, {
    pseudonym(subject: string): string {
      const p = pseudonyms.get(subject);
      if (p === undefined) throw new Error(`no pseudonym was sent for an identifier of chunk ${chunk.id}`);
      return p;
    },
  });
  // Keys arrive as Uint8Array copies; Buffer views over them, made once per subject.
  const keys = new Map<string, Buffer>();
  for (const [subject, key] of chunk.keys) keys.set(subject, Buffer.from(key.buffer, key.byteOffset, key.byteLength));
  const n = chunk.raws.length;
  const withheld = new Uint8Array(n);
  const protect = (i: number) => {
    const raw = chunk.raws[i] as string;
    const subject = chunk.subjects[i] ?? undefined;
    const p = protector.protect(
      JSON.parse(raw) as Record<string, unknown>,
      raw,
      chunk.ips[i] ?? null,
      subject,
      subject === undefined ? null : (keys.get(subject) ?? null),
    );
    withheld[i] = p.withheld ? 1 : 0;
    return p;
  };
  if (chunk.output === 'texts') {
    const events: string[] = new Array(n);
    const raws: (string | null)[] = new Array(n);
    const ips: (string | null)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const p = protect(i);
      events[i] = p.event;
      raws[i] = p.raw;
      ips[i] = p.ip;
    }
    return { id: chunk.id, events, raws, ips, withheld };
  }
  const lines: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const p = protect(i);
    lines[i] = protectedLine(
      {
        eventTime: chunk.eventTimes[i] as number,
        receivedAt: chunk.receivedAts[i] as number,
        messageId: chunk.messageIds[i] as string,
        source: chunk.sources[i] as string,
        userAgent: chunk.userAgents[i] ?? null,
      },
      p,
    );
  }
  return { id: chunk.id, lines, withheld };
}

/**
 * An open-loop load at a steady rate: request i is due at start + i / rate,
 * whatever happened to the ones before, and its latency is counted from when
 * it was due (so a server stall shows in full, and is not hidden by the client
 * waiting for it: no coordinated omission).
 *
 * autocannon's `overallRate` is not used for this because it sends each
 * connection's whole per-second allowance back to back at the start of every
 * second (lib/httpClient.js, `reqsMadeThisSecond`), so "half load" arrives as
 * one burst of up to `connections` requests per second.
 */
import { Agent, request } from 'node:http';

export interface PacedLoadOptions {
  /** Full URL to POST to. */
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Body of request number `i` (0-based). */
  readonly body: (i: number) => string;
  /** Requests per second. */
  readonly rate: number;
  readonly seconds: number;
  /** Most requests in flight at once; later ones wait for a socket (and that wait counts). */
  readonly maxSockets: number;
}

export interface PacedLoadResult {
  readonly sent: number;
  readonly ok: number;
  readonly failed: number;
  /** 2xx answers per second over the span of the load. */
  readonly okPerS: number;
  /** Latency of each 2xx answer, ms from when its request was due. */
  readonly latencies: readonly number[];
}

/**
 * @example
 * const r = await pacedLoad({ url: `${base}/v1/streams/events/events`, headers, body: () => text, rate: 200, seconds: 10, maxSockets: 64 });
 */
export async function pacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const latencies: number[] = [];
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const send = (i: number, due: number) =>
    new Promise<void>((resolve) => {
      const body = options.body(i);
      const req = request(options.url, { method: 'POST', agent, headers: { ...options.headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        res.resume().once('end', () => {
          if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) latencies.push(performance.now() - due);
          else failed++;
          resolve();
        });
      });
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.once('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  const start = performance.now();
  const total = Math.round(options.rate * options.seconds);
  try {
    for (let i = 0; i < total;) {
      const now = performance.now();
      for (; i < total && start + (i * 1000) / options.rate <= now; i++) inFlight.push(send(i, start + (i * 1000) / options.rate));
      if (i < total) await new Promise((r) => setTimeout(r, Math.max(0, start + (i * 1000) / options.rate - performance.now())));
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  const elapsed = (performance.now() - start) / 1000;
  return { sent: total, ok: latencies.length, failed, okPerS: latencies.length / elapsed, latencies };
}

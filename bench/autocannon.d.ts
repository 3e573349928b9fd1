/**
 * The part of autocannon's programmatic API the ingest benchmark uses
 * (autocannon 9 ships no types, and @types/autocannon would be one more
 * dependency for five fields).
 */
declare module 'autocannon' {
  export interface Options {
    url: string;
    method?: 'POST' | 'GET';
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** Replaces every `[<id>]` in the request with one new id per request. */
    idReplacement?: boolean;
    connections?: number;
    /** Seconds. */
    duration?: number;
    /** Requests per second over all connections; autocannon corrects latencies for coordinated omission. */
    overallRate?: number;
    /** Seconds to wait for an answer. */
    timeout?: number;
  }

  export interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
    total: number;
  }

  export interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
    latency: Histogram;
    requests: Histogram & { sent: number };
    throughput: Histogram;
  }

  export interface Instance extends PromiseLike<Result> {
    stop(): void;
  }

  export default function autocannon(options: Options): Instance;
}

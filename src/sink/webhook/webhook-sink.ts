/**
 * A webhook sink: each partition version is POSTed as JSON in batches of
 * `batchRows` rows:
 *
 *   { "dataset", "partition", "version", "batch": 0, "last": false, "rows": [...] }
 *
 * The first batch (`batch: 0`) tells the receiver to replace what it holds
 * of the partition; `last: true` ends it (an empty partition is one batch
 * with no rows). Each request carries `X-Pond-Signature: sha256=<hex>`, the
 * HMAC-SHA256 of the exact body under the sink's secret (GitHub's scheme),
 * and `X-Pond-Delivery: <version>/<batch>`, stable across retries so the
 * receiver can drop duplicates. A request that fails in a way that may pass
 * (network, timeout, 408, 429, 5xx) is retried with exponential backoff; any
 * other status fails the publish at once, and the publisher retries the whole
 * partition later.
 *
 * When a partition's window expires (`retention.partitions`), the receiver is
 * told to drop it with one request of the same shape and signature:
 *
 *   { "dataset", "partition", "version": null, "batch": 0, "last": true, "rows": [], "removed": true }
 *
 * with `X-Pond-Delivery: removed/<partition>`. A receiver that does not know
 * `removed` reads it as "replace the partition with no rows" and so empties
 * it, which is what retention asks; one that knows it can drop the partition
 * outright. It is sent for every partition that expires, whether or not it was
 * ever delivered, and until the receiver accepts it the partition is not
 * expired in the lake either.
 */
import { createHmac } from 'node:crypto';
import { PondError } from '../../errors/index.ts';
import type { PartitionPayload, PartitionRef, Sink } from '../sink.ts';
import { rebatch } from '../table-plan.ts';

export interface WebhookSinkOptions {
  readonly url: string;
  readonly secret: string;
  readonly batchRows: number;
  readonly where: string;
  /** Attempts per request, the first included. Default 5. */
  readonly attempts?: number;
  /** Wait before the first retry, doubled each time (at most 30 s). Default 500 ms. */
  readonly backoffMs?: number;
  /** Per request. Default 30 s. */
  readonly timeoutMs?: number;
}

export const SIGNATURE_HEADER = 'x-pond-signature';

const PUBLISH_RETRY = 'the partition is published again on the next attempt';
const REMOVE_RETRY = 'the expired partition stays in the lake, and the next garbage collection tells the receiver again';

/**
 * The signature a receiver computes to verify a request.
 *
 * @example
 * const ok = request.headers['x-pond-signature'] === webhookSignature(secret, rawBody);
 */
export function webhookSignature(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class WebhookSink implements Sink {
  readonly target: string;

  constructor(private readonly options: WebhookSinkOptions) {
    this.target = options.url;
  }

  async publish(payload: PartitionPayload): Promise<void> {
    let batch = 0;
    let pending: unknown[] | undefined;
    const send = async (rows: unknown[], last: boolean) => {
      const body = JSON.stringify({ dataset: payload.dataset, partition: payload.key, version: payload.versionId, batch, last, rows }, (_k, v: unknown) =>
        typeof v === 'bigint' ? v.toString() : v,
      );
      await this.post(body, `${payload.versionId}/${batch}`, payload.key, PUBLISH_RETRY);
      batch++;
    };
    // One batch of lookahead, so the last request can say it is the last.
    for await (const rows of rebatch(payload.rows('json'), this.options.batchRows)) {
      if (pending) await send(pending, false);
      pending = rows;
    }
    await send(pending ?? [], true);
  }

  async remove(partition: PartitionRef): Promise<void> {
    const body = JSON.stringify({ dataset: partition.dataset, partition: partition.key, version: null, batch: 0, last: true, rows: [], removed: true });
    await this.post(body, `removed/${partition.key}`, partition.key, REMOVE_RETRY);
  }

  private async post(body: string, delivery: string, key: string, retry: string): Promise<void> {
    const attempts = this.options.attempts ?? 5;
    const backoff = this.options.backoffMs ?? 500;
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let retryable: boolean;
      try {
        const response = await fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: webhookSignature(this.options.secret, body), 'x-pond-delivery': delivery },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return;
        last = `HTTP ${response.status} ${response.statusText}`.trim();
        retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      } catch (error) {
        last = (error as Error).message;
        retryable = true;
      }
      if (!retryable) {
        throw new PondError('BAD_INPUT', `webhook ${this.options.url} refused partition ${key}: ${last}`, {
          where: this.options.where,
          retryable: false,
          hint: `see the receiver's logs; ${retry}`,
        });
      }
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, backoff * 2 ** (attempt - 1))));
    }
    throw new PondError('STORAGE_UNAVAILABLE', `webhook ${this.options.url} failed for partition ${key} after ${attempts} attempts: ${last}`, {
      where: this.options.where,
      hint: retry,
    });
  }

  async close(): Promise<void> {}
}

/**
 * Who is sending: the write key, taken from the Basic-auth user (Segment's
 * SDKs), the `X-Pond-Write-Key` header, or a `writeKey` field in the body
 * (Segment's browser library), looked up among the project's sources.
 * Unlike Segment, an unknown key is refused: a 401 with the reason.
 */
import type { SourceModel } from '../config/index.ts';
import { parseBasicAuthUser } from './segment.ts';

export type KeyCheck = { readonly source: SourceModel } | { readonly status: 401; readonly reason: string };

export class WriteKeys {
  private readonly byKey: ReadonlyMap<string, SourceModel>;

  constructor(sources: readonly SourceModel[]) {
    this.byKey = new Map(sources.map((s) => [s.writeKey, s]));
  }

  check(headers: { authorization?: string | undefined; 'x-pond-write-key'?: string | string[] | undefined }, bodyKey?: unknown): KeyCheck {
    const header = headers['x-pond-write-key'];
    const key =
      parseBasicAuthUser(headers.authorization) || (typeof header === 'string' ? header : undefined) || (typeof bodyKey === 'string' ? bodyKey : undefined);
    if (!key) {
      return {
        status: 401,
        reason: 'missing write key: send it as the Basic-auth user (empty password), in the X-Pond-Write-Key header, or as writeKey in the body',
      };
    }
    const source = this.byKey.get(key);
    if (!source) return { status: 401, reason: `unknown write key "${mask(key)}": use a key declared under collect.sources in pond.config.ts` };
    return { source };
  }
}

/** Enough of a key to recognise it in a log, not enough to use it. */
function mask(key: string): string {
  return key.length <= 6 ? '…' : `${key.slice(0, 4)}…`;
}

/**
 * Landing: a batch of raw versions, consumer offsets, remembered message ids and stream activity committed at once.
 */
import type { NewCheckResult } from './checks.ts';
import type { StreamActivityUpdate } from './stream-activity.ts';
import type { NewVersion } from './versions.ts';

/** A consumer group's position in one buffer partition: the next offset it reads. */
export interface ConsumerOffset {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** Everything one landing batch makes true at once, for `StateStore.commitLanding`. */
export interface LandingCommit {
  /**
   * New raw or dead-letter versions, each with the version it replaces (null
   * when the partition had none). If any partition's current version is no
   * longer that one, nothing is committed and the call fails with CONFLICT.
   */
  readonly versions: readonly { readonly version: NewVersion; readonly replaces: string | null }[];
  /** Consumer positions reached by the batch (none for `pond load`). */
  readonly offsets: readonly ConsumerOffset[];
  /** MessageIds landed, remembered for dedup; `stream` is the stream or dead-letter dataset. */
  readonly messages: readonly { readonly stream: string; readonly messageId: string; readonly receivedAt: number }[];
  readonly activity: readonly ({ readonly stream: string } & StreamActivityUpdate)[];
  /** Raw versions whose `error` checks failed: recorded as quarantined, and their partition marked failed with `error`. */
  readonly quarantined?: readonly { readonly version: NewVersion; readonly error: string }[];
  /** Check results of the batch's versions. */
  readonly checks?: readonly NewCheckResult[];
}

export interface LandingStore {
  /**
   * In one transaction: checks that every replaced version is still current,
   * commits the versions as `commitVersions` does, stores the consumer
   * offsets, remembers the messageIds and adds the stream activity. Returns
   * the versions' seqs. Fails with CONFLICT (nothing written) when another
   * writer committed one of the partitions first.
   */
  commitLanding(commit: LandingCommit): Promise<number[]>;
  /** A consumer group's committed positions in every partition it consumed. */
  consumerOffsets(group: string): Promise<ConsumerOffset[]>;
  /** Those of `messageIds` already landed in `stream` (and not yet forgotten). */
  landedMessages(stream: string, messageIds: readonly string[]): Promise<Set<string>>;
  /** Forgets messageIds received before `before` (the end of the dedup window); returns how many. */
  forgetLandedMessages(before: number): Promise<number>;
}

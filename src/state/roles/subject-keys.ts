/**
 * Data subjects' keys: wrapped under key epochs, deleted to forget.
 */
/** A data subject's key as landing creates it: 32 random bytes wrapped under the current key epoch's key (see src/privacy/keys/). */
export interface NewSubjectKey {
  readonly pseudonym: string;
  readonly wrappedKey: string;
  readonly createdAt: number;
}

/** A data subject's stored key; `wrappedKey` is null once the subject was forgotten. */
export interface SubjectKey {
  readonly pseudonym: string;
  readonly wrappedKey: string | null;
  readonly createdAt: number;
  readonly forgottenAt: number | null;
  /** The key epoch `wrappedKey` is wrapped under; null: under the master key, from before epochs. */
  readonly epoch: number | null;
}

/** What a key ring checks now and then: the current key epoch, and a value that changes whenever a subject is forgotten. */
export interface KeyRingStamp {
  readonly epoch: number;
  readonly forgotten: string;
}

export interface SubjectKeyStore {
  /**
   * Gets or creates the keys of many subjects in ONE transaction: for each
   * candidate whose pseudonym has no row, stores the candidate; then returns
   * the stored row of every candidate's pseudonym. Race-safe: when two
   * landers create a key for the same new subject, one insert wins and both
   * get the winner's key. A forgotten subject keeps its tombstone (no key).
   * Candidates are wrapped under the key of `epoch`, and stored only while
   * it is the current key epoch; the answer says which epoch is current, so
   * that a caller that was overtaken by a rotation wraps again and retries.
   */
  subjectKeys(candidates: readonly NewSubjectKey[], epoch: number): Promise<{ keys: Map<string, SubjectKey>; epoch: number }>;
  /** The stored rows of these pseudonyms (unknown ones are left out); creates nothing. */
  findSubjectKeys(pseudonyms: readonly string[]): Promise<Map<string, SubjectKey>>;
  /** Deletes the keys of these subjects (tombstones with `forgottenAt`); returns the pseudonyms that had a key. */
  forgetSubjectKeys(pseudonyms: readonly string[], at: number): Promise<string[]>;
  /** Pseudonyms of every forgotten subject, sorted. */
  forgottenSubjects(): Promise<string[]>;
  /** A value that changes whenever a subject is forgotten, '' while nobody is (to cache `forgottenSubjects` by). */
  forgottenStamp(): Promise<string>;
  /** The current key epoch and the forgotten stamp, in one read. */
  keyRingStamp(): Promise<KeyRingStamp>;
  /**
   * Moves the key epoch from `from` to `to`, re-wrapping every live subject
   * key with `rewrap` in the same transaction (see privacy/keys/key-epochs.ts);
   * false, changing nothing, when the epoch is not `from` any more.
   */
  rotateKeyEpoch(from: number, to: number, rewrap: (key: SubjectKey) => string): Promise<boolean>;
  /**
   * Makes deleted rows unreadable in the database's own files, as far as the
   * database allows: SQLite deletes securely (zeros) always, and this
   * checkpoints the WAL and truncates it; PostgreSQL rewrites the tables that
   * held keys and row samples (VACUUM FULL). Copies elsewhere (backups, WAL
   * archives) are what key epochs are for.
   */
  scrubDeleted(): Promise<void>;
}

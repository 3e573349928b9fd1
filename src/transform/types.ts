import type { WrittenParquet } from '../compute/index.ts';
import type { Row } from '../define/index.ts';
import type { Column } from '../model/index.ts';

export type { Row, Column };

/** One input of a build: the files of the current versions of its mapped partitions. */
export interface InputBinding {
  /** The view name the transformation uses. */
  readonly alias: string;
  /** Local paths (or URLs) DuckDB reads. */
  readonly files: readonly string[];
  /** Columns to give an empty input, so that SQL over it still binds. */
  readonly columns: readonly Column[];
  /**
   * False when the files' schemas differ (the schema changed between
   * versions): then columns are matched by name across files, which costs a
   * read of every file's footer before the query starts.
   */
  readonly sameSchema?: boolean;
  /** Rows of forgotten data subjects to leave out or anonymize as the input is read. */
  readonly forgotten?: ForgottenRows;
  /** Columns the transformation reads decrypted (the dataset's `decrypt`), and how; see input-views.ts. */
  readonly decrypted?: DecryptedColumns;
}

/**
 * Encrypted columns an input is read with in clear. The transform layer knows
 * nothing of keys: it hands `decrypt` the ciphertexts of a batch of rows, one
 * array per row in `columns` order, and gets back each one's clear value — a
 * JSON value (a personal field), the text as received (`_raw`), or null (no
 * value, or none that can be read: the subject was forgotten).
 */
export interface DecryptedColumns {
  /** The columns to decrypt, with the types their clear values are read as. */
  readonly columns: readonly Column[];
  decrypt(rows: ReadonlyArray<ReadonlyArray<string | null>>): Promise<unknown[][]>;
}

/**
 * How the rows of forgotten data subjects are read (see privacy/forget/):
 * a row is theirs when one of `identifiers` holds one of `pseudonyms`, or one
 * of `ciphertexts` holds a ciphertext under one of their keys
 * (`enc:v1:<pseudonym>:…`). Such rows are left out (`drop`), or read with
 * `cleared` set to null (`anonymize`).
 */
export interface ForgottenRows {
  readonly pseudonyms: readonly string[];
  /** A table of the same pseudonyms (column `pseudonym`) to read them from, instead of a list in the query (see forgotten-table.ts). */
  readonly table?: string;
  readonly identifiers: readonly string[];
  readonly ciphertexts: readonly string[];
  readonly cleared: readonly string[];
  readonly policy: 'anonymize' | 'drop';
}

export interface PartitionWindow {
  readonly key: string;
  /** ms since the epoch, or null when unpartitioned. */
  readonly start: number | null;
  readonly end: number | null;
}

/** The output of a build, written to a staging file. */
export type BuildOutput = WrittenParquet;

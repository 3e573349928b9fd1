import type Sqlite from 'better-sqlite3';
import { PartitionColumnsBuilder } from '../partition-columns-builder.ts';
import type { Snapshot } from '../partition-cache/snapshot-codec.ts';
import type { PartitionColumns } from '../roles/index.ts';

/** Rows per page: bounds the size of one page's text (about 30 bytes a row). */
const PAGE = 262_144;

/**
 * One page of partitions as a single text of numbers, five per partition:
 * idx, current_seq, input_seq, flags (1 failed, 2 built), code_ref (-1 none).
 * The inner query walks the primary key in idx order and group_concat keeps
 * that order; the reader checks it anyway.
 */
const PAGE_QUERY = `select count(*), group_concat(printf('%d,%d,%d,%d,%d', idx, current_seq, input_seq, (status = 'failed') + 2 * (version_id is not null), ifnull(code_ref, -1)), ',')
  from (select idx, current_seq, input_seq, status, version_id, code_ref from partitions where dataset = ? and idx >= ? order by idx limit ?)`;
const FINGERPRINTS = `select ref, fingerprint from code_fingerprints`;
const COVERED = `select ifnull(max(change_seq), 0) from partitions where dataset = ?`;

interface Statements {
  page: Sqlite.Statement<[string, number, number], [number, string | null]>;
  fingerprints: Sqlite.Statement<[], [number, string]>;
}
const prepared = new WeakMap<Sqlite.Database, Statements>();

/**
 * Reads all partitions of a dataset straight from better-sqlite3, bypassing
 * Kysely. Fetching a row costs better-sqlite3 about a microsecond (a million
 * rows took 1.1 s with `raw().iterate()`), so each page of 262,144 partitions
 * comes back as ONE text value, parsed here into typed arrays (about half the time).
 */
export function readPartitionColumns(file: Sqlite.Database, dataset: string, page = PAGE): PartitionColumns {
  let stmts = prepared.get(file);
  if (!stmts) {
    stmts = {
      page: file.prepare<[string, number, number], [number, string | null]>(PAGE_QUERY).raw(true),
      fingerprints: file.prepare<[], [number, string]>(FINGERPRINTS).raw(true),
    };
    prepared.set(file, stmts);
  }
  // One read transaction, so the pages and the fingerprints are one snapshot.
  return file
    .transaction(() => {
      const fingerprints = new Map<number, string>(stmts.fingerprints.all());
      // Database ref to builder ref, learned on first sight.
      const refs = new Map<number, number>();
      const builder = new PartitionColumnsBuilder(65_536);
      let from = Number.MIN_SAFE_INTEGER;
      let last = from - 1;
      for (;;) {
        const [count, text] = stmts.page.get(dataset, from, page) ?? [0, null];
        if (count === 0 || text === null) break;
        // A hand-written scan of "n,n,n,n,n,…": far cheaper than split() and Number().
        let field = 0;
        let value = 0;
        let sign = 1;
        let idx = 0;
        let currentSeq = 0;
        let inputSeq = 0;
        let flags = 0;
        const end = text.length;
        for (let i = 0; i <= end; i++) {
          const c = i < end ? text.charCodeAt(i) : 44;
          if (c === 45 /* - */) {
            sign = -1;
          } else if (c !== 44 /* , */) {
            value = value * 10 + (c - 48);
          } else {
            const v = sign * value;
            value = 0;
            sign = 1;
            if (field === 0) idx = v;
            else if (field === 1) currentSeq = v;
            else if (field === 2) inputSeq = v;
            else if (field === 3) flags = v;
            if (field < 4) {
              field++;
              continue;
            }
            field = 0;
            if (idx <= last) throw new Error(`partitions of ${dataset} came back out of idx order`);
            last = idx;
            let ref = -1;
            if (v >= 0) {
              ref = refs.get(v) ?? -1;
              if (ref < 0) {
                const fingerprint = fingerprints.get(v);
                if (fingerprint !== undefined) {
                  ref = builder.ref(fingerprint);
                  refs.set(v, ref);
                }
              }
            }
            builder.addRef(idx, currentSeq, inputSeq, flags & 1, (flags >> 1) & 1, ref);
          }
        }
        if (count < page) break;
        from = last + 1;
      }
      return builder.build();
    })
    .deferred();
}

const covered = new WeakMap<Sqlite.Database, Sqlite.Statement<[string], [number]>>();

/**
 * `readPartitionColumns` with the highest change_seq it covers, both in one
 * read transaction (one snapshot of the file), for the snapshot + delta cache.
 */
export function readPartitionSnapshot(file: Sqlite.Database, dataset: string): Snapshot {
  let stmt = covered.get(file);
  if (!stmt) {
    stmt = file.prepare<[string], [number]>(COVERED).raw(true);
    covered.set(file, stmt);
  }
  const max = stmt;
  return file.transaction(() => ({ covered: Number(max.get(dataset)?.[0] ?? 0), columns: readPartitionColumns(file, dataset) })).deferred();
}

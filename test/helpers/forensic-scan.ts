/**
 * A forensic read of a project folder, without Pond: every file is read as
 * raw bytes (SQLite databases with their free pages and WAL, buffer segments,
 * sink files, logs, manifests), every Parquet file is opened with DuckDB's
 * `read_parquet` and each of its cells searched as text (its pages are
 * compressed, so its bytes alone would hide them), and every wrapped key
 * found anywhere is attacked with the master key and whatever epoch keys are
 * found on disk. What it finds of one data subject comes back as findings
 * that name the file and what it holds, so that one failure lists them all.
 *
 * The pseudonym is expected in two places only: in the raw lake's Parquet
 * (raw/ and dead-letter/), as a whole cell (an identifier column) or as the
 * key name of a ciphertext; and in files the caller names (the state store,
 * whose tombstone keeps a forgotten subject from ever getting a new key and
 * whose audit log names the request's subject). Anywhere else it is a finding.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ciphertextPseudonym, decryptCiphertext, keyTextsIn, openEpochKey, openSubjectKey, type EpochKeyText, type WrappedKeyText } from './forensic-keys.ts';

/** One thing of the subject found on disk: which file, what, and where in it. */
export interface Finding {
  readonly file: string;
  readonly what: string;
  readonly detail: string;
}

export interface ForensicSubject {
  readonly pseudonym: string;
  /** Clear values by what they are, e.g. `{ 'clear id': 'user-ada', email: 'ada@mail.example' }`. */
  readonly values: Readonly<Record<string, string>>;
}

export interface ForensicScanOptions {
  readonly master: Buffer;
  readonly subject: ForensicSubject;
  /** Every file under these folders is read, recursively. */
  readonly folders: readonly string[];
  /** The lake's folder (its raw/ and dead-letter/ hold the immutable raw lake). */
  readonly lakeDir: string;
  /** Files where the pseudonym is expected (the state store's tombstone and audit log). */
  readonly pseudonymExpectedIn?: (file: string) => boolean;
  /** More files, read as raw bytes; `values: false` searches them for keys only (files shared with other tenants, such as pg_wal). */
  readonly extraFiles?: readonly { readonly file: string; readonly values: boolean }[];
  /** Findings name files relative to this folder when they are inside it. */
  readonly base?: string;
  /** Pseudonyms of subjects that were not forgotten: the attack must still recover their keys, or it proves nothing. */
  readonly controls?: readonly string[];
}

export interface RecoveredKey {
  /** The file's absolute path. */
  readonly file: string;
  readonly wrapped: string;
  readonly via: string;
  readonly key: Buffer;
}

/** A ciphertext of the subject in the raw lake, with the stream and column its additional data names. */
export interface SubjectCiphertext {
  readonly file: string;
  readonly stream: string;
  readonly column: string;
  readonly text: string;
}

export interface ForensicScanResult {
  readonly findings: Finding[];
  /** The subject's data keys an attacker recovers, with the file each wrapped copy was found in. */
  readonly keys: RecoveredKey[];
  readonly ciphertexts: SubjectCiphertext[];
  readonly files: number;
  /** Distinct wrapped subject keys and epoch keys seen (of every subject). */
  readonly wrappedKeys: number;
  readonly epochKeys: number;
  /** Of each control pseudonym, the files (absolute paths) holding a wrapped key of it that the attack opens. */
  readonly controlKeys: ReadonlyMap<string, string[]>;
}

class Tally {
  private readonly seen = new Map<string, { file: string; what: string; count: number; first: string }>();

  add(file: string, what: string, first: () => string): void {
    const key = `${file}\0${what}`;
    const entry = this.seen.get(key);
    if (entry) entry.count++;
    else this.seen.set(key, { file, what, count: 1, first: first() });
  }

  findings(): Finding[] {
    return [...this.seen.values()].map((e) => ({ file: e.file, what: e.what, detail: `${e.count} time${e.count === 1 ? '' : 's'}; first ${e.first}` }));
  }
}

/** Every regular file under `folder`. */
export function filesUnder(folder: string): string[] {
  try {
    return readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function printable(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
}

function offsets(haystack: Buffer, needle: Buffer): number[] {
  const out: number[] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) out.push(at);
  return out;
}

export async function forensicScan(options: ForensicScanOptions): Promise<ForensicScanResult> {
  const { master, subject } = options;
  const ps = subject.pseudonym;
  const name = (file: string) => {
    const rel = options.base ? path.relative(options.base, file) : file;
    return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
  };
  const tally = new Tally();
  const wrapped = new Map<string, { key: WrappedKeyText; files: Set<string> }>();
  const epochs = new Map<string, { key: EpochKeyText; files: Set<string> }>();
  const ciphertexts: SubjectCiphertext[] = [];
  const noteKeys = (text: string, file: string) => {
    const found = keyTextsIn(text);
    for (const k of found.wrapped) (wrapped.get(k.text) ?? wrapped.set(k.text, { key: k, files: new Set() }).get(k.text))?.files.add(file);
    for (const k of found.epochs) (epochs.get(k.text) ?? epochs.set(k.text, { key: k, files: new Set() }).get(k.text))?.files.add(file);
  };
  const needles = Object.entries(subject.values).map(([what, value]) => ({
    what: `${what} ${JSON.stringify(value)}`,
    value,
    bytes: Buffer.from(value, 'utf8'),
  }));
  const psBytes = Buffer.from(ps, 'utf8');

  const targets = [...options.folders.flatMap((f) => filesUnder(f).map((file) => ({ file, values: true }))), ...(options.extraFiles ?? [])];
  const duck = await DuckDBInstance.create(':memory:');
  const connection = await duck.connect();
  let files = 0;
  try {
    for (const { file, values } of targets) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (error) {
        // A file that vanished while a running Pond swept it is not evidence of anything.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        tally.add(name(file), 'a file that cannot be read', () => (error as Error).message);
        continue;
      }
      files++;
      const shown = name(file);
      noteKeys(bytes.toString('latin1'), file);
      if (!values) continue;
      for (const n of needles) {
        for (const at of offsets(bytes, n.bytes))
          tally.add(shown, n.what, () => `at byte ${at}: …${printable(bytes.subarray(Math.max(0, at - 40), at + n.bytes.length + 40))}…`);
      }
      const parquet = file.endsWith('.parquet');
      // In Parquet the pseudonym is judged cell by cell below (raw identifiers are expected there; its page statistics repeat cells).
      if (!parquet && !options.pseudonymExpectedIn?.(file)) {
        for (const at of offsets(bytes, psBytes))
          tally.add(shown, `pseudonym ${ps}`, () => `at byte ${at}: …${printable(bytes.subarray(Math.max(0, at - 40), at + psBytes.length + 40))}…`);
      }
      if (parquet) await parquetCells(connection, file);
    }
  } finally {
    connection.closeSync();
    duck.closeSync();
  }

  async function parquetCells(c: DuckDBConnection, file: string): Promise<void> {
    const shown = name(file);
    const lakePath = path.relative(options.lakeDir, file).split(path.sep);
    const area = lakePath[0] === 'raw' || lakePath[0] === 'dead-letter' ? lakePath[0] : undefined;
    const stream = area ? lakePath[1] : undefined;
    let columns: string[];
    let rows: unknown[][];
    try {
      const reader = await c.runAndReadAll(`select columns(*)::varchar from read_parquet('${file.replaceAll("'", "''")}', hive_partitioning = false)`);
      columns = reader.columnNames();
      rows = reader.getRows();
    } catch (error) {
      tally.add(shown, 'a Parquet file DuckDB cannot read (its cells were not searched)', () => (error as Error).message.split('\n')[0] ?? '');
      return;
    }
    rows.forEach((row, r) => {
      row.forEach((cell, i) => {
        if (typeof cell !== 'string') return;
        const column = columns[i] ?? `#${i}`;
        const where = () => `row ${r} column ${column}: ${cell.length > 160 ? `${cell.slice(0, 160)}…` : cell}`;
        for (const n of needles) if (cell.includes(n.value)) tally.add(shown, `${n.what} in column ${column}`, where);
        if (cell.includes('wk:v') || cell.includes('ek:v1:')) noteKeys(cell, file);
        if (!cell.includes(ps)) return;
        const identifier = cell === ps;
        const ciphertext = ciphertextPseudonym(cell) === ps;
        if (area !== undefined && stream !== undefined && (identifier || ciphertext)) {
          if (ciphertext) ciphertexts.push({ file: shown, stream, column, text: cell });
          return;
        }
        tally.add(shown, `pseudonym ${ps} in column ${column}`, where);
      });
    });
  }

  // The attack: every epoch key that opens with the master key, then every wrapped key that opens as the subject's.
  const epochKeys = new Map<number, Buffer[]>();
  for (const { key } of epochs.values()) {
    const opened = openEpochKey(master, key);
    if (opened) epochKeys.set(key.epoch, [...(epochKeys.get(key.epoch) ?? []), opened]);
  }
  const keys: RecoveredKey[] = [];
  for (const { key, files: where } of wrapped.values()) {
    const opened = openSubjectKey(master, key, ps, epochKeys);
    if (!opened) continue;
    const sample = ciphertexts.find((c) => decryptCiphertext(c.text, opened.key, c.stream, c.column) !== undefined);
    const proof = sample ? `; it decrypts her ciphertext in ${sample.file} column ${sample.column}` : '';
    for (const file of where) {
      keys.push({ file, wrapped: key.text, via: opened.via, key: opened.key });
      tally.add(
        name(file),
        "a wrapped key that unwraps to the subject's data key",
        () => `${key.text.slice(0, 30)}… opens under ${opened.via} with her pseudonym as additional data${proof}`,
      );
    }
  }
  const controlKeys = new Map(
    (options.controls ?? []).map((control) => [
      control,
      [...wrapped.values()].filter((w) => openSubjectKey(master, w.key, control, epochKeys)).flatMap((w) => [...w.files]),
    ]),
  );
  return { findings: tally.findings(), keys, ciphertexts, files, wrappedKeys: wrapped.size, epochKeys: epochs.size, controlKeys };
}

/** The findings as lines for a failure message: `file: what (detail)`. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings.map((f) => `  ${f.file}: ${f.what} (${f.detail})`).join('\n');
}

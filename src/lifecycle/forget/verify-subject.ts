/**
 * The proof that forgetting held: a scan for what of data subjects survives,
 * reading the lake's files and the state's text directly rather than through
 * Pond's readers (which leave forgotten rows out and so would see nothing).
 *
 * Every column of every current version (cast to text, nested values
 * included) of every derived dataset, every stream's raw partitions and
 * every dead-letter dataset is searched for each subject's pseudonym and,
 * when given, its clear identifier; so is the state's free text (check
 * results' failing-row samples, run logs and errors, landed message ids).
 * Files are those the state store lists for current versions — never a
 * globbed folder — a few hundred per DuckDB query, grouped by schema.
 *
 * What is expected and not a finding: in a raw stream (immutable and
 * crypto-shredded), the pseudonym as the value of a declared identifier
 * column, and as the key name of a ciphertext (`enc:v1:<pseudonym>:…`) in its
 * encrypted columns (personal fields, `_raw`, `_ip`; `_raw` of a dead
 * letter). Everything else is a finding: the pseudonym anywhere else, in any
 * derived version or state text, and the clear identifier anywhere.
 *
 * The clear identifier is matched as a whole word (not inside a longer run
 * of ASCII letters and digits: `user-4` is not found in `user-42`), ignoring
 * case, outside ciphertexts; the pseudonym exactly. When a request completes only the pseudonym can be looked for:
 * the audit log never knew the clear identifier.
 */
import type { Project } from '../../config/index.ts';
import { encryptedFields, protectsPersonalData } from '../../config/index.ts';
import type { Lake } from '../../lake/index.ts';
import { quoteIdent, sqlList, sqlString, type Engine, type SqlSession } from '../../compute/index.ts';
import { ALL_WINDOWS } from '../../model/index.ts';
import type { CurrentVersion, ForgetFinding, ForgetRequest, ForgetVerification, ForgetStore, VersionStore, SubjectKeyStore } from '../../state/index.ts';

const FILES_PER_QUERY = 300;
/** Subjects looked for by one query (each adds two conditions per column). */
const TARGETS_PER_QUERY = 16;
/** Findings kept with a request (all are counted). */
const KEPT_FINDINGS = 200;
const CIPHERTEXT = 'enc:v1:';
/** A ciphertext as field-cipher.ts writes it: opaque, so no clear identifier can be read in it. */
const CIPHERTEXT_RE = 'enc:v1:[A-Za-z0-9_-]+:[A-Za-z0-9_-]*';

export interface VerifyDeps {
  readonly project: Project;
  readonly state: ForgetStore & VersionStore & SubjectKeyStore;
  readonly lake: Lake;
  readonly engine: Engine;
}

/** A subject to look for: always by pseudonym, and by its clear identifier when known. */
export interface VerifyTarget {
  readonly pseudonym: string;
  /** The clear identifier (from the command line); never stored nor printed. */
  readonly subject?: string;
}

/** What was found of one subject. `findings` holds every finding (the stored verification keeps the first 200). */
export interface SubjectVerification extends ForgetVerification {
  readonly pseudonym: string;
}

/**
 * Scans the lake and the state once for all `targets`; one verification
 * each, in their order.
 *
 * @example
 * const [v] = await verifySubjects(ctx, [{ pseudonym: ring.pseudonym('user-42'), subject: 'user-42' }]);
 * v.findings // [{ area: 'dataset', name: 'clean_logins', key: '2026-11-24', versionId: '…', column: 'note', value: 'clear identifier', rows: 2 }]
 */
export async function verifySubjects(deps: VerifyDeps, targets: readonly VerifyTarget[], now = Date.now()): Promise<SubjectVerification[]> {
  const found = targets.map(() => new Map<string, ForgetFinding>());
  const add = (i: number, f: ForgetFinding) => {
    const id = JSON.stringify([f.area, f.name, f.dataset, f.key, f.versionId, f.column, f.value]);
    const seen = found[i]?.get(id);
    found[i]?.set(id, seen ? { ...seen, rows: seen.rows + f.rows } : f);
  };
  let versions = 0;
  let files = 0;
  let error: string | null = null;
  if (targets.length > 0) {
    const session = await deps.engine.acquire();
    try {
      for (const place of placesOf(deps.project)) {
        const current = await deps.state.currentVersions(place.name, ALL_WINDOWS.from, ALL_WINDOWS.to);
        versions += current.length;
        files += await scanPlace(session, deps.lake, place, current, targets, add);
      }
      await scanState(deps.state, targets, add);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    } finally {
      await deps.engine.release(session);
    }
  }
  return targets.map((t, i) => {
    const findings = [...(found[i]?.values() ?? [])];
    return {
      pseudonym: t.pseudonym,
      at: now,
      lookedFor: t.subject === undefined ? 'pseudonym' : 'clear identifier and pseudonym',
      findings,
      total: findings.length,
      scanned: { versions, files },
      error,
    };
  });
}

/**
 * Verifies the subjects of requests by pseudonym and records each result
 * with its request: what a completing request calls (the clear identifier
 * is not known then). A scan that fails is recorded with its error.
 *
 * @example
 * const completed = await completeForgetRequests(state, lake);
 * await recordVerifications(deps, completed);
 */
export async function recordVerifications(deps: VerifyDeps, requests: readonly ForgetRequest[], now = Date.now()): Promise<SubjectVerification[]> {
  if (requests.length === 0) return [];
  const results = await verifySubjects(
    deps,
    requests.map((r) => ({ pseudonym: r.pseudonym })),
    now,
  );
  for (const [i, r] of requests.entries()) await deps.state.recordForgetVerification(r.id, storedVerification(results[i] as SubjectVerification));
  return results;
}

/** A verification as a request keeps it: the first findings, with the total. */
export function storedVerification(v: SubjectVerification): ForgetVerification {
  return { at: v.at, lookedFor: v.lookedFor, findings: v.findings.slice(0, KEPT_FINDINGS), total: v.total, scanned: v.scanned, error: v.error };
}

/** A verification as `pond forget --status --json` and the data API show it, times as ISO text. */
export function verificationJson(v: ForgetVerification | null) {
  if (v === null) return null;
  return {
    verifiedAt: new Date(v.at).toISOString(),
    lookedFor: v.lookedFor,
    nothingLeft: v.total === 0 && v.error === null,
    total: v.total,
    findings: v.findings,
    scanned: v.scanned,
    error: v.error,
  };
}

/** One line for people: "nothing left", "3 findings" or "failed", with when. */
export function verificationSummary(v: ForgetVerification | null): string {
  if (v === null) return '';
  const when = new Date(v.at).toISOString().slice(0, 16).replace('T', ' ');
  if (v.error !== null) return `scan failed ${when}`;
  return `${v.total === 0 ? 'nothing left' : `${v.total} finding${v.total === 1 ? '' : 's'}`} ${when}`;
}

interface Place {
  readonly area: 'dataset' | 'stream' | 'dead-letter';
  readonly name: string;
  /** Columns whose value may be exactly the pseudonym. */
  readonly identifiers: ReadonlySet<string>;
  /** Columns whose value may be a ciphertext under the subject's key. */
  readonly ciphertexts: ReadonlySet<string>;
}

function placesOf(project: Project): Place[] {
  const none = new Set<string>();
  const out: Place[] = [];
  for (const s of project.streams.values()) {
    const pii = protectsPersonalData(s.pii);
    out.push({ area: 'stream', name: s.name, identifiers: pii ? new Set(s.pii.identifiers) : none, ciphertexts: pii ? new Set(encryptedFields(s.pii)) : none });
    out.push({ area: 'dead-letter', name: s.deadLetter, identifiers: none, ciphertexts: new Set(['_raw']) });
  }
  for (const name of project.order) if (project.datasets.has(name)) out.push({ area: 'dataset', name, identifiers: none, ciphertexts: none });
  return out;
}

/** Scans the current versions of one place; returns how many files it read. */
async function scanPlace(
  session: SqlSession,
  lake: Lake,
  place: Place,
  current: readonly CurrentVersion[],
  targets: readonly VerifyTarget[],
  add: (i: number, f: ForgetFinding) => void,
): Promise<number> {
  // Files by schema (a query over one schema cannot fail on a type changed between versions), each to its version.
  const groups = new Map<string, Map<string, CurrentVersion>>();
  for (const v of current) {
    const schema = JSON.stringify(v.schema);
    const group = groups.get(schema) ?? new Map<string, CurrentVersion>();
    groups.set(schema, group);
    for (const f of v.files) group.set(lake.locate(f.path), v);
  }
  let read = 0;
  for (const group of groups.values()) {
    const all = [...group.keys()];
    for (let i = 0; i < all.length; i += FILES_PER_QUERY) {
      const chunk = all.slice(i, i + FILES_PER_QUERY);
      read += chunk.length;
      const files = sqlList(chunk);
      const columns = (await session.describe(`select * from read_parquet(${files}, union_by_name = true, hive_partitioning = false)`)).map((c) => c.name);
      for (let first = 0; first < targets.length; first += TARGETS_PER_QUERY) {
        const probes = columns.flatMap((column) =>
          targets.slice(first, first + TARGETS_PER_QUERY).flatMap((target, t) => probesOf(place, column, target, first + t)),
        );
        if (probes.length === 0) continue;
        const sql = `select filename, ${probes.map((p, n) => `count(*) filter (where ${p.where}) as p${n}`).join(', ')} from read_parquet(${files}, filename = true, union_by_name = true, hive_partitioning = false) group by filename`;
        for (const row of await session.rows(sql)) {
          const v = group.get(String(row.filename));
          for (const [n, p] of probes.entries()) {
            const rows = Number(row[`p${n}`] ?? 0);
            if (rows > 0)
              add(p.target, {
                area: place.area,
                name: place.name,
                dataset: null,
                key: v?.key ?? null,
                versionId: v?.versionId ?? null,
                column: p.column,
                value: p.value,
                rows,
              });
          }
        }
      }
    }
  }
  return read;
}

interface Probe {
  readonly target: number;
  readonly column: string;
  readonly value: ForgetFinding['value'];
  readonly where: string;
}

/** The conditions that find a subject in one column: what is expected there is left out. */
function probesOf(place: Place, column: string, target: VerifyTarget, t: number): Probe[] {
  const text = `cast(${quoteIdent(column)} as varchar)`;
  const ps = sqlString(target.pseudonym);
  let pseudonym = `contains(${text}, ${ps})`;
  if (place.identifiers.has(column)) pseudonym = `(${pseudonym} and ${text} <> ${ps})`;
  else if (place.ciphertexts.has(column)) pseudonym = `contains(replace(${text}, ${sqlString(`${CIPHERTEXT}${target.pseudonym}:`)}, ''), ${ps})`;
  const out: Probe[] = [{ target: t, column, value: 'pseudonym', where: pseudonym }];
  if (target.subject !== undefined) {
    const clear = `contains(lower(${text}), ${sqlString(target.subject.toLowerCase())}) and regexp_matches(regexp_replace(${text}, ${sqlString(CIPHERTEXT_RE)}, '', 'g'), ${sqlString(wordPattern(target.subject, '[:alnum:]'))}, 'i')`;
    out.push({ target: t, column, value: 'clear identifier', where: clear });
  }
  return out;
}

/**
 * The clear identifier as a whole word: not inside a longer run of ASCII
 * letters and digits (`letters` as RE2 and JavaScript write the class).
 * ASCII, because RE2 compiles Unicode classes slowly, once per column and
 * query; a non-ASCII neighbour counts as a boundary, which can only find more.
 */
function wordPattern(subject: string, letters: string): string {
  const escaped = subject.replace(/[\\^$.*+?()[\]{}|/]/g, (c) => `\\${c}`);
  return `(^|[^${letters}])${escaped}($|[^${letters}])`;
}

/** The same search over the state's free text; the clear identifier outside ciphertexts, as a whole word. */
async function scanState(
  state: ForgetStore & VersionStore & SubjectKeyStore,
  targets: readonly VerifyTarget[],
  add: (i: number, f: ForgetFinding) => void,
): Promise<void> {
  const needles = targets.flatMap((t) => (t.subject === undefined ? [t.pseudonym] : [t.pseudonym, t.subject]));
  const texts = await state.findStateText(needles);
  for (const [i, t] of targets.entries()) {
    const word = t.subject === undefined ? undefined : new RegExp(wordPattern(t.subject, 'A-Za-z0-9'), 'i');
    for (const row of texts) {
      const place = { area: 'state' as const, name: row.table, dataset: row.dataset, key: row.key, versionId: row.versionId, column: row.column, rows: 1 };
      if (row.text.includes(t.pseudonym)) add(i, { ...place, value: 'pseudonym' });
      if (word && word.test(row.text.replace(new RegExp(CIPHERTEXT_RE, 'g'), ''))) add(i, { ...place, value: 'clear identifier' });
    }
  }
}

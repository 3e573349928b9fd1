/**
 * The right of access (GDPR art. 15): everything the lake holds about one
 * data subject, decrypted, as one document.
 *
 * The subject is found by its pseudonym, which is the same in every stream
 * and dataset: a row is the subject's when one of its identifier columns (as
 * `classifyProject` tells them, `_raw` included) holds the pseudonym — as the
 * whole value, inside a list or struct, or as the subject a ciphertext names
 * (`enc:v1:<pseudonym>:…`) — or equals the clear subject id, which data
 * landed before its stream declared personal data still holds. Dead letters
 * are the subject's when their `_raw` names the pseudonym. Values are
 * compared as text and written as SQL literals (`sqlString`), never spliced.
 *
 * Only current versions are searched (the lake views): superseded versions
 * kept for retention, the buffer and sinks' copies are not; the notes say so.
 */
import type { Project } from '../config/index.ts';
import { quoteIdent, sqlString, type SqlSession } from '../compute/index.ts';
import type { SubjectKeyStore } from '../state/index.ts';
import { classifyProject, type NodePrivacy } from './classify-project.ts';
import { decryptRows } from './decrypt-rows.ts';
import { duckdbSqlParser } from './duckdb-sql-parser.ts';
import type { SubjectKeyRing } from './keys/index.ts';

/** `active`: the subject has a key; `forgotten`: the key was deleted; `unknown`: no event naming the subject ever landed encrypted. */
export type SubjectStatus = 'active' | 'forgotten' | 'unknown';

/** The subject's rows in one stream, dataset, or stream's dead letters. */
export interface SubjectRows {
  readonly name: string;
  /** The columns searched for the subject. */
  readonly matchedOn: readonly string[];
  readonly count: number;
  readonly rows: ReadonlyArray<Record<string, unknown>>;
}

export interface SubjectExport {
  /** As asked for. */
  readonly subject: string;
  readonly pseudonym: string;
  readonly exportedAt: string;
  readonly status: SubjectStatus;
  readonly notes: readonly string[];
  /** Rows found in every stream, dead letters and dataset searched, zeros included. */
  readonly counts: {
    readonly streams: Readonly<Record<string, number>>;
    readonly deadLetters: Readonly<Record<string, number>>;
    readonly datasets: Readonly<Record<string, number>>;
  };
  /** Only the streams, dead letters (by stream) and datasets with rows. */
  readonly streams: readonly SubjectRows[];
  readonly deadLetters: readonly SubjectRows[];
  readonly datasets: readonly SubjectRows[];
  /** Ciphertexts shown as null: their subject's key is gone (forgotten) or was never there. */
  readonly unreadable: number;
}

export interface ExportSubjectOptions {
  readonly project: Project;
  /** A session with the lake views defined (`createLakeViews`). */
  readonly session: Pick<SqlSession, 'rows' | 'describe'>;
  readonly ring: Pick<SubjectKeyRing, 'pseudonym' | 'existingKeysOf'>;
  readonly state: Pick<SubjectKeyStore, 'findSubjectKeys'>;
  /** The classes of every stream and dataset (default: `classifyProject` with this session's parser). */
  readonly privacy?: ReadonlyMap<string, NodePrivacy>;
  readonly now?: () => Date;
}

/**
 * @example
 * await createLakeViews(session, project, state, lake);
 * const doc = await exportSubject('user-42', { project, session, ring: await ctx.keyRing(), state });
 * doc.status // 'active'
 * doc.streams[0] // { name: 'signups', matchedOn: ['user_id', '_raw'], count: 3, rows: [{ user_id: 'ps_Vb8x…', email: 'ada@example.com', … }] }
 */
export async function exportSubject(subject: string, options: ExportSubjectOptions): Promise<SubjectExport> {
  const { project, session, ring, state } = options;
  const pseudonym = ring.pseudonym(subject);
  const stored = (await state.findSubjectKeys([pseudonym])).get(pseudonym);
  const status: SubjectStatus = stored === undefined ? 'unknown' : stored.wrappedKey === null ? 'forgotten' : 'active';
  const privacy = options.privacy ?? (await classifyProject(project, duckdbSqlParser(session)));
  let unreadable = 0;

  const search = async (name: string, identifiers: readonly string[], order: readonly string[]): Promise<SubjectRows> => {
    const view = quoteIdent(name);
    const columns = (await session.describe(`select * from ${view}`)).map((c) => c.name);
    // A class Pond could not resolve to a column (`*`) may be in any of them.
    const matchedOn = identifiers.includes('*') ? columns : identifiers.filter((c) => columns.includes(c));
    if (matchedOn.length === 0) return { name, matchedOn, count: 0, rows: [] };
    const by = order.filter((c) => columns.includes(c));
    const sql = `select * from ${view} where ${subjectCondition(matchedOn, pseudonym, subject)}${by.length > 0 ? ` order by ${by.map(quoteIdent).join(', ')}` : ''}`;
    const shown = await decryptRows(await session.rows(sql), project, ring);
    unreadable += shown.forgotten + shown.unreadable;
    return { name, matchedOn, count: shown.rows.length, rows: shown.rows };
  };

  const withIdentifiers = (kind: NodePrivacy['kind']) => [...privacy.values()].filter((n) => n.kind === kind && n.identifiers.length > 0);
  const streams: SubjectRows[] = [];
  for (const node of withIdentifiers('stream')) streams.push(await search(node.name, node.identifiers, ['_event_time', '_message_id']));
  const datasets: SubjectRows[] = [];
  for (const node of withIdentifiers('dataset')) datasets.push(await search(node.name, node.identifiers, []));
  const deadLetters = await searchDeadLetters(
    session,
    streams.map((s) => s.name),
    pseudonym,
  );
  const dead = await decryptRows(deadLetters, project, ring);
  unreadable += dead.forgotten + dead.unreadable;
  const deadByStream = streams.map((s): SubjectRows => {
    const rows = dead.rows.filter((r) => r.stream === s.name);
    return { name: s.name, matchedOn: ['_raw'], count: rows.length, rows };
  });

  const counts = (list: readonly SubjectRows[]) => Object.fromEntries(list.map((s) => [s.name, s.count]));
  const found = (list: readonly SubjectRows[]) => list.filter((s) => s.count > 0);
  return {
    subject,
    pseudonym,
    exportedAt: (options.now ?? (() => new Date()))().toISOString(),
    status,
    notes: notes(subject, pseudonym, status),
    counts: { streams: counts(streams), deadLetters: counts(deadByStream), datasets: counts(datasets) },
    streams: found(streams),
    deadLetters: found(deadByStream),
    datasets: found(datasets),
    unreadable,
  };
}

/**
 * The SQL condition that a row names the subject in one of `columns`: the
 * pseudonym anywhere in the value's text (alone, in a list or struct, or as
 * the subject of a ciphertext: 22 random characters do not occur by
 * chance), or the clear id as the whole value (a substring would match
 * `user-1` in `user-10`).
 *
 * @example
 * subjectCondition(['user_id'], 'ps_Vb8x…', "o'brien")
 * // `(contains(cast("user_id" as varchar), 'ps_Vb8x…') or cast("user_id" as varchar) = 'o''brien')`
 */
export function subjectCondition(columns: readonly string[], pseudonym: string, subject: string): string {
  const text = (c: string) => `cast(${quoteIdent(c)} as varchar)`;
  return columns.map((c) => `(contains(${text(c)}, ${sqlString(pseudonym)}) or ${text(c)} = ${sqlString(subject)})`).join(' or ');
}

async function searchDeadLetters(session: Pick<SqlSession, 'rows'>, streams: readonly string[], pseudonym: string): Promise<Array<Record<string, unknown>>> {
  if (streams.length === 0) return [];
  // `_raw` is the event encrypted under its subject's key (its text names the
  // pseudonym), or — without a key — the event with identifiers pseudonymised.
  return session.rows(
    `select * from dead_letters where stream in (${streams.map(sqlString).join(', ')}) and contains(_raw, ${sqlString(pseudonym)}) order by _received_at, _message_id`,
  );
}

function notes(subject: string, pseudonym: string, status: SubjectStatus): string[] {
  const out = [
    `Pond keeps identifiers as pseudonyms: ${pseudonym} is a keyed hash (HMAC-SHA256) of "${subject}". It is the same in every stream and dataset and cannot be reversed; columns that hold it are shown as stored.`,
    "Personal fields, the client IP (_ip) and the event as received (_raw) are stored encrypted under this subject's own key and are shown decrypted; _raw is the original event, clear identifiers included.",
    'Datasets are derived from the streams; their rows are listed where an identifier column holds the pseudonym (or the clear id).',
    'Searched: the current versions of every stream and dataset with identifier columns, and the dead letters. Not included: events not landed yet (in the buffer), superseded versions kept until `pond gc` removes them, and copies published to sinks outside the lake.',
  ];
  if (status === 'forgotten')
    out.push(
      'This subject was forgotten: their key was deleted, so their encrypted values cannot be read and show as null. The rows listed still name the pseudonym.',
    );
  if (status === 'unknown') out.push('Pond has never created a key for this subject: no event naming them has landed in a stream that protects personal data.');
  return out;
}

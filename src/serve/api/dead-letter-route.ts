/**
 * `GET /api/streams/:name/dead-letters/readable?limit=`: a stream's dead
 * letters, newest first, as a person reads them: the reason, and the event as
 * it was sent, pretty-printed. In a stream with personal data the lake holds
 * it encrypted under its subject's key (`enc:v1:…`); no reader of the data API
 * may see personal data in clear (that takes the master key: `pond query
 * --decrypt`, `pond export-subject`), so it is decrypted here and shown
 * masked: personal fields hidden, identifiers as their pseudonyms — what every
 * other reader of the lake sees of the same event — and every other field as
 * sent, which is what a reader needs to see what was wrong with it.
 */
import type { FastifyInstance } from 'fastify';
import { protectsPersonalData, type StreamModel } from '../../config/index.ts';
import { PondError } from '../../errors/index.ts';
import { ciphertextSubject, decryptText, fieldAad, PSEUDONYM_PREFIX, subjectId, type SubjectKeyRing } from '../../privacy/index.ts';
import { sqlString } from '../../compute/index.ts';
import type * as api from './answers/index.ts';
import type { ApiContext } from './api-context.ts';
import { rowLimit } from './send-answer.ts';

/** What a hidden value shows as. */
export const MASK = '••• personal data •••';

export function deadLetterRoute(ctx: ApiContext, keyRing?: () => Promise<SubjectKeyRing>) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: { name: string }; Querystring: { limit?: string } }>(
      '/api/streams/:name/dead-letters/readable',
      async (request): Promise<api.DeadLetterList> => {
        const stream = ctx.project.streams.get(request.params.name);
        if (!stream)
          throw new PondError('NOT_FOUND', `no stream named "${request.params.name}"`, {
            hint: `streams: ${[...ctx.project.streams.keys()].join(', ') || '(none)'}`,
          });
        const limit = rowLimit(request.query.limit, 100, 1000);
        const sql = `select reason, source, _received_at, _message_id, _raw from dead_letters where stream = ${sqlString(stream.name)} order by _received_at desc`;
        const answer = await ctx.sql.run(sql, { format: 'json', limit, trusted: true });
        if (answer.format !== 'json') throw new PondError('INTERNAL', 'dead letters were not read as JSON');
        const personal = protectsPersonalData(stream.pii);
        const ring = personal && keyRing ? await keyRing() : undefined;
        const subjects = new Set<string>();
        for (const row of answer.rows) {
          const s = typeof row._raw === 'string' ? ciphertextSubject(row._raw) : undefined;
          if (s !== undefined) subjects.add(s);
        }
        const keys = ring && subjects.size > 0 ? await ring.existingKeysOf(subjects) : new Map<string, Buffer | null>();
        return {
          stream: stream.name,
          personalData: personal,
          deadLetters: answer.rows.map((row) => ({
            messageId: String(row._message_id ?? ''),
            receivedAt: new Date(String(row._received_at).replace(' ', 'T')).toISOString(),
            source: row.source === null || row.source === undefined ? null : String(row.source),
            reason: String(row.reason ?? ''),
            ...readable(stream, row._raw, keys, ring),
          })),
          truncated: answer.truncated,
        };
      },
    );
  };
}

type Shown = Pick<api.DeadLetter, 'payload' | 'shown' | 'masked'>;

/** A dead letter's `_raw` as it may be shown: see the file's header. */
export function readable(
  stream: StreamModel,
  raw: unknown,
  keys: ReadonlyMap<string, Buffer | null>,
  ring: Pick<SubjectKeyRing, 'pseudonym'> | undefined,
): Shown {
  if (raw === null || raw === undefined) return { payload: null, shown: 'forgotten', masked: [] };
  const text = String(raw);
  if (!protectsPersonalData(stream.pii)) return { payload: pretty(text), shown: 'as sent', masked: [] };
  if (text.startsWith('[withheld:')) return { payload: null, shown: 'withheld', masked: [] };
  const subject = ciphertextSubject(text);
  let clear = text;
  if (subject !== undefined) {
    if (!ring) return { payload: null, shown: 'encrypted', masked: [] };
    const key = keys.get(subject) ?? null;
    if (key === null) return { payload: null, shown: 'forgotten', masked: [] };
    clear = decryptText(text, key, fieldAad(stream.name, '_raw'));
  }
  let event: unknown;
  try {
    event = JSON.parse(clear);
  } catch {
    return { payload: null, shown: 'withheld', masked: [] };
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return { payload: null, shown: 'withheld', masked: [] };
  const out: Record<string, unknown> = { ...(event as Record<string, unknown>) };
  const masked: string[] = [];
  for (const column of stream.pii.identifiers) {
    const value = out[column];
    if (value === undefined || value === null) continue;
    // Without a key, the event was kept as it lands: its identifiers are pseudonyms already.
    const already = typeof value === 'string' && value.startsWith(PSEUDONYM_PREFIX) && subject === undefined;
    out[column] = already || !ring ? value : ring.pseudonym(subjectId(value));
  }
  for (const column of stream.pii.personal) {
    if (out[column] === undefined || out[column] === null) continue;
    out[column] = MASK;
    masked.push(column);
  }
  return { payload: JSON.stringify(out, null, 2), shown: 'masked', masked };
}

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/**
 * Privacy, for a data protection officer and the engineers who answer to
 * one: which streams and datasets hold personal data (as `pond privacy`),
 * the forget requests with their rebuilds (the audit log, as `pond forget
 * --status`), and a form to forget a data subject. Forgetting deletes the
 * subject's key, so the form asks twice: a second click on a button that
 * names the subject.
 */
import { useState, type ChangeEvent } from 'react';
import { enc, postJson } from '../api.ts';
import { Badge, Empty, ErrorBox, Loading, Panel } from '../components/status.tsx';
import { count, time } from '../format.ts';
import { href } from '../router.ts';
import type { ColumnClass, ForgetAnswer, ForgetRequest, ForgetRequestList, NodePrivacy, PrivacyReport } from '../types.ts';
import { useApi } from '../use-api.ts';

/** While a request is not done its rebuilds move within seconds; otherwise only new requests (from the CLI, say) change the log. */
const PENDING_REFRESH = 3000;
const IDLE_REFRESH = 30_000;

export function PrivacyPage() {
  const report = useApi<PrivacyReport>('privacy');
  const [pending, setPending] = useState(true);
  const requests = useApi<ForgetRequestList>('forget-requests?limit=200', pending ? PENDING_REFRESH : IDLE_REFRESH);
  // The polling follows the answer: adjusted while rendering, as React advises for state derived from the last render.
  const nowPending = requests.data?.requests.some((r) => r.status !== 'done') ?? true;
  if (nowPending !== pending) setPending(nowPending);

  return (
    <div className="page">
      <h1>Privacy</h1>
      <Panel
        title="Personal data"
        actions={
          report.data && (
            <span className="muted">
              {report.data.personalData.length} of {report.data.personalData.length + report.data.noPersonalData.length} streams and datasets
            </span>
          )
        }
      >
        {report.error && <ErrorBox error={report.error} />}
        {!report.data && !report.error && <Loading what="personal data" />}
        {report.data && report.data.personalData.length === 0 && (
          <Empty>
            No stream or dataset holds personal data that is declared. Mark fields in a stream's JSON Schema with <code>"x-pond-pii": "identifier"</code> or{' '}
            <code>"personal"</code>.
          </Empty>
        )}
        {report.data && report.data.personalData.length > 0 && <PersonalDataTable nodes={report.data.personalData} />}
        {report.data && report.data.noPersonalData.length > 0 && <p className="muted">No personal data: {report.data.noPersonalData.join(', ')}</p>}
      </Panel>
      <Panel title="Forget a data subject">
        <ForgetForm onForgotten={requests.reload} />
      </Panel>
      <Panel title="Forget requests" actions={requests.data && <span className="muted">{requests.data.requests.length} shown, newest first</span>}>
        {requests.error && <ErrorBox error={requests.error} />}
        {!requests.data && !requests.error && <Loading what="forget requests" />}
        {requests.data && requests.data.requests.length === 0 && <Empty>No data subject has been forgotten.</Empty>}
        {requests.data && requests.data.requests.length > 0 && <ForgetLog requests={requests.data.requests} />}
      </Panel>
    </div>
  );
}

function PersonalDataTable({ nodes }: { nodes: readonly NodePrivacy[] }) {
  const chips = (columns: readonly ColumnClass[]) =>
    columns.length === 0 ? (
      <span className="muted">–</span>
    ) : (
      columns.map((c) => (
        <span key={c.column} className="chip" title={c.source}>
          {c.column} <span className="muted">{c.source}</span>
        </span>
      ))
    );
  return (
    <table className="list" aria-label="personal data">
      <thead>
        <tr>
          <th>Name</th>
          <th>Kind</th>
          <th>Identifiers</th>
          <th>Personal</th>
          <th>Flags</th>
        </tr>
      </thead>
      <tbody>
        {nodes.map((n) => (
          <tr key={n.name} data-node={n.name}>
            <td>
              <a href={href('datasets', n.name)}>{n.name}</a>
              <div className="muted">{n.file}</div>
            </td>
            <td>{n.kind}</td>
            <td data-class="identifier">{chips(n.columns.filter((c) => c.class === 'identifier'))}</td>
            <td data-class="personal">{chips(n.columns.filter((c) => c.class === 'personal'))}</td>
            <td>
              {n.unverified && (
                <Badge
                  value="unverified"
                  title="A TypeScript transformation over personal data: classes guessed by column name. Declare pii: { identifiers, personal, none } to confirm them."
                />
              )}{' '}
              {n.decrypts.length > 0 && (
                <Badge value="reads in clear" title={`decrypt: ${n.decrypts.join(', ')}. Its personal columns hold clear values: give it a retention.`} />
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ForgetLog({ requests }: { requests: readonly ForgetRequest[] }) {
  return (
    <table className="list" aria-label="forget requests">
      <thead>
        <tr>
          <th>Request</th>
          <th>Status</th>
          <th className="num">Rebuilt</th>
          <th>Requested at</th>
          <th>By</th>
          <th>Reason</th>
          <th>Completed at</th>
        </tr>
      </thead>
      <tbody>
        {requests.map((r) => (
          <tr key={r.id} data-request={r.id} data-status={r.status}>
            <td>
              <code>{r.id}</code>
              <div className="muted" title="The subject's pseudonym: the audit log never names the subject itself">
                {r.pseudonym}
                {!r.hadKey && ' (had no key)'}
              </div>
            </td>
            <td>
              <Badge value={r.status} />
              {r.status === 'rebuilding' && r.waiting.length > 0 && (
                <div className="waiting" aria-label="waiting partitions">
                  <span className="muted">waiting: </span>
                  {r.waiting.map((w) => {
                    const [dataset = '', key] = w.split(' ');
                    return (
                      <a key={w} className="chip" href={href('datasets', dataset, { partition: key })}>
                        {w}
                      </a>
                    );
                  })}
                  {r.partitions - r.rebuilt > r.waiting.length && <span className="muted">and {count(r.partitions - r.rebuilt - r.waiting.length)} more</span>}
                </div>
              )}
            </td>
            <td className="num">
              {r.status === 'recorded' ? (
                <span className="muted" title="The key is deleted; the partitions that hold the subject are found next">
                  –
                </span>
              ) : (
                <>
                  {count(r.rebuilt)} / {count(r.partitions)}
                  {r.failed > 0 && <div className="error-text">{count(r.failed)} failed</div>}
                </>
              )}
            </td>
            <td>{time(r.requestedAt)}</td>
            <td>{r.requestedBy}</td>
            <td className="reason">{r.reason}</td>
            <td>{time(r.completedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface Sent {
  readonly request?: ForgetRequest;
  readonly error?: Error;
}

function ForgetForm({ onForgotten }: { onForgotten: () => void }) {
  const [subject, setSubject] = useState('');
  const [reason, setReason] = useState('');
  const [requestedBy, setRequestedBy] = useState('');
  // The first click arms the button for exactly these values; any change disarms it.
  const [armed, setArmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<Sent>();
  const id = subject.trim();
  const ready = id !== '' && reason.trim() !== '';
  const edit = (set: (v: string) => void) => (e: ChangeEvent<HTMLInputElement>) => {
    set(e.target.value);
    setArmed(false);
  };

  const send = async () => {
    setBusy(true);
    try {
      const body = { reason: reason.trim(), ...(requestedBy.trim() ? { requestedBy: requestedBy.trim() } : {}) };
      const answer = await postJson<ForgetAnswer>(`subjects/${enc(id)}/forget`, body);
      setSent({ request: answer.request });
      setSubject('');
      setReason('');
      onForgotten();
    } catch (error) {
      setSent({ error: error as Error });
    } finally {
      setBusy(false);
      setArmed(false);
    }
  };

  return (
    <>
      <p className="muted">
        Deletes the subject's key at once: their personal data in the lake can no longer be read, by anyone. This cannot be undone. Then every partition that
        held them is rebuilt without them. The reason is kept in the audit log: it must not name the subject or contain an email address.
      </p>
      <form
        className="filters forget-form"
        aria-label="forget a data subject"
        onSubmit={(e) => {
          e.preventDefault();
          if (!ready || busy) return;
          if (armed) void send();
          else setArmed(true);
        }}
      >
        <label>
          Subject
          <input aria-label="subject" value={subject} placeholder="user-42" onChange={edit(setSubject)} />
        </label>
        <label>
          Reason
          <input aria-label="reason" value={reason} placeholder="GDPR art. 17 request, ticket 4711" size={36} onChange={edit(setReason)} />
        </label>
        <label>
          Requested by
          <input aria-label="requested by" value={requestedBy} placeholder="optional: who asks" onChange={edit(setRequestedBy)} />
        </label>
        <button type="submit" className={armed ? 'danger' : undefined} disabled={!ready || busy}>
          {armed ? `Forget ${id} for good` : 'Forget…'}
        </button>
        {armed && (
          <button type="button" className="link" onClick={() => setArmed(false)}>
            Cancel
          </button>
        )}
      </form>
      {armed && <div className="notice">Click “Forget {id} for good” to delete their key. This cannot be undone.</div>}
      {sent?.error && <ErrorBox error={sent.error} title="The request was refused" />}
      {sent?.request && (
        <div className="notice" role="status">
          {sent.request.alreadyForgotten ? (
            <>
              Already forgotten by <code>{sent.request.id}</code> ({sent.request.pseudonym}) on {sent.request.requestedAt.slice(0, 10)}, status{' '}
              {sent.request.status}: nothing new is recorded or rebuilt.
            </>
          ) : (
            <>
              Recorded <code>{sent.request.id}</code> ({sent.request.pseudonym}):{' '}
              {sent.request.hadKey
                ? 'the key is deleted; the partitions that held the subject are rebuilt next.'
                : 'the subject had no data yet; it will never get a key.'}
            </>
          )}
        </div>
      )}
    </>
  );
}

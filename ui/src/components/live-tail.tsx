/**
 * A stream's live tail, like Segment's debugger: the last events it received,
 * accepted and dead-lettered, newest first, as they arrive. It long-polls
 * `GET /api/streams/:name/tail` (each answer's cursor asks for what comes
 * after it, and the request waits for it), so a new event shows within a
 * moment and an idle stream costs one request every 25 seconds. Pausing stops
 * the polling; what arrives meanwhile is fetched on resume, or counted as
 * missed when the tail no longer holds it.
 */
import { useEffect, useState } from 'react';
import { enc, getJson } from '../api.ts';
import { ago, count, time } from '../format.ts';
import type { StreamTail, TailEvent } from '../types.ts';
import { Badge, Empty, ErrorBox, Panel } from './status.tsx';

const KEEP = 100;
const WAIT_SECONDS = 25;

type Filter = '' | 'accepted' | 'dead-letter';

interface TailState {
  readonly events: readonly TailEvent[];
  readonly missed: number;
  readonly error?: Error;
  readonly connected: boolean;
}

export function LiveTail({ stream }: { stream: string }) {
  const [paused, setPaused] = useState(false);
  const [filter, setFilter] = useState<Filter>('');
  const [state, setState] = useState<TailState>({ events: [], missed: 0, connected: false });

  useEffect(() => {
    if (paused) return;
    const abort = new AbortController();
    let cursor: string | undefined;
    void (async () => {
      while (!abort.signal.aborted) {
        const query = new URLSearchParams();
        if (cursor) {
          query.set('after', cursor);
          query.set('wait', String(WAIT_SECONDS));
        }
        if (filter) query.set('status', filter);
        try {
          const answer = await getJson<StreamTail>(`streams/${enc(stream)}/tail?${query.toString()}`, abort.signal);
          const first = cursor === undefined;
          cursor = answer.cursor;
          setState((s) => ({
            // Newest first; the first answer replaces what a previous filter showed.
            events: [...[...answer.events].reverse(), ...(first ? [] : s.events)].slice(0, KEEP),
            missed: (first ? 0 : s.missed) + answer.missed,
            connected: true,
          }));
        } catch (error) {
          if (abort.signal.aborted) return;
          setState((s) => ({ ...s, error: error as Error, connected: false }));
          await new Promise((resolve) => setTimeout(resolve, 3000));
        }
      }
    })();
    return () => abort.abort();
  }, [stream, paused, filter]);

  return (
    <Panel
      title="Live tail"
      actions={
        <span className="tail-actions">
          <span className={`muted tail-state${state.connected && !paused ? ' live' : ''}`} data-testid="tail-state">
            {paused ? 'paused' : state.connected ? 'live' : 'connecting…'}
          </span>
          <select aria-label="tail filter" value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            <option value="">accepted and dead letters</option>
            <option value="accepted">accepted only</option>
            <option value="dead-letter">dead letters only</option>
          </select>
          <button type="button" onClick={() => setPaused(!paused)}>
            {paused ? 'Resume' : 'Pause'}
          </button>
        </span>
      }
    >
      {state.error && !state.connected && !paused && <ErrorBox error={state.error} title="The tail could not be read (trying again)" />}
      {state.missed > 0 && <div className="muted">{count(state.missed)} events arrived faster than they could be shown, and were skipped.</div>}
      {state.connected && state.events.length === 0 && (
        <Empty>Nothing received since the server started{filter ? ' that matches' : ''}: events show here as they arrive.</Empty>
      )}
      {state.events.length > 0 && (
        <table className="list tail" aria-label="live tail">
          <thead>
            <tr>
              <th>Received</th>
              <th>Verdict</th>
              <th>Source</th>
              <th>Event</th>
            </tr>
          </thead>
          <tbody>
            {state.events.map((e) => (
              <tr key={e.messageId + e.receivedAt} data-message-id={e.messageId} data-status={e.status}>
                <td title={time(e.receivedAt)}>{ago(e.receivedAt)}</td>
                <td>
                  <Badge value={e.status === 'accepted' ? 'accepted' : 'dead letter'} />
                  {e.status === 'accepted' && e.eventTime && <div className="muted">event time {time(e.eventTime)}</div>}
                  {e.reason && <div className="error-text">{e.reason}</div>}
                </td>
                <td>{e.source}</td>
                <td>
                  <TailPayload event={e} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

function TailPayload({ event }: { event: TailEvent }) {
  if (event.event === null || event.event === undefined) return <span className="muted">kept encrypted whole (personal data)</span>;
  const flat = JSON.stringify(event.event);
  return (
    <details className="payload">
      <summary>
        <code>{flat.length > 80 ? `${flat.slice(0, 80)}…` : flat}</code>
        {event.masked.length > 0 && <Badge value="masked" title={`masked: ${event.masked.join(', ')}`} />}
      </summary>
      <pre>{JSON.stringify(event.event, null, 2)}</pre>
    </details>
  );
}

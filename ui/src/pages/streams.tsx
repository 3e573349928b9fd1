/**
 * Streams: rates, latency from receipt to lake, a live tail of the events as
 * they arrive (accepted and dead-lettered), and the dead letters with their
 * reasons and readable payloads (masked where they hold personal data).
 */
import { enc } from '../api.ts';
import { Badge, Empty, ErrorBox, Loading, Panel, Stat } from '../components/status.tsx';
import { StreamsTable } from '../components/streams-table.tsx';
import { LiveTail } from '../components/live-tail.tsx';
import { ago, count, duration, rate, time } from '../format.ts';
import { href } from '../router.ts';
import type { DeadLetter, DeadLetterList, Stream, StreamList } from '../types.ts';
import { useApi } from '../use-api.ts';

const REFRESH = 5000;

export function StreamsPage() {
  const streams = useApi<StreamList>('streams', REFRESH);
  return (
    <div className="page">
      <h1>Streams</h1>
      {streams.error && <ErrorBox error={streams.error} />}
      {!streams.data && !streams.error && <Loading what="streams" />}
      {streams.data && (
        <Panel title="Every stream">
          <StreamsTable streams={streams.data.streams} detailed />
        </Panel>
      )}
    </div>
  );
}

export function StreamPage({ name }: { name: string }) {
  const stream = useApi<Stream>(`streams/${enc(name)}`, REFRESH);
  const dead = useApi<DeadLetterList>(`streams/${enc(name)}/dead-letters/readable?limit=100`, REFRESH);
  const s = stream.data;
  return (
    <div className="page">
      <div className="title-row">
        <h1>
          {name} <span className="kind">stream</span>
        </h1>
        <a href={href('datasets', name)}>Partitions, versions and checks →</a>
      </div>
      {stream.error && <ErrorBox error={stream.error} />}
      {!s && !stream.error && <Loading what={name} />}
      {s && (
        <>
          <div className="stats">
            <Stat label="Rate, last minute" value={rate(s.rates.eventsPerSecond['1m'])} note={`${rate(s.rates.eventsPerSecond['1h'])} over the hour`} />
            <Stat
              label="Receipt to lake"
              value={s.landing.batches > 0 ? duration(s.landing.p50LagMs) : '–'}
              note={
                s.landing.batches > 0
                  ? `p95 ${duration(s.landing.p95LagMs)}, last ${duration(s.landing.lastLagMs)} (${count(s.landing.batches)} batches in 5 min)`
                  : 'no batch landed in the last 5 minutes'
              }
            />
            <Stat label="Events" value={count(s.events)} note={`newest event time ${time(s.newestEventTime)}`} />
            <Stat
              label="Dead letters"
              value={count(s.deadLetters)}
              note={`${rate(s.rates.deadLettersPerSecond['1m'])} in the last minute`}
              tone={s.deadLetters > 0 ? 'warn' : 'good'}
            />
          </div>
          <dl className="facts">
            <dt>Schema</dt>
            <dd>
              <code>{s.schemaFile}</code>
            </dd>
            <dt>Grain</dt>
            <dd>{s.grain}</dd>
            <dt>Allowed lateness</dt>
            <dd>{duration(s.latenessMs)}</dd>
            <dt>Watermark</dt>
            <dd>{time(s.watermark)}</dd>
            <dt>Last received</dt>
            <dd>{ago(s.lastReceivedAt)}</dd>
          </dl>
        </>
      )}
      <LiveTail stream={name} />
      <Panel
        title="Dead letters, newest first"
        actions={
          dead.data && (
            <span className="muted">
              {count(dead.data.deadLetters.length)} shown{dead.data.truncated ? ' (the newest 100)' : ''}
            </span>
          )
        }
      >
        {dead.error && <ErrorBox error={dead.error} />}
        {!dead.data && !dead.error && <Loading what="dead letters" />}
        {dead.data?.personalData && dead.data.deadLetters.length > 0 && (
          <p className="muted">
            {name} holds personal data: payloads are shown masked (personal fields hidden, identifiers as their pseudonyms), as every reader of the data API
            sees them. Whoever holds the master key reads one in clear with{' '}
            <code>pond query --decrypt "select _raw from dead_letters where _message_id = '…'"</code>.
          </p>
        )}
        {dead.data && dead.data.deadLetters.length === 0 && <Empty>No dead letters: every event {name} received passed its schema.</Empty>}
        {dead.data && dead.data.deadLetters.length > 0 && (
          <table className="list" aria-label="dead letters">
            <thead>
              <tr>
                <th>Received</th>
                <th>Reason</th>
                <th>Source</th>
                <th>Payload</th>
              </tr>
            </thead>
            <tbody>
              {dead.data.deadLetters.map((d) => (
                <tr key={d.messageId} data-message-id={d.messageId}>
                  <td title={time(d.receivedAt)}>{ago(d.receivedAt)}</td>
                  <td className="error-text">{d.reason}</td>
                  <td>{d.source ?? ''}</td>
                  <td>
                    <Payload letter={d} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}

/** What is shown of a payload that cannot be shown, and why. */
const NOT_SHOWN: Record<DeadLetter['shown'], string> = {
  'as sent': '',
  masked: '',
  withheld: 'not kept: it was not a JSON object, and this stream holds personal data',
  forgotten: 'not readable: its data subject was forgotten',
  encrypted: 'encrypted: this server cannot read it',
};

function Payload({ letter }: { letter: DeadLetter }) {
  if (letter.payload === null) return <span className="muted">{NOT_SHOWN[letter.shown]}</span>;
  const flat = letter.payload.replace(/\s*\n\s*/g, ' ');
  return (
    <details className="payload">
      <summary>
        <code>{flat.length > 80 ? `${flat.slice(0, 80)}…` : flat}</code>
        {letter.shown === 'masked' && letter.masked.length > 0 && <Badge value="masked" title={`hidden: ${letter.masked.join(', ')}`} />}
      </summary>
      <pre>{letter.payload}</pre>
    </details>
  );
}

/** Streams: rates, latency from receipt to lake, and dead letters with their reasons and payloads. */
import { enc } from '../api.ts';
import { Empty, ErrorBox, Loading, Panel, Stat } from '../components/status.tsx';
import { StreamsTable } from '../components/streams-table.tsx';
import { ago, count, duration, rate, time } from '../format.ts';
import { href } from '../router.ts';
import type { Stream, StreamList, Table } from '../types.ts';
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
  const dead = useApi<Table>(`streams/${enc(name)}/dead-letters?limit=100`, REFRESH);
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
      <Panel
        title="Dead letters, newest first"
        actions={
          dead.data && (
            <span className="muted">
              {count(dead.data.rowCount)} shown{dead.data.truncated ? ' (the newest 100)' : ''}
            </span>
          )
        }
      >
        {dead.error && <ErrorBox error={dead.error} />}
        {!dead.data && !dead.error && <Loading what="dead letters" />}
        {dead.data && dead.data.rows.length === 0 && <Empty>No dead letters: every event {name} received passed its schema.</Empty>}
        {dead.data && dead.data.rows.length > 0 && (
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
              {dead.data.rows.map((row, i) => (
                <tr key={String(row._message_id ?? i)}>
                  <td title={time(String(row._received_at))}>{ago(String(row._received_at).replace(' ', 'T'))}</td>
                  <td className="error-text">{String(row.reason)}</td>
                  <td>{String(row.source ?? '')}</td>
                  <td>
                    <Payload raw={String(row._raw ?? '')} />
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

function Payload({ raw }: { raw: string }) {
  let pretty = raw;
  try {
    pretty = JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    // Not JSON: shown as it came.
  }
  return (
    <details className="payload">
      <summary>
        <code>{raw.length > 80 ? `${raw.slice(0, 80)}…` : raw}</code>
      </summary>
      <pre>{pretty}</pre>
    </details>
  );
}

/** Streams as a table: rates, events, dead letters and when each last received; `detailed` adds grain, latency and watermark. */
import { ago, count, duration, rate, time } from '../format.ts';
import { href } from '../router.ts';
import type { Stream } from '../types.ts';

export function StreamsTable({ streams, detailed = false }: { streams: readonly Stream[]; detailed?: boolean }) {
  return (
    <table className="list" aria-label="streams">
      <thead>
        <tr>
          <th>Stream</th>
          {detailed && <th>Grain</th>}
          <th className="num">Rate 1 min</th>
          {detailed && <th className="num">Rate 15 min</th>}
          {detailed && <th className="num">Receipt → lake (p50 / p95)</th>}
          <th className="num">Events</th>
          <th className="num">Dead letters</th>
          {detailed && <th>Watermark</th>}
          <th>Last received</th>
        </tr>
      </thead>
      <tbody>
        {streams.map((s) => (
          <tr key={s.name} data-stream={s.name}>
            <td>
              <a href={href('streams', s.name)}>{s.name}</a>
            </td>
            {detailed && <td>{s.grain}</td>}
            <td className="num">{rate(s.rates.eventsPerSecond['1m'])}</td>
            {detailed && <td className="num">{rate(s.rates.eventsPerSecond['15m'])}</td>}
            {detailed && <td className="num">{s.landing.batches > 0 ? `${duration(s.landing.p50LagMs)} / ${duration(s.landing.p95LagMs)}` : '–'}</td>}
            <td className="num">{count(s.events)}</td>
            <td className={`num ${s.deadLetters > 0 ? 'warn' : ''}`}>{count(s.deadLetters)}</td>
            {detailed && <td>{time(s.watermark)}</td>}
            <td title={time(s.lastReceivedAt)}>{ago(s.lastReceivedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Overview: ingest rate; each dataset on time or not, and why; the backlog
 * (stale, waiting, queued, running) with when it should clear; what builds
 * now and next; recent failures and dead letters.
 */
import { ago, count, duration, rate } from '../format.ts';
import { href } from '../router.ts';
import type { Backlog, BacklogFigures, CheckList, DatasetList, RunList, StreamList } from '../types.ts';
import { useApi, useNow } from '../use-api.ts';
import { Badge, Empty, ErrorBox, Loading, Panel, Stat } from '../components/status.tsx';
import { StreamsTable } from '../components/streams-table.tsx';

const REFRESH = 5000;

export function Overview() {
  const datasets = useApi<DatasetList>('datasets', REFRESH);
  const streams = useApi<StreamList>('streams', REFRESH);
  const failedRuns = useApi<RunList>('runs?status=failed&limit=10', REFRESH);
  const failedChecks = useApi<CheckList>('checks?failed=true&limit=10', REFRESH);
  const backlog = useApi<Backlog>('backlog', REFRESH);
  const now = useNow();

  const ingest = streams.data?.streams.reduce((s, x) => s + (x.rates.eventsPerSecond['1m'] ?? 0), 0);
  const deadRate = streams.data?.streams.reduce((s, x) => s + (x.rates.deadLettersPerSecond['1m'] ?? 0), 0);
  const dead = streams.data?.streams.reduce((s, x) => s + x.deadLetters, 0);
  const all = datasets.data?.datasets ?? [];
  const onTime = all.filter((d) => d.freshness.onTime).length;
  const failing = all.filter((d) => d.health === 'failed').length;

  return (
    <div className="page">
      <h1>Overview</h1>
      <div className="stats">
        <Stat label="Ingest rate" value={streams.data ? rate(ingest) : '…'} note="events a second, last minute" />
        <Stat
          label="Dead letters"
          value={streams.data ? count(dead) : '…'}
          note={streams.data ? `${rate(deadRate)} in the last minute` : undefined}
          tone={dead ? 'warn' : undefined}
        />
        <Stat
          label="Datasets on time"
          value={datasets.data ? `${onTime} / ${all.length}` : '…'}
          tone={datasets.data ? (onTime === all.length ? 'good' : 'warn') : undefined}
        />
        <Stat label="Datasets failing" value={datasets.data ? count(failing) : '…'} tone={failing > 0 ? 'bad' : datasets.data ? 'good' : undefined} />
        <Stat
          label="Backlog"
          value={backlog.data ? `${count(backlog.data.total.toBuild)} to build` : '…'}
          note={backlog.data ? clears(backlog.data.total) : undefined}
          tone={backlog.data ? (backlog.data.total.toBuild === 0 ? 'good' : 'warn') : undefined}
        />
      </div>

      <Panel title="Freshness">
        {datasets.error && <ErrorBox error={datasets.error} />}
        {!datasets.data && !datasets.error && <Loading what="datasets" />}
        {datasets.data && (
          <table className="list" aria-label="freshness">
            <thead>
              <tr>
                <th>Dataset</th>
                <th>Grain</th>
                <th>Latest partition</th>
                <th className="num">Behind</th>
                <th className="num">Expected within</th>
                <th>Freshness</th>
                <th>Health</th>
                <th className="num">Partitions</th>
              </tr>
            </thead>
            <tbody>
              {all.map((d) => (
                <tr key={d.name} data-dataset={d.name}>
                  <td>
                    <a href={href('datasets', d.name)}>{d.name}</a>
                  </td>
                  <td>{d.grain}</td>
                  <td>{d.freshness.latest ?? '–'}</td>
                  <td className="num">{duration(d.freshness.lagMs)}</td>
                  <td className="num">{duration(d.freshness.expectedLagMs)}</td>
                  <td className="freshness">
                    {d.freshness.onTime ? <Badge value="on time" /> : <Badge value={d.freshness.latest === null ? 'empty' : 'late'} />}
                    {d.freshness.lateBecause && <div className="muted why-late">{d.freshness.lateBecause}</div>}
                  </td>
                  <td>
                    <Badge value={d.health} />
                  </td>
                  <td className="num">
                    {count(d.partitions.fresh)} / {count(d.partitions.count)}
                    {d.partitions.failed > 0 && <span className="bad"> · {count(d.partitions.failed)} failed</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>

      <Panel title="Backlog" actions={backlog.data && <span className="muted">throughput over the last {duration(backlog.data.windowMs)}</span>}>
        {backlog.error && <ErrorBox error={backlog.error} />}
        {!backlog.data && !backlog.error && <Loading what="the backlog" />}
        {backlog.data && <BacklogTable backlog={backlog.data} />}
      </Panel>

      <div className="columns">
        <Panel title="Running now" actions={<a href={href('runs', { status: 'running' })}>Running runs</a>}>
          {backlog.data && backlog.data.running.length === 0 && backlog.data.next.length === 0 && <Empty>Nothing is building or queued.</Empty>}
          <ul className="events" aria-label="running now">
            {backlog.data?.running.map((r) => (
              <li key={r.id} data-run={r.id}>
                <Badge value="running" />{' '}
                <a href={href('runs', r.id)}>
                  {r.dataset} {r.key}
                </a>{' '}
                <span className="muted">
                  for {duration(now - Date.parse(r.startedAt))} · {r.reason}
                  {r.attempt > 1 ? ` · attempt ${r.attempt}` : ''}
                </span>
              </li>
            ))}
          </ul>
          {backlog.data && backlog.data.next.length > 0 && (
            <>
              <div className="muted next-heading">
                Next
                {backlog.data.total.queued > backlog.data.next.length
                  ? ` (${count(backlog.data.next.length)} of ${count(backlog.data.total.queued)} queued)`
                  : ''}
              </div>
              <ul className="events" aria-label="queued next">
                {backlog.data.next.map((t) => (
                  <li key={t.id}>
                    <Badge value="queued" />{' '}
                    <a href={href('datasets', t.dataset, { partition: t.key })}>
                      {t.dataset} {t.key}
                    </a>{' '}
                    <span className="muted">
                      {t.reason}
                      {t.notBefore ? ` · not before ${ago(t.notBefore, now)}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </Panel>
        <Panel title="Recent failures" actions={<a href={href('runs', { status: 'failed' })}>All failed runs</a>}>
          {failedRuns.error && <ErrorBox error={failedRuns.error} />}
          {failedRuns.data && failedRuns.data.runs.length === 0 && failedChecks.data?.checks.length === 0 && <Empty>No failed runs or checks.</Empty>}
          <ul className="events" aria-label="recent failures">
            {failedRuns.data?.runs.map((r) => (
              <li key={r.id}>
                <Badge value="failed" />{' '}
                <a href={href('runs', r.id)}>
                  {r.dataset} {r.key}
                </a>{' '}
                <span className="muted">{ago(r.finishedAt ?? r.startedAt)}</span>
                <div className="error-text">{r.error}</div>
              </li>
            ))}
            {failedChecks.data?.checks.map((c) => (
              <li key={`${c.versionId}-${c.check}`}>
                <Badge value={c.severity === 'error' ? 'failed' : 'warn'} title={`${c.severity} check`} /> check{' '}
                <a href={href('datasets', c.dataset, { partition: c.key, tab: 'checks' })}>
                  {c.dataset} {c.key}
                </a>{' '}
                <code>{c.check}</code> <span className="muted">{ago(c.checkedAt)}</span>
                <div className="error-text">{c.message ?? `${count(c.failingRows)} failing rows`}</div>
              </li>
            ))}
          </ul>
        </Panel>
      </div>

      <Panel title="Streams" actions={<a href={href('streams')}>Streams</a>}>
        {streams.error && <ErrorBox error={streams.error} />}
        {streams.data && <StreamsTable streams={streams.data.streams} />}
      </Panel>
    </div>
  );
}

/** When a backlog should clear, in words. */
function clears(f: BacklogFigures): string {
  if (f.toBuild === 0) return f.failed > 0 ? `nothing to build; ${count(f.failed)} failed` : 'nothing to build';
  const rate = f.perMinute > 0 ? ` at ${f.perMinute} builds a minute` : '';
  return f.clearsInMs === null ? 'no builds lately to estimate by' : `clears in about ${duration(f.clearsInMs)}${rate}`;
}

/** Datasets with something to build, failed or building, and the total. */
function BacklogTable({ backlog }: { backlog: Backlog }) {
  const shown = backlog.datasets.filter((d) => d.toBuild > 0 || d.failed > 0 || d.running > 0 || d.queued > 0);
  if (shown.length === 0) return <Empty>Every dataset is built up to date.</Empty>;
  const row = (name: string, f: BacklogFigures, total = false) => (
    <tr key={name} data-dataset={total ? undefined : name} className={total ? 'total' : undefined}>
      <td>{total ? name : <a href={href('datasets', name)}>{name}</a>}</td>
      <td className="num">{count(f.toBuild)}</td>
      <td className="num">{count(f.stale)}</td>
      <td className="num">{count(f.waiting)}</td>
      <td className="num">{count(f.queued)}</td>
      <td className="num">{count(f.running)}</td>
      <td className={`num ${f.failed > 0 ? 'bad' : ''}`}>{count(f.failed)}</td>
      <td className="num">{f.perMinute}</td>
      <td className="num" title={clears(f)}>
        {f.toBuild === 0 ? '–' : f.clearsInMs === null ? 'unknown' : `~${duration(f.clearsInMs)}`}
      </td>
    </tr>
  );
  return (
    <table className="list" aria-label="backlog">
      <thead>
        <tr>
          <th>Dataset</th>
          <th className="num" title="stale and not failed, plus what a retry or backfill queued">
            To build
          </th>
          <th className="num">Stale</th>
          <th className="num" title="stale partitions whose inputs are not ready yet">
            Waiting
          </th>
          <th className="num">Queued</th>
          <th className="num">Running</th>
          <th className="num">Failed</th>
          <th className="num" title="builds a minute, recently">
            Per min
          </th>
          <th className="num">Clears in</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((d) => row(d.name, d))}
        {row('All datasets', backlog.total, true)}
      </tbody>
    </table>
  );
}

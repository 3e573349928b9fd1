/** Overview: ingest rate, freshness of each dataset against its grain, recent failures and dead letters. */
import { ago, count, duration, rate } from '../format.ts';
import { href } from '../router.ts';
import type { CheckList, DatasetList, RunList, StreamList } from '../types.ts';
import { useApi } from '../use-api.ts';
import { Badge, Empty, ErrorBox, Loading, Panel, Stat } from '../components/status.tsx';
import { StreamsTable } from '../components/streams-table.tsx';

const REFRESH = 5000;

export function Overview() {
  const datasets = useApi<DatasetList>('datasets', REFRESH);
  const streams = useApi<StreamList>('streams', REFRESH);
  const failedRuns = useApi<RunList>('runs?status=failed&limit=10', REFRESH);
  const failedChecks = useApi<CheckList>('checks?failed=true&limit=10', REFRESH);

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
                  <td>{d.freshness.latest === null ? <Badge value="empty" /> : <Badge value={d.freshness.onTime ? 'on time' : 'late'} />}</td>
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

      <div className="columns">
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

        <Panel title="Streams" actions={<a href={href('streams')}>Streams</a>}>
          {streams.error && <ErrorBox error={streams.error} />}
          {streams.data && <StreamsTable streams={streams.data.streams} />}
        </Panel>
      </div>
    </div>
  );
}

/** Runs: recent runs with filters and timings; one run with its log, error, and retry and cancel buttons. */
import { useState } from 'react';
import { enc, postJson } from '../api.ts';
import { Badge, Empty, ErrorBox, Loading, Panel } from '../components/status.tsx';
import { ago, duration, time } from '../format.ts';
import { href, setParams, useRoute } from '../router.ts';
import type { CancelAnswer, Cause, DatasetList, RetryAnswer, RunDetail, RunList, RunStatus } from '../types.ts';
import { useApi, useNow } from '../use-api.ts';

const STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'cancelled'];
const CAUSES: readonly Cause[] = ['new-data', 'missing', 'input-changed', 'code-changed', 'failed-earlier', 'forced', 'retry', 'backfill', 'manual'];
const REFRESH = 3000;

export function RunsPage() {
  const { params } = useRoute();
  const filters = {
    dataset: params.get('dataset') ?? '',
    status: params.get('status') ?? '',
    cause: params.get('cause') ?? '',
    partition: params.get('partition') ?? '',
  };
  const query = new URLSearchParams(Object.entries({ ...filters, limit: '200' }).filter(([, v]) => v !== ''));
  const runs = useApi<RunList>(`runs?${query.toString()}`, REFRESH);
  const datasets = useApi<DatasetList>('datasets');
  const now = useNow();
  const longest = Math.max(1, ...(runs.data?.runs.map((r) => r.ms ?? now - Date.parse(r.startedAt)) ?? []));

  return (
    <div className="page">
      <h1>Runs</h1>
      <form className="filters" aria-label="run filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Dataset
          <select value={filters.dataset} onChange={(e) => setParams({ dataset: e.target.value, partition: undefined })}>
            <option value="">all</option>
            {datasets.data?.datasets.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Partition
          <input
            value={filters.partition}
            placeholder={filters.dataset ? 'key, e.g. 2026-11-24' : 'pick a dataset'}
            disabled={!filters.dataset}
            onChange={(e) => setParams({ partition: e.target.value })}
          />
        </label>
        <label>
          Status
          <select value={filters.status} onChange={(e) => setParams({ status: e.target.value })}>
            <option value="">all</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Cause
          <select value={filters.cause} onChange={(e) => setParams({ cause: e.target.value })}>
            <option value="">all</option>
            {CAUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </form>
      <Panel title="Recent runs" actions={runs.data && <span className="muted">{runs.data.runs.length} shown</span>}>
        {runs.error && <ErrorBox error={runs.error} />}
        {!runs.data && !runs.error && <Loading what="runs" />}
        {runs.data && runs.data.runs.length === 0 && <Empty>No runs match.</Empty>}
        {runs.data && runs.data.runs.length > 0 && (
          <table className="list" aria-label="runs">
            <thead>
              <tr>
                <th>Started</th>
                <th>Dataset</th>
                <th>Partition</th>
                <th>Status</th>
                <th>Why</th>
                <th className="num">Attempt</th>
                <th className="timing">Time</th>
                <th>Error</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.runs.map((r) => {
                const ms = r.ms ?? now - Date.parse(r.startedAt);
                return (
                  <tr key={r.id} data-run={r.id}>
                    <td title={time(r.startedAt)}>
                      <a href={href('runs', r.id)}>{ago(r.startedAt)}</a>
                    </td>
                    <td>
                      <a href={href('datasets', r.dataset)}>{r.dataset}</a>
                    </td>
                    <td>{r.key}</td>
                    <td>
                      <Badge value={r.status} />
                    </td>
                    <td>
                      <span className="cause">{r.cause}</span> {r.reason !== r.cause && <span className="muted">{r.reason}</span>}
                    </td>
                    <td className="num">{r.attempt}</td>
                    <td className="timing">
                      <span className="bar" style={{ width: `${Math.max(2, (ms / longest) * 100)}%` }} />
                      {duration(ms)}
                    </td>
                    <td className="error-text">{r.error ?? ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}

export function RunPage({ id }: { id: string }) {
  const run = useApi<RunDetail>(`runs/${enc(id)}`, REFRESH);
  const [action, setAction] = useState<{ busy: boolean; message?: string; error?: Error }>({ busy: false });
  const r = run.data?.run;

  const act = async (what: 'retry' | 'cancel') => {
    setAction({ busy: true });
    try {
      const answer = await postJson<RetryAnswer | CancelAnswer>(`runs/${enc(id)}/${what}`);
      setAction({
        busy: false,
        message:
          what === 'retry'
            ? `Queued a new build of ${'task' in answer ? answer.task.key : r?.key}: it shows in the runs list when it starts.`
            : 'Cancelling: the run stops within seconds.',
      });
      run.reload();
    } catch (error) {
      setAction({ busy: false, error: error as Error });
    }
  };

  return (
    <div className="page">
      <div className="title-row">
        <h1>Run {r ? `${r.dataset} ${r.key}` : id.slice(0, 8)}</h1>
        <a href={href('runs')}>All runs</a>
      </div>
      {run.error && <ErrorBox error={run.error} />}
      {!r && !run.error && <Loading what="the run" />}
      {r && (
        <>
          <div className="run-actions">
            <Badge value={r.status} />
            <button type="button" disabled={action.busy || r.status === 'running'} onClick={() => void act('retry')}>
              Retry
            </button>
            <button type="button" disabled={action.busy || r.status !== 'running'} onClick={() => void act('cancel')}>
              Cancel
            </button>
            {action.message && <span className="notice">{action.message}</span>}
          </div>
          {action.error && <ErrorBox error={action.error} title="The request was refused" />}
          <dl className="facts">
            <dt>Dataset</dt>
            <dd>
              <a href={href('datasets', r.dataset, { partition: r.key })}>
                {r.dataset} {r.key}
              </a>
            </dd>
            <dt>Why</dt>
            <dd>
              {r.cause}
              {r.reason !== r.cause && `: ${r.reason}`}
            </dd>
            <dt>Attempt</dt>
            <dd>{r.attempt}</dd>
            <dt>Started</dt>
            <dd>{time(r.startedAt)}</dd>
            <dt>Finished</dt>
            <dd>{r.finishedAt ? `${time(r.finishedAt)} (${duration(r.ms)})` : 'still running'}</dd>
            <dt>Worker</dt>
            <dd>
              <code>{r.worker}</code>
            </dd>
            {r.versionId && (
              <>
                <dt>Version</dt>
                <dd>
                  <code>{r.versionId}</code>
                </dd>
              </>
            )}
          </dl>
          {r.error && (
            <div className="error-box" role="alert">
              <strong>{r.retryable ? 'Failed (a retry may help)' : 'Failed'}</strong>
              <pre>{r.error}</pre>
            </div>
          )}
          <Panel title="Log">
            {run.data && run.data.logs.length === 0 ? (
              <Empty>No log lines.</Empty>
            ) : (
              <pre className="log" aria-label="run log">
                {run.data?.logs.map((l, i) => (
                  <div key={i} className={`level-${l.level}`}>
                    <span className="muted">{l.at.slice(11, 23)}</span> {l.level.padEnd(5)} {l.message}
                  </div>
                ))}
              </pre>
            )}
          </Panel>
        </>
      )}
    </div>
  );
}

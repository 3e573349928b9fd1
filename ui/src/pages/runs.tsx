/**
 * Runs: grouped by the build, backfill or retry that caused them, a page of
 * groups at a time, with filters; each group's runs with their timings. One
 * run with its log, error, and retry (failed or cancelled runs) and cancel
 * (running ones) buttons.
 */
import { useState } from 'react';
import { enc, postJson } from '../api.ts';
import { Badge, Empty, ErrorBox, Loading, Panel } from '../components/status.tsx';
import { ago, count, duration, time } from '../format.ts';
import { href, setParams, useRoute } from '../router.ts';
import type { CancelAnswer, Cause, DatasetList, RetryAnswer, Run, RunDetail, RunGroup, RunGroupList, RunStatus } from '../types.ts';
import { useApi, useNow } from '../use-api.ts';

const STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'cancelled'];
const CAUSES: readonly Cause[] = ['new-data', 'missing', 'input-changed', 'code-changed', 'failed-earlier', 'forced', 'retry', 'backfill', 'manual'];
const REFRESH = 3000;
const PAGE_SIZE = 15;

export function RunsPage() {
  const { params } = useRoute();
  const filters = {
    dataset: params.get('dataset') ?? '',
    status: params.get('status') ?? '',
    cause: params.get('cause') ?? '',
    partition: params.get('partition') ?? '',
  };
  const filtered = Object.values(filters).some((v) => v !== '');
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const query = new URLSearchParams(Object.entries({ ...filters, page: String(page), pageSize: String(PAGE_SIZE), runs: '10' }).filter(([, v]) => v !== ''));
  const groups = useApi<RunGroupList>(`run-groups?${query.toString()}`, REFRESH);
  const datasets = useApi<DatasetList>('datasets');
  const filter = (changes: Record<string, string | undefined>) => setParams({ ...changes, page: undefined });

  return (
    <div className="page">
      <h1>Runs</h1>
      <form className="filters" aria-label="run filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Dataset
          <select value={filters.dataset} onChange={(e) => filter({ dataset: e.target.value, partition: undefined })}>
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
            onChange={(e) => filter({ partition: e.target.value })}
          />
        </label>
        <label>
          Status
          <select value={filters.status} onChange={(e) => filter({ status: e.target.value })}>
            <option value="">all</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Cause
          <select value={filters.cause} onChange={(e) => filter({ cause: e.target.value })}>
            <option value="">all</option>
            {CAUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </form>
      <Panel
        title="By what caused them"
        actions={
          groups.data && (
            <span className="muted">
              page {groups.data.page} · {count(groups.data.runsRead)} runs{groups.data.runsTruncated ? ' (the newest: filter to reach older ones)' : ''}
            </span>
          )
        }
      >
        {groups.error && <ErrorBox error={groups.error} />}
        {!groups.data && !groups.error && <Loading what="runs" />}
        {groups.data && groups.data.groups.length === 0 && <Empty>{page > 1 ? 'No older runs.' : 'No runs match.'}</Empty>}
        <div className="run-groups" aria-label="run groups">
          {groups.data?.groups.map((g, i) => (
            <RunGroupView key={g.id} group={g} open={filtered || (page === 1 && i === 0)} />
          ))}
        </div>
        {groups.data && (page > 1 || groups.data.hasMore) && (
          <nav className="pager" aria-label="pages">
            <button type="button" disabled={page <= 1} onClick={() => setParams({ page: page > 2 ? String(page - 1) : undefined }, false)}>
              ← Newer
            </button>
            <span className="muted">page {page}</span>
            <button type="button" disabled={!groups.data.hasMore} onClick={() => setParams({ page: String(page + 1) }, false)}>
              Older →
            </button>
          </nav>
        )}
      </Panel>
    </div>
  );
}

/** One group: what caused it and how it went, and (opened) its runs; "all" reads every run of it. */
function RunGroupView({ group: g, open: openFirst }: { group: RunGroup; open: boolean }) {
  const [open, setOpen] = useState<boolean | undefined>(undefined);
  const [all, setAll] = useState(false);
  const shown = open ?? openFirst;
  const whole = useApi<RunGroupList>(all && shown ? `run-groups?group=${enc(g.id)}&runs=500` : null);
  const runs = (all ? whole.data?.groups[0]?.runs : undefined) ?? g.runs;
  const now = useNow();
  const spent = (g.finishedAt ? Date.parse(g.finishedAt) : now) - Date.parse(g.startedAt);
  const causes = Object.entries(g.causes)
    .sort((a, b) => b[1] - a[1])
    .map(([c, n]) => `${c} ${n}`)
    .join(' · ');
  return (
    <section className={`run-group${shown ? ' open' : ''}`} data-group={g.id} data-kind={g.kind}>
      <button type="button" className="run-group-head" aria-expanded={shown} onClick={() => setOpen(!shown)}>
        <span className="chevron">{shown ? '▾' : '▸'}</span>
        <span className={`kind kind-${g.kind}`}>{g.kind}</span>
        <span className="title" title={g.worker ?? undefined}>
          {g.title}
        </span>
        <span className="counts">
          {g.running > 0 && <Badge value="running" title={`${g.running} running`} />}
          {g.failed > 0 && <Badge value="failed" title={`${g.failed} failed`} />}
          <span className="muted">
            {count(g.runCount)} run{g.runCount === 1 ? '' : 's'}
            {g.failed > 0 ? `, ${count(g.failed)} failed` : ''}
            {g.cancelled > 0 ? `, ${count(g.cancelled)} cancelled` : ''}
          </span>
        </span>
        <span className="muted when" title={`${time(g.startedAt)} – ${g.finishedAt ? time(g.finishedAt) : 'now'}`}>
          {ago(g.startedAt, now)} · {g.finishedAt ? duration(spent) : `running for ${duration(spent)}`}
        </span>
      </button>
      <div className="run-group-sub muted">
        {g.datasets.slice(0, 6).join(', ')}
        {g.datasets.length > 6 ? ` and ${g.datasets.length - 6} more` : ''} · {causes}
      </div>
      {shown && (
        <>
          <RunTable runs={runs} />
          {g.runCount > runs.length && (
            <button type="button" className="link" disabled={all && !whole.data} onClick={() => setAll(true)}>
              {all && !whole.data ? 'Loading…' : `Show ${g.runCount > 500 ? 'the newest 500' : `all ${count(g.runCount)}`} runs`}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function RunTable({ runs }: { runs: readonly Run[] }) {
  const now = useNow();
  const longest = Math.max(1, ...runs.map((r) => r.ms ?? now - Date.parse(r.startedAt)));
  return (
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
        {runs.map((r) => {
          const ms = r.ms ?? now - Date.parse(r.startedAt);
          return (
            <tr key={r.id} data-run={r.id}>
              <td title={time(r.startedAt)}>
                <a href={href('runs', r.id)}>{ago(r.startedAt, now)}</a>
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
            {/* A succeeded run has nothing to retry (a backfill on the dataset's page builds a partition again). */}
            {(r.status === 'failed' || r.status === 'cancelled') && (
              <button type="button" disabled={action.busy} onClick={() => void act('retry')}>
                Retry
              </button>
            )}
            {r.status === 'running' && (
              <button type="button" disabled={action.busy} onClick={() => void act('cancel')}>
                Cancel
              </button>
            )}
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

/**
 * A dataset (or stream) page: its inputs and how it reads each, its
 * transformation's code, its partitions over time at any scale with why the
 * stale ones are stale and a backfill of a range (after a confirmation), and
 * in tabs the versions with why each was built, the schema with what each
 * column means and its history, check results with failing rows, sinks, and a
 * sample of rows with a chart. A partition picked on the timeline narrows the
 * tabs to it.
 */
import { useState } from 'react';
import { enc, postJson } from '../api.ts';
import { ChartBuilder } from '../components/chart.tsx';
import { DataTable } from '../components/data-table.tsx';
import { PartitionTimeline } from '../components/partition-timeline.tsx';
import { Badge, Empty, ErrorBox, Loading, Panel } from '../components/status.tsx';
import { ago, bytes, count, duration, mappingLabel, time } from '../format.ts';
import { href, setParams, useRoute } from '../router.ts';
import type { BackfillAnswer, CheckList, CheckResult, Column, ColumnNote, DatasetDetail, DatasetPartitions, SchemaHistory, SinkList, Table } from '../types.ts';
import { useApi } from '../use-api.ts';

const TABS = ['versions', 'rows', 'checks', 'schema', 'sinks', 'ranges'] as const;
type Tab = (typeof TABS)[number];
const REFRESH = 10_000;

export function DatasetPage({ name }: { name: string }) {
  const { params } = useRoute();
  const partition = params.get('partition') ?? undefined;
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as Tab) : 'versions';
  const detail = useApi<DatasetDetail>(`datasets/${enc(name)}${partition ? `?partition=${enc(partition)}` : ''}`, REFRESH);
  const d = detail.data;
  const stale = d?.kind === 'dataset' && 'reasons' in d.partitions ? d.partitions : undefined;

  return (
    <div className="page">
      <div className="title-row">
        <h1>
          {name} <span className="kind">{d?.kind ?? ''}</span>
        </h1>
        {d?.kind === 'stream' && <a href={href('streams', name)}>Stream: rates and dead letters →</a>}
      </div>
      {detail.error && <ErrorBox error={detail.error} />}
      {!d && !detail.error && <Loading what={name} />}
      {d && (
        <>
          <dl className="facts">
            <dt>Grain</dt>
            <dd>{d.grain}</dd>
            <dt>Defined in</dt>
            <dd>
              <code>{d.file}</code>
            </dd>
            {d.description && (
              <>
                <dt>About</dt>
                <dd>{d.description}</dd>
              </>
            )}
            <dt>Inputs</dt>
            <dd aria-label="inputs">
              {d.lineage.inputs.length === 0
                ? '–'
                : d.lineage.inputs.map((i) => (
                    <a key={i.alias} className="chip" href={href('datasets', i.source)} data-input={i.source}>
                      {i.source}
                      {i.alias !== i.source ? ` as ${i.alias}` : ''}
                      <span className="mapping"> · {mappingLabel(i.mapping, i.grain, d.grain)}</span>
                    </a>
                  ))}
            </dd>
            <dt>Used by</dt>
            <dd>
              {d.lineage.dependants.length === 0
                ? '–'
                : d.lineage.dependants.map((n) => (
                    <a key={n} className="chip" href={href('datasets', n)}>
                      {n}
                    </a>
                  ))}
            </dd>
            {d.lineage.sinks.length > 0 && (
              <>
                <dt>Sinks</dt>
                <dd>
                  {d.lineage.sinks.map((s) => (
                    <a key={s.name} className="chip" href={href('datasets', name, { tab: 'sinks' })}>
                      {s.name} ({s.kind})
                    </a>
                  ))}
                </dd>
              </>
            )}
          </dl>
        </>
      )}

      <Panel title="Partitions" actions={d?.kind === 'dataset' && <Backfill detail={d} />}>
        <PartitionTimeline
          name={name}
          window={{ from: params.get('from') ?? undefined, to: params.get('to') ?? undefined }}
          onWindow={(w) => setParams({ from: w.from, to: w.to }, false)}
          onPartition={(key) => setParams({ partition: key }, false)}
          selected={partition}
          refreshMs={REFRESH}
        />
        {partition && (
          <div className="selected-partition">
            Showing partition <strong>{partition}</strong>{' '}
            <button type="button" onClick={() => setParams({ partition: undefined })}>
              Show all partitions
            </button>
          </div>
        )}
      </Panel>

      {stale && stale.reasons.length > 0 && <WhyStale name={name} partitions={stale} />}

      {d?.code && (
        <Panel title={d.code.language === 'sql' ? 'Transformation (SQL)' : 'Transformation (TypeScript, as loaded)'}>
          <pre className="code" aria-label="transformation">
            {d.code.text}
          </pre>
        </Panel>
      )}

      {d && (
        <>
          <nav className="tabs" role="tablist">
            {TABS.map((t) => (
              <a
                key={t}
                role="tab"
                aria-selected={t === tab}
                className={t === tab ? 'active' : undefined}
                href={href('datasets', name, { ...Object.fromEntries(params), tab: t })}
              >
                {t}
              </a>
            ))}
          </nav>
          {tab === 'versions' && <Versions detail={d} partition={partition} />}
          {tab === 'rows' && <Rows name={name} partition={partition ?? d.versions.find((v) => v.state === 'committed')?.partition} />}
          {tab === 'checks' && <Checks detail={d} partition={partition} />}
          {tab === 'schema' && <Schema name={name} schema={d.schema} notes={d.columnNotes} />}
          {tab === 'sinks' && <Sinks name={name} />}
          {tab === 'ranges' && <Ranges detail={d} />}
        </>
      )}
    </div>
  );
}

function Versions({ detail, partition }: { detail: DatasetDetail; partition?: string }) {
  // With a partition picked, the API lists that partition's versions.
  const versions = detail.versions;
  return (
    <Panel title={partition ? `Versions of ${partition}` : 'Latest versions'}>
      {versions.length === 0 ? (
        <Empty>No versions{partition ? ' of this partition' : ''} yet.</Empty>
      ) : (
        <table className="list" aria-label="versions">
          <thead>
            <tr>
              <th>Partition</th>
              <th>State</th>
              <th>Why it was built</th>
              <th className="num">Rows</th>
              <th className="num">Size</th>
              <th className="num">Build</th>
              <th>Built</th>
              <th>Inputs</th>
              <th>Version</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.id}>
                <td>
                  <a href={href('datasets', detail.name, { partition: v.partition })}>{v.partition}</a>
                </td>
                <td>
                  <Badge value={v.state} />
                </td>
                <td>
                  <span className="cause">{v.cause}</span> {v.reason && v.reason !== v.cause && <span className="muted">{v.reason}</span>}
                </td>
                <td className="num">{count(v.rows)}</td>
                <td className="num">{bytes(v.bytes)}</td>
                <td className="num">{duration(v.buildMs)}</td>
                <td title={time(v.createdAt)}>{ago(v.createdAt)}</td>
                <td title={v.inputs.map((i) => `${i.dataset} ${i.key} ${i.version}`).join('\n')}>
                  {v.inputs.length === 0 ? '–' : `${v.inputs.length} (${[...new Set(v.inputs.map((i) => i.dataset))].join(', ')})`}
                </td>
                <td>
                  {v.runId ? (
                    <a href={href('runs', v.runId)}>
                      <code>{v.id.slice(0, 24)}</code>
                    </a>
                  ) : (
                    <code>{v.id.slice(0, 24)}</code>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

function Rows({ name, partition }: { name: string; partition?: string }) {
  const path = partition ? `datasets/${enc(name)}/rows?partition=${enc(partition)}&limit=200` : null;
  const rows = useApi<Table>(path);
  if (!partition)
    return (
      <Panel title="Sample rows">
        <Empty>No partition has a current version yet.</Empty>
      </Panel>
    );
  return (
    <>
      <Panel
        title={`Rows of ${partition}`}
        actions={
          rows.data && (
            <span className="muted">
              {count(rows.data.rowCount)} rows{rows.data.truncated ? ' (first 200)' : ''} · {duration(rows.data.ms)}
            </span>
          )
        }
      >
        {rows.error && <ErrorBox error={rows.error} />}
        {!rows.data && !rows.error && <Loading what="rows" />}
        {rows.data && <DataTable columns={rows.data.columns} rows={rows.data.rows} />}
      </Panel>
      {rows.data && rows.data.rows.length > 0 && (
        <Panel title="Quick chart">
          <ChartBuilder columns={rows.data.columns} rows={rows.data.rows} />
        </Panel>
      )}
    </>
  );
}

function Checks({ detail, partition }: { detail: DatasetDetail; partition?: string }) {
  const onlyFailed = useRoute().params.get('failed') === 'true';
  const results = useApi<CheckList>(
    `checks?dataset=${enc(detail.name)}${partition ? `&partition=${enc(partition)}` : ''}${onlyFailed ? '&failed=true' : ''}&limit=100`,
    REFRESH,
  );
  return (
    <>
      <Panel title="Declared checks">
        {detail.checks.declared.length === 0 ? (
          <Empty>No checks declared. Add `checks` to the dataset to assert what its rows must hold.</Empty>
        ) : (
          <table className="list" aria-label="declared checks">
            <thead>
              <tr>
                <th>Check</th>
                <th>Kind</th>
                <th>Severity</th>
                <th>About</th>
              </tr>
            </thead>
            <tbody>
              {detail.checks.declared.map((c) => (
                <tr key={c.name}>
                  <td>
                    <code>{c.name}</code>
                  </td>
                  <td>{c.kind}</td>
                  <td>{c.severity}</td>
                  <td>{c.description ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel
        title={partition ? `Results for ${partition}` : 'Results, newest first'}
        actions={
          <label className="check">
            <input type="checkbox" checked={onlyFailed} onChange={(e) => setParams({ failed: e.target.checked ? 'true' : undefined })} /> only failures
          </label>
        }
      >
        {results.error && <ErrorBox error={results.error} />}
        {!results.data && !results.error && <Loading what="check results" />}
        {results.data && results.data.checks.length === 0 && <Empty>{onlyFailed ? 'No failures.' : 'No results yet.'}</Empty>}
        {results.data && results.data.checks.length > 0 && (
          <table className="list" aria-label="check results">
            <thead>
              <tr>
                <th>Checked</th>
                <th>Partition</th>
                <th>Check</th>
                <th>Result</th>
                <th>Observed</th>
                <th className="num">Failing rows</th>
                <th>Version</th>
              </tr>
            </thead>
            <tbody>
              {results.data.checks.map((c) => (
                <CheckRow key={`${c.versionId}-${c.check}`} result={c} />
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
}

function CheckRow({ result: c }: { result: CheckResult }) {
  const failed = c.status !== 'pass';
  const sample = c.sample;
  const columns: Column[] = sample.length > 0 ? Object.keys(sample[0]!).map((name) => ({ name, type: c.keyColumns.includes(name) ? 'KEY' : '' })) : [];
  return (
    <>
      <tr className={failed ? 'failed-row' : undefined}>
        <td title={time(c.checkedAt)}>{ago(c.checkedAt)}</td>
        <td>{c.key}</td>
        <td>
          <code>{c.check}</code> <span className="muted">{c.kind}</span>
        </td>
        <td>
          <Badge value={c.status === 'pass' ? 'pass' : c.severity === 'warn' ? 'warn' : c.status} title={`${c.severity} check`} />
        </td>
        <td>
          {c.observed ?? ''}
          {c.threshold ? <span className="muted"> (expected {c.threshold})</span> : ''}
          {c.message && <div className="error-text">{c.message}</div>}
        </td>
        <td className="num">{count(c.failingRows)}</td>
        <td>
          <Badge value={c.versionState === 'committed' ? (c.current ? 'current' : 'replaced') : c.versionState} />
        </td>
      </tr>
      {failed && sample.length > 0 && (
        <tr className="sample-row">
          <td colSpan={7}>
            <div className="muted">
              Failing rows ({sample.length} of {count(c.failingRows)}):
            </div>
            <DataTable columns={columns} rows={sample} />
          </td>
        </tr>
      )}
    </>
  );
}

function Schema({ name, schema, notes }: { name: string; schema: DatasetDetail['schema']; notes: readonly ColumnNote[] }) {
  const history = useApi<SchemaHistory>(`datasets/${enc(name)}/schema-history`);
  const noteOf = new Map(notes.map((n) => [n.column, n]));
  return (
    <>
      <Panel title="Schema">
        <table className="list" aria-label="schema">
          <thead>
            <tr>
              <th>Column</th>
              <th>Type</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {schema.map((c) => {
              const note = noteOf.get(c.name);
              return (
                <tr key={c.name}>
                  <td>
                    <code>{c.name}</code>
                  </td>
                  <td>{c.type}</td>
                  <td className="description">
                    {note?.description}
                    {note?.from && <span className="muted"> (from {note.from})</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Panel>
      <Panel title="Schema history">
        {history.error && <ErrorBox error={history.error} />}
        {!history.data && !history.error && <Loading what="schema history" />}
        {history.data && history.data.schemas.length === 0 && <Empty>No versions yet.</Empty>}
        {history.data && history.data.schemas.length > 0 && (
          <ol className="history" aria-label="schema history">
            {history.data.schemas.map((h, i) => (
              <li key={h.firstVersion}>
                <strong>{i === 0 ? 'First schema' : `Change ${i}`}</strong>{' '}
                <span className="muted">
                  from {time(h.firstSeen)} to {time(h.lastSeen)}, {count(h.versions)} versions
                </span>
                <div>
                  {i === 0 ? (
                    <span className="muted">{h.columns.map((c) => c.name).join(', ')}</span>
                  ) : (
                    <>
                      {h.changes.added.map((c) => (
                        <span key={`a-${c.name}`} className="chip good">
                          + {c.name} {c.type}
                        </span>
                      ))}
                      {h.changes.removed.map((c) => (
                        <span key={`r-${c.name}`} className="chip bad">
                          − {c.name} {c.type}
                        </span>
                      ))}
                      {h.changes.retyped.map((c) => (
                        <span key={`t-${c.name}`} className="chip warn">
                          {c.name}: {c.from} → {c.to}
                        </span>
                      ))}
                    </>
                  )}
                </div>
              </li>
            ))}
          </ol>
        )}
      </Panel>
    </>
  );
}

function Sinks({ name }: { name: string }) {
  const sinks = useApi<SinkList>('sinks', REFRESH);
  const mine = sinks.data?.sinks.filter((s) => s.dataset === name) ?? [];
  return (
    <Panel title="Sinks">
      {sinks.error && <ErrorBox error={sinks.error} />}
      {sinks.data && mine.length === 0 && (
        <Empty>{name} is not published anywhere. Add `sinks` to the dataset to publish it to PostgreSQL, SQLite, a webhook or files.</Empty>
      )}
      {mine.length > 0 && (
        <table className="list" aria-label="sinks">
          <thead>
            <tr>
              <th>Sink</th>
              <th>Kind</th>
              <th className="num">Published</th>
              <th className="num">Behind</th>
              <th className="num">Failing</th>
              <th>Last published</th>
              <th>Last error</th>
            </tr>
          </thead>
          <tbody>
            {mine.map((s) => (
              <tr key={s.sink}>
                <td>{s.sink}</td>
                <td>{s.kind}</td>
                <td className="num">
                  {count(s.published)} / {count(s.partitions)}
                </td>
                <td className="num">{count(s.behind)}</td>
                <td className={`num ${s.failing ? 'bad' : ''}`}>{count(s.failing)}</td>
                <td title={time(s.lastPublishedAt)}>{ago(s.lastPublishedAt)}</td>
                <td className="error-text">
                  {s.lastError && `${s.lastError.partition}: ${s.lastError.error} (${s.lastError.attempts} attempts)`}
                  {s.nextAttemptAt && <span className="muted"> (next try {ago(s.nextAttemptAt)})</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

function Ranges({ detail }: { detail: DatasetDetail }) {
  const p = detail.partitions;
  return (
    <Panel
      title="Partitions as ranges"
      actions={
        <span className="muted">
          {count(p.ranges.length)} ranges{p.rangesTruncated ? ' (first ones)' : ''}
        </span>
      }
    >
      <table className="list" aria-label="ranges">
        <thead>
          <tr>
            <th>From</th>
            <th>To</th>
            <th className="num">Partitions</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {p.ranges.map((r) => (
            <tr key={r.from}>
              <td>
                <a href={href('datasets', detail.name, { from: r.from, to: r.to })}>{r.from}</a>
              </td>
              <td>{r.to}</td>
              <td className="num">{count(r.partitions)}</td>
              <td>
                <Badge value={r.state === 'ok' ? 'fresh' : r.state} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

/** Why the partitions that are not fresh are to build: a row per reason, its partitions, and the stretch they lie in (a click zooms to it). */
function WhyStale({ name, partitions: p }: { name: string; partitions: DatasetPartitions }) {
  return (
    <Panel title={`Why ${count(p.stale)} partition${p.stale === 1 ? ' is' : 's are'} not fresh`}>
      <table className="list" aria-label="why stale">
        <thead>
          <tr>
            <th>Why</th>
            <th className="num">Partitions</th>
            <th className="num" title="of them, waiting for their inputs to be built or fixed first">
              Waiting for inputs
            </th>
            <th>From</th>
            <th>To</th>
          </tr>
        </thead>
        <tbody>
          {p.reasons.map((r) => (
            <tr key={r.reason} data-reason={r.reason}>
              <td>
                <Badge value={r.reason === 'failed' ? 'failed' : r.reason === 'missing' ? 'missing' : 'stale'} /> {r.reason}
              </td>
              <td className="num">{count(r.partitions)}</td>
              <td className="num">{count(r.waiting)}</td>
              <td>
                <a href={href('datasets', name, { from: r.first, to: r.last })}>{r.first}</a>
              </td>
              <td>{r.last}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

/**
 * Builds a range of partitions again (a backfill): the range defaults to the
 * partition picked, else the window shown, else the whole span. A first click
 * asks the API what it would queue (a dry run) and shows it; only the second
 * click queues it.
 */
function Backfill({ detail }: { detail: DatasetDetail }) {
  const { params } = useRoute();
  const picked = params.get('partition');
  const first = detail.partitions.first ?? '';
  const last = detail.partitions.last ?? '';
  const initial = { from: picked ?? params.get('from') ?? first, to: picked ?? params.get('to') ?? last };
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  const [state, setState] = useState<{ busy?: boolean; plan?: BackfillAnswer; done?: BackfillAnswer; error?: Error }>({});
  if (!first) return null;
  const shown = range ?? initial;
  const ask = async (dryRun: boolean) => {
    setState({ ...state, busy: true, error: undefined });
    try {
      const answer = await postJson<BackfillAnswer>(`datasets/${enc(detail.name)}/backfill`, { ...shown, dryRun });
      setState(dryRun ? { plan: answer } : { done: answer });
    } catch (error) {
      setState({ error: error as Error });
    }
  };
  if (!range)
    return (
      <button type="button" onClick={() => (setRange(initial), setState({}))}>
        Build a range…
      </button>
    );
  const change = (field: 'from' | 'to', value: string) => (setRange({ ...shown, [field]: value }), setState({}));
  return (
    <div className="backfill" role="dialog" aria-label="backfill">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void ask(true);
        }}
      >
        <label>
          From <input aria-label="backfill from" value={shown.from} onChange={(e) => change('from', e.target.value)} />
        </label>
        <label>
          to <input aria-label="backfill to" value={shown.to} onChange={(e) => change('to', e.target.value)} />
        </label>
        {!state.plan && !state.done && (
          <button type="submit" className="primary" disabled={state.busy}>
            Build…
          </button>
        )}
        <button type="button" onClick={() => (setRange(null), setState({}))}>
          {state.done ? 'Close' : 'Cancel'}
        </button>
      </form>
      {state.plan && (
        <div className="confirm" role="alert">
          Build {count(state.plan.partitions)} partition{state.plan.partitions === 1 ? '' : 's'} of {detail.name}, {state.plan.from}
          {state.plan.partitions > 1 ? ` to ${state.plan.to}` : ''}, again? Fresh ones are rebuilt too, and what reads them after.{' '}
          <button type="button" className="primary" disabled={state.busy} onClick={() => void ask(false)}>
            Build {count(state.plan.partitions)} partition{state.plan.partitions === 1 ? '' : 's'}
          </button>
        </div>
      )}
      {state.done && (
        <div className="notice" role="status">
          Queued {count(state.done.queued)} partition{state.done.queued === 1 ? '' : 's'}
          {state.done.alreadyQueued > 0 ? ` (${count(state.done.alreadyQueued)} already were)` : ''} as backfill <code>{state.done.id}</code>:{' '}
          <a href={href('runs', { cause: 'backfill', dataset: detail.name })}>its runs</a> show as they build.
        </div>
      )}
      {state.error && <ErrorBox error={state.error} title="The backfill was refused" />}
    </div>
  );
}

/**
 * The SQL console: one read-only statement over every stream, dataset and
 * `dead_letters`; the result as a table and as a chart of its columns.
 * Ctrl+Enter runs it; the statement stays in the URL so a query can be shared.
 */
import { useEffect, useState } from 'react';
import { downloadQuery, postJson } from '../api.ts';
import { ChartBuilder } from '../components/chart.tsx';
import { DataTable } from '../components/data-table.tsx';
import { ErrorBox, Panel } from '../components/status.tsx';
import { count, duration } from '../format.ts';
import { setParams, useRoute } from '../router.ts';
import type { DatasetList, StreamList, Table } from '../types.ts';
import { useApi } from '../use-api.ts';

const EXAMPLE = 'select * from dead_letters order by _received_at desc limit 20';

export function SqlPage() {
  const { params } = useRoute();
  const [sql, setSql] = useState(params.get('sql') ?? '');
  // A shared link (`#/sql?sql=…`) runs its query when opened.
  const [request, setRequest] = useState<{ sql: string; n: number } | null>(() => (sql.trim() !== '' ? { sql, n: 0 } : null));
  const [result, setResult] = useState<{ request: { sql: string; n: number }; answer?: Table; error?: Error }>();
  const datasets = useApi<DatasetList>('datasets');
  const streams = useApi<StreamList>('streams');
  const views = [...(streams.data?.streams.map((s) => s.name) ?? []), ...(datasets.data?.datasets.map((d) => d.name) ?? []), 'dead_letters'];

  useEffect(() => {
    if (!request) return;
    const abort = new AbortController();
    postJson<Table>('query', { sql: request.sql, limit: 10_000 }, abort.signal)
      .then((answer) => setResult({ request, answer }))
      .catch((error: Error) => {
        if (!abort.signal.aborted) setResult({ request, error });
      });
    return () => abort.abort();
  }, [request]);

  const busy = request !== null && result?.request !== request;
  const shown = busy ? undefined : result;
  const answer = shown?.answer;
  const [downloadError, setDownloadError] = useState<Error>();
  const error = shown?.error ?? downloadError;
  const run = () => {
    if (sql.trim() === '') return;
    setParams({ sql });
    setDownloadError(undefined);
    setRequest({ sql, n: (request?.n ?? 0) + 1 });
  };
  const download = (format: 'csv' | 'parquet') => downloadQuery(sql, format).catch((e: Error) => setDownloadError(e));

  return (
    <div className="page">
      <h1>SQL</h1>
      <p className="muted">
        Read-only SQL (DuckDB) over the current versions: every stream and dataset is a view of that name, and <code>dead_letters</code> holds the rejected
        events.
        {datasets.data && (
          <>
            {' '}
            Views:{' '}
            {views.map((name) => (
              <button type="button" key={name} className="link" onClick={() => setSql(`select * from ${name} limit 100`)}>
                {name}
              </button>
            ))}
          </>
        )}
      </p>
      <form
        className="sql-form"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <textarea
          aria-label="SQL"
          spellCheck={false}
          value={sql}
          placeholder={EXAMPLE}
          rows={6}
          onChange={(e) => setSql(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              run();
            }
          }}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || sql.trim() === ''}>
            {busy ? 'Running…' : 'Run'}
          </button>
          <span className="muted">Ctrl+Enter</span>
          <button type="button" disabled={sql.trim() === ''} onClick={() => void download('csv')}>
            Download CSV
          </button>
          <button type="button" disabled={sql.trim() === ''} onClick={() => void download('parquet')}>
            Download Parquet
          </button>
        </div>
      </form>
      {error && <ErrorBox error={error} title="The query failed" />}
      {answer && (
        <>
          <Panel title="Chart">
            <ChartBuilder columns={answer.columns} rows={answer.rows} />
          </Panel>
          <Panel
            title="Result"
            actions={
              <span className="muted" data-testid="result-summary">
                {count(answer.rowCount)} rows{answer.truncated ? ' (truncated at the row limit)' : ''} in {duration(answer.ms)}
              </span>
            }
          >
            <DataTable columns={answer.columns} rows={answer.rows} />
          </Panel>
        </>
      )}
    </div>
  );
}

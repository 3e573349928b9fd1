/** Small pieces every page uses: health badges, errors with the API's hint, loading and empty states. */
import type { ReactNode } from 'react';
import { ApiError } from '../api.ts';

const TONE: Record<string, string> = {
  ok: 'good',
  fresh: 'good',
  succeeded: 'good',
  pass: 'good',
  committed: 'good',
  'on time': 'good',
  published: 'good',
  current: 'good',
  stale: 'warn',
  warn: 'warn',
  late: 'warn',
  missing: 'muted',
  queued: 'muted',
  empty: 'muted',
  idle: 'muted',
  cancelled: 'muted',
  behind: 'warn',
  failed: 'bad',
  fail: 'bad',
  error: 'bad',
  quarantined: 'bad',
  failing: 'bad',
  running: 'info',
  building: 'info',
  // Forget requests, and the flags of the privacy page.
  recorded: 'muted',
  rebuilding: 'info',
  done: 'good',
  unverified: 'warn',
  'reads in clear': 'bad',
  // The live tail and dead letters.
  accepted: 'good',
  'dead letter': 'warn',
  masked: 'muted',
};

export function Badge({ value, title }: { value: string; title?: string }) {
  return (
    <span className={`badge tone-${TONE[value] ?? 'muted'}`} title={title}>
      {value}
    </span>
  );
}

export function ErrorBox({ error, title }: { error: Error; title?: string }) {
  const api = error instanceof ApiError ? error : undefined;
  return (
    <div className="error-box" role="alert">
      <strong>{title ?? 'The API answered with an error'}</strong>
      {/* A message of several lines (DuckDB's, with its `LINE 1: …` and a caret under the column) keeps its spacing in a monospace font. */}
      {error.message.includes('\n') ? <pre className="error-message">{error.message}</pre> : <div>{error.message}</div>}
      {api?.hint && <div className="hint">{api.hint}</div>}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <div className="loading">Loading {what}…</div>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Panel({ title, actions, children, id }: { title: ReactNode; actions?: ReactNode; children: ReactNode; id?: string }) {
  return (
    <section className="panel" id={id} aria-label={typeof title === 'string' ? title : undefined}>
      <header>
        <h2>{title}</h2>
        {actions && <div className="actions">{actions}</div>}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}

export function Stat({ label, value, note, tone }: { label: string; value: ReactNode; note?: ReactNode; tone?: 'good' | 'warn' | 'bad' }) {
  return (
    <div className={`stat ${tone ? `tone-${tone}` : ''}`} aria-label={label}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {note && <div className="stat-note">{note}</div>}
    </div>
  );
}

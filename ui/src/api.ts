/**
 * The UI's one way to the server: the data API under `api/`, relative to the
 * page, with the bearer token the user gave (kept for the browser session).
 * Errors carry the API's reason, code and hint, as the API sends them.
 */

import type { ErrorAnswer } from './types.ts';

const TOKEN_KEY = 'pond-token';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly hint: string | undefined,
  ) {
    super(message);
  }
}

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
  window.dispatchEvent(new Event('pond-token'));
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const t = token();
  return t ? { ...extra, authorization: `Bearer ${t}` } : extra;
}

async function failure(response: Response): Promise<ApiError> {
  let body: Partial<ErrorAnswer> = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not JSON: a proxy's page, say. The status says enough.
  }
  return new ApiError(body.error ?? `${response.status} ${response.statusText}`, response.status, body.code, body.hint);
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(`api/${path}`, { headers: headers(), signal });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

export async function postJson<T>(path: string, body: unknown = {}, signal?: AbortSignal): Promise<T> {
  const response = await fetch(`api/${path}`, { method: 'POST', headers: headers({ 'content-type': 'application/json' }), body: JSON.stringify(body), signal });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

/** A query's answer as a file (CSV or Parquet) the browser downloads. */
export async function downloadQuery(sql: string, format: 'csv' | 'parquet'): Promise<void> {
  const response = await fetch('api/query', {
    method: 'POST',
    headers: headers({ 'content-type': 'application/json' }),
    body: JSON.stringify({ sql, format }),
  });
  if (!response.ok) throw await failure(response);
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = `query.${format}`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const enc = encodeURIComponent;

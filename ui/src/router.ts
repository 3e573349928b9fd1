/**
 * Hash routes (`#/datasets/daily_sales?partition=…`): every page has a URL
 * that can be shared and reloaded, and the server only serves one file.
 */
import { useEffect, useState } from 'react';

export interface Route {
  /** Path segments, decoded: `#/datasets/a%20b` → ['datasets', 'a b']. */
  readonly parts: readonly string[];
  readonly params: URLSearchParams;
}

function current(): Route {
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = hash.split('?');
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const onChange = () => setRoute(current());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** `href('datasets', name)` → `#/datasets/<name>`, with optional query parameters. */
export function href(...parts: Array<string | Record<string, string | undefined>>): string {
  const segments = parts.filter((p): p is string => typeof p === 'string').map(encodeURIComponent);
  const params = parts.find((p): p is Record<string, string | undefined> => typeof p === 'object');
  const query = params ? new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString() : '';
  return `#/${segments.join('/')}${query ? `?${query}` : ''}`;
}

/** Changes the query parameters of the current route, keeping its path. */
export function setParams(changes: Record<string, string | undefined>, replace = true): void {
  const { parts, params } = current();
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') params.delete(k);
    else params.set(k, v);
  }
  const query = params.toString();
  const hash = `#/${parts.map(encodeURIComponent).join('/')}${query ? `?${query}` : ''}`;
  if (replace) window.history.replaceState(null, '', hash);
  else window.history.pushState(null, '', hash);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/**
 * `useApi(path)`: an API answer that follows `path`, refreshed every
 * `refreshMs` while the tab is visible. The last good answer stays on screen
 * while the next one loads, so pages never flash empty; an answer for
 * another path is never shown.
 */
import { useCallback, useEffect, useState } from 'react';
import { getJson } from './api.ts';

export interface ApiState<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  /** True until the first answer for this path arrives. */
  readonly loading: boolean;
  reload(): void;
}

interface Answer<T> {
  readonly path: string;
  readonly data?: T;
  readonly error?: Error;
}

/**
 * `keepPrevious`: while another path loads, the answer for the previous path
 * stays (a zoomed timeline replaces the last one instead of blinking out);
 * `loading` says that a newer answer is on its way.
 */
export function useApi<T>(path: string | null, refreshMs?: number, options: { keepPrevious?: boolean } = {}): ApiState<T> {
  const [answer, setAnswer] = useState<Answer<T>>();
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (path === null) return;
    const abort = new AbortController();
    getJson<T>(path, abort.signal)
      .then((data) => setAnswer({ path, data }))
      .catch((error: Error) => {
        if (!abort.signal.aborted) setAnswer((last) => ({ path, data: last?.path === path ? last.data : undefined, error }));
      });
    return () => abort.abort();
  }, [path, tick]);

  useEffect(() => {
    if (!refreshMs || path === null) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((t) => t + 1);
    }, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, path]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const mine = answer?.path === path ? answer : undefined;
  const shown = mine ?? (options.keepPrevious ? answer : undefined);
  return { data: shown?.data, error: mine?.error, loading: path !== null && mine === undefined, reload };
}

/** The clock, read again every `everyMs`: renders stay pure and times still move. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

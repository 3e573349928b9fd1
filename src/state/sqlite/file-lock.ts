import { resolve } from 'node:path';

const tails = new Map<string, Promise<void>>();

/**
 * Runs `fn` after every earlier writer to the same SQLite file in this
 * process has finished. better-sqlite3 waits for a lock synchronously (the
 * busy timeout), which would freeze the event loop while another connection
 * in the same process holds the lock across an `await`: a deadlock until the
 * timeout. So writers in one process queue here, asynchronously, and only
 * writers in other processes meet SQLite's busy timeout.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const key = resolve(path);
  const previous = tails.get(key) ?? Promise.resolve();
  let release = (): void => {};
  const mine = new Promise<void>((r) => (release = r));
  const tail = previous.then(() => mine);
  tails.set(key, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  }
}

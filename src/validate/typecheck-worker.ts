/**
 * The worker side of `cachedTypecheck` (typecheck-cache.ts): typechecks a
 * project's files off the main thread, so that a process serving requests
 * (`pond up` loading a changed project) keeps answering while the compiler
 * works for seconds. It writes nothing: the result goes back to the caller.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { typecheckProject } from '../typecheck/index.ts';

const port = parentPort;
if (!port) throw new Error('typecheck-worker.ts runs as a worker thread (see typecheck-cache.ts)');
const { root, rootFiles } = workerData as { root: string; rootFiles: string[] };
try {
  port.postMessage({ result: typecheckProject(root, { rootFiles }) });
} catch (error) {
  port.postMessage({ error: error instanceof Error ? error.message : String(error) });
}

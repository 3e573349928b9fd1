/**
 * Where forget requests stand, and finishing them. A derived partition no
 * longer holds a forgotten subject once it was built from inputs at least as
 * new as the request's sequence number (its `inputSeq`): builds read raw
 * partitions with the subject left out, and that number is when its raw
 * partitions were marked changed. A partition that expired since, or whose
 * dataset is gone, holds nothing any more.
 */
import { randomBytes } from 'node:crypto';
import type { Lake } from '../../lake/index.ts';
import type { SubjectKeyRing } from '../../privacy/index.ts';
import type { ForgetPartition, ForgetRequest, ForgetStore, SubjectKeyStore, VersionStore, GcStore } from '../../state/index.ts';
import { deleteCondemned } from '../delete-condemned.ts';

export interface ForgetProgress {
  readonly request: ForgetRequest;
  /** Derived partitions to see rebuilt, and how many are. */
  readonly partitions: number;
  readonly rebuilt: number;
  /** Waiting partitions whose last build failed (they hold the subject until fixed and rebuilt). */
  readonly failed: number;
  /** Up to 20 partitions still waiting, as `dataset key`. */
  readonly waiting: readonly string[];
}

/**
 * A request and its progress as `pond forget --status --json` and the data
 * API answer it: times as ISO text.
 */
export function forgetProgressJson(p: ForgetProgress) {
  const r = p.request;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: r.id,
    pseudonym: r.pseudonym,
    status: r.status,
    requestedAt: new Date(r.requestedAt).toISOString(),
    requestedBy: r.requestedBy,
    reason: r.reason,
    hadKey: r.hadKey,
    rawPartitions: r.rawPartitions,
    partitions: p.partitions,
    rebuilt: p.rebuilt,
    failed: p.failed,
    waiting: p.waiting,
    completedAt: iso(r.completedAt),
  };
}

/**
 * @example
 * const [p] = await forgetProgress(state, await state.forgetRequests({ status: ['rebuilding'] }));
 * p.rebuilt === p.partitions // every rebuild done
 */
export async function forgetProgress(
  state: ForgetStore & GcStore & SubjectKeyStore & VersionStore,
  requests: readonly ForgetRequest[],
): Promise<ForgetProgress[]> {
  const out: ForgetProgress[] = [];
  for (const request of requests) {
    if (request.status !== 'rebuilding' || request.seq === null) {
      const partitions = request.status === 'done' ? (await state.forgetPartitions(request.id)).length : 0;
      out.push({ request, partitions, rebuilt: partitions, failed: 0, waiting: [] });
      continue;
    }
    const partitions = await state.forgetPartitions(request.id);
    let rebuilt = 0;
    let failed = 0;
    const waiting: string[] = [];
    for (const [dataset, list] of byDataset(partitions)) {
      const columns = await state.partitionColumns(dataset);
      const at = new Map<number, number>();
      for (let i = 0; i < columns.idx.length; i++) at.set(columns.idx[i] as number, i);
      for (const p of list) {
        const i = at.get(p.idx);
        if (i === undefined || !columns.built[i] || (columns.inputSeq[i] as number) >= request.seq) {
          rebuilt++;
          continue;
        }
        if (columns.failed[i]) failed++;
        if (waiting.length < 20) waiting.push(`${dataset} ${p.key}`);
      }
    }
    out.push({ request, partitions: partitions.length, rebuilt, failed, waiting });
  }
  return out;
}

export interface CompleteDeps {
  readonly state: ForgetStore & GcStore & SubjectKeyStore & VersionStore;
  readonly lake: Lake;
  /** The key ring whose epoch the completion rotates. */
  readonly keyRing: () => Promise<Pick<SubjectKeyRing, 'rotateEpoch'>>;
}

/**
 * Marks `done` the requests whose rebuilds are all done, after deleting
 * every other version of the partitions they waited for — the version each
 * held when asked, and any superseded or quarantined one before it: all may
 * name the subject (state first, then files, as the GC does; a version a
 * sink still names stays condemned, and `pond gc` deletes it once the sink
 * moved on). Then, as the last step, rotates the key epoch, so that no copy
 * of the state database made before (backup, WAL, free pages) holds a key of
 * the subject that any remaining key unwraps, and scrubs the database's own
 * files. Returns the requests completed.
 */
export async function completeForgetRequests(deps: CompleteDeps, now = Date.now()): Promise<ForgetRequest[]> {
  const { state, lake } = deps;
  const open = await state.forgetRequests({ status: ['rebuilding'] });
  const ready = (await forgetProgress(state, open)).filter((p) => p.rebuilt === p.partitions).map((p) => p.request);
  if (ready.length === 0) return [];
  for (const request of ready) {
    await state.condemnVersions(request.id, await state.forgetPartitions(request.id), now);
    // One GC log collection per attempt: an attempt cut short by a crash has logged rows of its own.
    const gcId = `${request.id}-${randomBytes(4).toString('hex')}`;
    await deleteCondemned(state, lake, { requestId: request.id, gcId, firstN: 0, at: now });
  }
  // Before the requests are done: a crash until then takes them up again, rotation included.
  if (ready.some((r) => r.hadKey)) await (await deps.keyRing()).rotateEpoch();
  await state.scrubDeleted();
  const done: ForgetRequest[] = [];
  for (const request of ready) {
    await state.completeForgetRequest(request.id, now);
    done.push({ ...request, status: 'done', completedAt: now });
  }
  return done;
}

function byDataset(partitions: readonly ForgetPartition[]): Map<string, ForgetPartition[]> {
  const out = new Map<string, ForgetPartition[]>();
  for (const p of partitions) out.set(p.dataset, [...(out.get(p.dataset) ?? []), p]);
  return out;
}

/**
 * Runs builds: plans, queues the partitions that can be built now, leases them
 * from the state store's queue (so that several workers can share it), builds
 * them with per-dataset and global concurrency, retries what a retry can fix
 * with backoff and jitter, and plans again as results arrive so that dependants
 * start as soon as their inputs are done.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { Project } from '../config/index.ts';
import { asPondError, PondError } from '../errors/index.ts';
import type {
  BuildCompletion,
  Cause,
  LogLine,
  NewCheckResult,
  NewTask,
  NewVersion,
  RunLog,
  SinkStateStore,
  StreamActivityStore,
  Task,
  TaskQueue,
} from '../state/index.ts';
import { retryDelay } from './backoff.ts';
import { sleep } from './sleep.ts';
import { buildPartition, type BuildContext } from './build-partition.ts';
import { checkVersion, describeFailure } from '../quality/index.ts';
import { Publisher } from '../sink/index.ts';
import { describeReason, keyOf, plan as makePlan, reasonOf, type Plan, type PlanOptions } from './plan.ts';

export type BuildEvent =
  | { type: 'planned'; queued: number; plan: Plan }
  | { type: 'started'; task: Task; runId: string }
  | { type: 'succeeded'; task: Task; runId: string; rows: number; ms: number }
  | { type: 'failed'; task: Task; runId: string; error: PondError; willRetry: boolean }
  /** Queued tasks planned for other code than this process has: left to a process with that code (or planned again by the next plan of this code). */
  | { type: 'other-code'; dataset: string; tasks: number; theirs: string; mine: string | null };

/** Whether the plan finds a task's partition built and up to date (with the plan's code). */
function upToDate(p: Plan, t: Task): boolean {
  const d = p.datasets.get(t.dataset);
  if (!d?.span) return false;
  const k = t.idx - d.span.start;
  return k >= 0 && k < d.span.end - d.span.start && d.built[k] === 1 && !d.planned[k] && reasonOf(d, k) === 'fresh';
}

/** What a process says of queued tasks it leaves to a process with other code. */
export function otherCodeMessage(e: Extract<BuildEvent, { type: 'other-code' }>): string {
  const tasks = `${e.tasks} queued task${e.tasks === 1 ? '' : 's'} of ${e.dataset}`;
  return e.mine === null
    ? `leaving ${tasks} to a process that has ${e.dataset} (this one's project has no such dataset): they were planned for its code ${e.theirs}`
    : `leaving ${tasks} to a process with code ${e.theirs} of it (this one has ${e.mine}): they were planned for that code, and the next plan of this code plans them again if they are still to build`;
}

export interface BuildOptions extends Omit<PlanOptions, 'now'> {
  /** Plan as of this time (ms) instead of the clock at each plan; leases, retries and timeouts keep the real clock. */
  readonly now?: number;
  /** Continuous mode: failed partitions are not retried by re-planning, only by their retry policy. */
  readonly retryFailed?: boolean;
  readonly onEvent?: (event: BuildEvent) => void;
  readonly signal?: AbortSignal;
  /** Lease length; a worker that dies loses its tasks after this long. */
  readonly leaseMs?: number;
  /**
   * Stop taking work when this aborts: no more planning or leasing; the
   * builds under way finish and are committed (unlike `signal`, which cancels
   * them), then `build` returns. How `pond up` hands over to a reloaded project.
   */
  readonly drain?: AbortSignal;
}

export interface BuildSummary {
  readonly succeeded: number;
  readonly failed: number;
  readonly cancelled: boolean;
  /** Failures by dataset and partition, with the error. */
  readonly failures: ReadonlyArray<{ dataset: string; key: string; error: PondError }>;
}

const CAUSE_OF: Record<string, Cause> = {
  missing: 'missing',
  'failed-earlier': 'failed-earlier',
  'code-changed': 'code-changed',
  'input-changed': 'input-changed',
  upstream: 'input-changed',
  forced: 'forced',
};

export class Executor {
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  /** Running builds by task id, so that a lost or cancelled task stops. */
  private readonly aborts = new Map<string, AbortController>();
  /** Publishes each committed partition to its dataset's sinks; made when a dataset with sinks first builds. */
  private publisher: Publisher | undefined;

  constructor(
    private readonly ctx: BuildContext & {
      state: BuildContext['state'] & StreamActivityStore & TaskQueue & RunLog & BuildCompletion & SinkStateStore;
      project: Project;
    },
  ) {}

  /** Builds until nothing in scope is stale and buildable, or the signal aborts. */
  async build(options: BuildOptions = {}): Promise<BuildSummary> {
    const { state, project } = this.ctx;
    const leaseMs = options.leaseMs ?? 60_000;
    // Every running task and every wait listens to the one signal.
    if (options.signal) setMaxListeners(0, options.signal);
    const running = new Map<string, Promise<void>>();
    const failures: Array<{ dataset: string; key: string; error: PondError }> = [];
    let succeeded = 0;
    let first = true;
    let replanNeeded = true;
    let lastPlan = 0;
    let queueLow = true;
    const buffered: Task[] = [];
    const perDataset = Object.fromEntries([...project.datasets.values()].map((d) => [d.name, d.concurrency]));
    const datasets = options.scope ? [...options.scope] : [...project.datasets.keys()];
    const failedHere = new Set<string>();
    // Only tasks planned for this code are leased (see TaskQueue.leaseTasks); others are said once per dataset and code.
    const codes = Object.fromEntries([...project.datasets.values()].map((d) => [d.name, d.codeFingerprint]));
    const toldOtherCode = new Set<string>();
    const otherCode = (t: Task) => t.codeFingerprint !== null && t.codeFingerprint !== undefined && t.codeFingerprint !== codes[t.dataset];
    // A plan read before a build committed may still call it stale: partitions
    // finished after a plan started are not queued from that plan.
    const finishedAt = new Map<string, number>();

    // Renewing leases also tells which tasks this worker lost: cancelled
    // (`cancelTasks`, from any process) or taken over after an expired lease.
    const renew = setInterval(
      () => {
        void state
          .renewLeases(this.workerId, [...running.keys(), ...buffered.map((t) => t.id)], leaseMs, Date.now())
          .then((lost) => {
            for (const id of lost) this.aborts.get(id)?.abort();
          })
          .catch(() => undefined);
      },
      Math.max(1000, leaseMs / 3),
    );
    // A cancel (the data API's, or `cancelTasks` from any process) should stop a build within about a second, not at the
    // next renewal: the running tasks' states are cheap to read by id.
    const cancelPoll = setInterval(() => {
      if (running.size === 0) return;
      void state
        .taskStates([...running.keys()])
        .then((states) => {
          for (const [id, s] of states) if (s === 'cancelled') this.aborts.get(id)?.abort();
        })
        .catch(() => undefined);
    }, 1000);
    try {
      for (;;) {
        if (options.signal?.aborted) break;
        if (options.drain?.aborted) {
          if (running.size === 0) break;
          await Promise.race([...running.values(), sleep(250, options.signal)]);
          continue;
        }
        // Plan again when builds finished and the queue runs low (or now and then,
        // for what other workers did): a long queue already holds the next work, and
        // dependants wait for their inputs anyway.
        if (replanNeeded && (running.size === 0 || queueLow || Date.now() - lastPlan > 2000)) {
          replanNeeded = false;
          const planStart = Date.now();
          lastPlan = planStart;
          const pending = new Map<string, Set<number>>();
          const ofOtherCode: Task[] = [];
          for (const t of await state.listTasks({ states: ['queued', 'leased'], limit: 1_000_000 })) {
            // A queued task of other code is not this plan's: the plan decides the partition afresh, and enqueuing plans it again.
            if (t.state === 'queued' && otherCode(t)) {
              ofOtherCode.push(t);
              continue;
            }
            let set = pending.get(t.dataset);
            if (!set) pending.set(t.dataset, (set = new Set()));
            set.add(t.idx);
          }
          const p = await makePlan(project, state, { ...options, force: first && options.force, pending, now: options.now ?? planStart });
          first = false;
          const tasks = this.readyTasks(p, options.retryFailed ?? true, failedHere).filter(
            (t) => (finishedAt.get(`${t.dataset}\u0000${t.idx}`) ?? -1) < planStart,
          );
          const queued = tasks.length > 0 ? await state.enqueueTasks(tasks) : 0;
          // Queued for other code, for a partition this code finds up to date: the task is stale.
          for (const t of ofOtherCode) if (upToDate(p, t) && (options.scope === undefined || options.scope.has(t.dataset))) await state.cancelTask(t.id);
          options.onEvent?.({ type: 'planned', queued, plan: p });
        }
        // Lease a slot's worth of tasks at a time (one query for many builds); start as slots free up.
        const free = project.concurrency - running.size;
        if (free > 0 && buffered.length === 0) {
          buffered.push(
            ...(await state.leaseTasks({
              owner: this.workerId,
              limit: project.concurrency,
              leaseMs,
              now: Date.now(),
              perDataset,
              datasets: options.scope ? datasets : undefined,
              codes,
            })),
          );
          // Fewer than the free slots: the queue (or a dataset's cap) is running dry.
          queueLow = buffered.length < free;
        }
        const leased = buffered.splice(0, Math.max(0, free));
        for (const task of leased) {
          const job = this.runTask(task, options, failures, failedHere).then((ok) => {
            if (ok) succeeded++;
            finishedAt.set(`${task.dataset}\u0000${task.idx}`, Date.now());
            running.delete(task.id);
            replanNeeded = true;
          });
          running.set(task.id, job);
        }
        if (running.size === 0 && leased.length === 0) {
          if (replanNeeded) continue;
          // Nothing running here: wait for queued tasks in backoff and for
          // tasks other workers hold, take back those of dead local workers, or finish.
          const open = (await state.listTasks({ states: ['queued', 'leased'], limit: 10_000 })).filter((t) => datasets.includes(t.dataset));
          // Queued for other code: not this process's to build, nor to wait for.
          const waiting = open.filter((t) => !(t.state === 'queued' && otherCode(t)));
          this.tellOtherCode(
            open.filter((t) => t.state === 'queued' && otherCode(t)),
            codes,
            toldOtherCode,
            options,
          );
          let reclaimed = 0;
          for (const t of waiting) {
            if (t.state === 'leased' && t.leaseOwner !== null && isDeadLocalWorker(t.leaseOwner)) {
              if (await state.finishTask(t.id, t.leaseOwner, { state: 'queued', notBefore: 0, error: `worker ${t.leaseOwner} died` })) reclaimed++;
            }
          }
          if (reclaimed > 0) continue;
          if (waiting.length === 0) break;
          const next = Math.min(...waiting.map((t) => (t.state === 'queued' ? t.notBefore : Date.now() + 250)));
          await sleep(Math.max(10, Math.min(1000, next - Date.now())), options.signal);
          replanNeeded = true;
          continue;
        }
        if (running.size > 0) await Promise.race([...running.values(), sleep(leased.length > 0 ? 0 : 250, options.signal)]);
      }
    } finally {
      clearInterval(renew);
      clearInterval(cancelPoll);
      // Leased but never started (the build was stopped): back to the queue at once.
      for (const t of buffered.splice(0))
        await state.finishTask(t.id, this.workerId, { state: 'queued', notBefore: 0, error: 'released unstarted' }).catch(() => undefined);
      if (options.signal?.aborted) {
        await state.cancelTasks(datasets);
      }
      await Promise.allSettled(running.values());
      await this.publisher?.close();
      this.publisher = undefined;
    }
    return { succeeded, failed: failures.length, cancelled: options.signal?.aborted ?? false, failures };
  }

  private tellOtherCode(tasks: readonly Task[], codes: Readonly<Record<string, string>>, told: Set<string>, options: BuildOptions): void {
    const byCode = new Map<string, Task[]>();
    for (const t of tasks) {
      const k = `${t.dataset}\u0000${t.codeFingerprint}`;
      if (told.has(k)) continue;
      byCode.set(k, [...(byCode.get(k) ?? []), t]);
    }
    for (const [k, ts] of byCode) {
      told.add(k);
      const first = ts[0] as Task;
      options.onEvent?.({
        type: 'other-code',
        dataset: first.dataset,
        tasks: ts.length,
        theirs: first.codeFingerprint ?? '',
        mine: codes[first.dataset] ?? null,
      });
    }
  }

  private readyTasks(p: Plan, retryFailed: boolean, failedHere: ReadonlySet<string>): NewTask[] {
    const tasks: NewTask[] = [];
    for (const d of p.datasets.values()) {
      if (!d.span) continue;
      const size = d.span.end - d.span.start;
      for (let k = 0; k < size; k++) {
        if (!d.ready[k]) continue;
        const reason = reasonOf(d, k);
        const idx = d.span.start + k;
        // A partition that failed for good in this build is not tried again by re-planning.
        if (reason === 'failed-earlier' && (!retryFailed || failedHere.has(`${d.name}\u0000${idx}`))) continue;
        tasks.push({
          dataset: d.name,
          idx,
          key: keyOf(d, idx),
          cause: CAUSE_OF[reason] ?? 'manual',
          reason: describeReason(d, k),
          priority: d.model.depth,
          maxAttempts: d.model.retries.attempts,
          codeFingerprint: d.model.codeFingerprint,
        });
      }
    }
    return tasks;
  }

  /** Builds one leased task; returns whether it succeeded. */
  private async runTask(
    task: Task,
    options: BuildOptions,
    failures: Array<{ dataset: string; key: string; error: PondError }>,
    failedHere: Set<string>,
  ): Promise<boolean> {
    const { state, project } = this.ctx;
    const model = project.datasets.get(task.dataset);
    const runId = randomUUID();
    const logs: LogLine[] = [];
    const log = (message: string, level: LogLine['level'] = 'info') => logs.push({ runId, at: Date.now(), level, message });
    const startedAt = Date.now();
    await state.startRun({
      id: runId,
      taskId: task.id,
      dataset: task.dataset,
      idx: task.idx,
      key: task.key,
      cause: task.cause,
      reason: task.reason,
      attempt: task.attempts,
      worker: this.workerId,
      startedAt,
    });
    options.onEvent?.({ type: 'started', task, runId });
    log(`building ${task.dataset} ${task.key} (${task.reason}), attempt ${task.attempts}`);
    const abort = new AbortController();
    this.aborts.set(task.id, abort);
    const onAbort = () => abort.abort();
    options.signal?.addEventListener('abort', onAbort);
    // A built version whose `error` checks failed: recorded as quarantined, with its check results.
    let rejected: { version: NewVersion; checks: NewCheckResult[] } | undefined;
    try {
      if (!model) throw new PondError('NOT_FOUND', `dataset ${task.dataset} is no longer in the project`);
      // A task whose workers keep dying (leases expiring mid-build) uses up its attempts too.
      if (task.attempts > task.maxAttempts) {
        throw new PondError('INTERNAL', `gave up after ${task.attempts - 1} attempts whose workers stopped before finishing`, {
          retryable: false,
          hint: 'see `pond runs` for the runs left running, and the worker logs for why the process died (memory?)',
        });
      }
      const version = await buildPartition(this.ctx, { model, idx: task.idx, key: task.key, cause: task.cause, runId, log, signal: abort.signal });
      const checked = await checkVersion(this.ctx, model, version);
      for (const r of checked.results)
        if (r.status !== 'pass') log(`${describeFailure(r)}${r.severity === 'warn' ? ' (warning)' : ''}`, r.severity === 'warn' ? 'warn' : 'error');
      if (checked.results.length > 0) log(`checks: ${checked.results.filter((r) => r.status === 'pass').length} of ${checked.results.length} passed`);
      if (checked.blocking.length > 0) {
        // Failed like any build (the partition fails, its dependants wait), but the version is kept, quarantined.
        rejected = { version, checks: checked.results };
        throw new PondError('CHECK_FAILED', `${checked.blocking.map(describeFailure).join('; ')}; version ${version.id} quarantined`, {
          where: `dataset "${model.name}" partition ${task.key}`,
          hint: `see the failing rows with \`pond checks ${model.name} --failed\`; fix the input (or the checks) and build again`,
        });
      }
      log(`committing version ${version.id}: ${version.rows} rows, ${version.bytes} bytes in ${version.buildMs} ms`);
      // The version, its checks, the run, the task and the log in one transaction; only while the lease is held.
      const { held } = await state.completeBuild({
        version,
        checks: checked.results,
        runId,
        run: { status: 'succeeded', finishedAt: Date.now() },
        taskId: task.id,
        owner: this.workerId,
        task: { state: 'done' },
        logs: logs.splice(0),
      });
      if (!held) return false; // another worker took the task over; its build counts
      options.onEvent?.({ type: 'succeeded', task, runId, rows: version.rows, ms: Date.now() - startedAt });
      if (model.sinks.length > 0) {
        // After the commit, never before: a sink only ever sees committed, checked versions. A failed
        // publish is recorded in the sink state and retried by `pond publish` and `pond up`; the build stands.
        this.publisher ??= new Publisher(this.ctx);
        const published = await this.publisher.publishPartition(model.name, task.idx).catch((e: unknown) => [{ sink: '*', error: asPondError(e) }]);
        for (const r of published) log(r.error ? `sink ${r.sink}: ${r.error.describe()}` : `published to sink ${r.sink}`, r.error ? 'warn' : 'info');
      }
      return true;
    } catch (thrown) {
      const error = asPondError(thrown);
      const cancelled = error.code === 'CANCELLED' || abort.signal.aborted;
      const willRetry = !cancelled && error.retryable && task.attempts < task.maxAttempts;
      log(error.describe(), 'error');
      const delay = retryDelay(task.attempts, model?.retries.backoffMs ?? 1000, model?.retries.maxBackoffMs ?? 300_000);
      if (willRetry) log(`retrying in ${delay} ms (attempt ${task.attempts + 1} of ${task.maxAttempts})`, 'warn');
      const { held } = await state.completeBuild({
        ...(rejected && !cancelled ? { quarantine: rejected.version, checks: rejected.checks } : {}),
        runId,
        run: { status: cancelled ? 'cancelled' : 'failed', error: error.describe(), retryable: error.retryable, finishedAt: Date.now() },
        taskId: task.id,
        owner: this.workerId,
        task: willRetry ? { state: 'queued', notBefore: Date.now() + delay, error: error.message } : { state: 'failed', error: error.describe() },
        logs: logs.splice(0),
        markFailed: willRetry || cancelled ? undefined : { dataset: task.dataset, idx: task.idx, key: task.key, error: error.describe() },
      });
      if (held && !willRetry && !cancelled) {
        failures.push({ dataset: task.dataset, key: task.key, error });
        failedHere.add(`${task.dataset}\u0000${task.idx}`);
      }
      options.onEvent?.({ type: 'failed', task, runId, error, willRetry });
      return false;
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
      this.aborts.delete(task.id);
      // Lines logged after the completing transaction, if any (normally none).
      if (logs.length > 0) await state.appendLogs(logs).catch(() => undefined);
    }
  }
}

/**
 * Whether a lease owner is a worker process on this machine that no longer
 * runs (killed, crashed): its tasks need not wait for the lease to expire.
 */
export function isDeadLocalWorker(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

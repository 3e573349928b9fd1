/**
 * The project of a long-running `pond up`, kept in step with its files. Every
 * quarter second it stats the project's files (project-stamp.ts); when they
 * changed, it says so at once (`changed`, so that nothing plans with code the
 * files no longer hold), loads them afresh (a new module generation, see
 * config/load-project.ts), validates them as a command's start does (types,
 * SQL bound against the inputs, unknown keys, schema compatibility) and hands
 * the new context over (`loaded`). A change that does not load keeps the last
 * good project running and is reported (`failed`, and `status().error`) until
 * the files change again.
 */
import { loadProject } from '../config/index.ts';
import { PondError } from '../errors/index.ts';
import { registerProjectSchemas } from '../schema/index.ts';
import type { ProjectStatus } from '../serve/index.ts';
import { validateProject } from '../validate/index.ts';
import type { Context } from './context.ts';
import { openKeyRing } from './open-key-ring.ts';
import { dataFolders, projectStamp } from './project-stamp.ts';

export interface LiveProjectHooks {
  /** The files changed: a load is under way. Stop planning with the project in use. */
  changed(): void;
  /** The new project loaded and validated: switch to it. */
  loaded(ctx: Context, generation: number): Promise<void>;
  /** The change did not load: the project in use stays. */
  failed(error: PondError): void;
}

export class LiveProject {
  private ctx: Context;
  private generation = 0;
  private loadedAt = Date.now();
  private stamp: string;
  /** The stamp of files that did not load, and why: not tried again until they change. */
  private failure: { stamp: string; error: PondError; at: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    ctx: Context,
    private readonly hooks: LiveProjectHooks,
    private readonly intervalMs = 250,
  ) {
    this.ctx = ctx;
    this.stamp = this.stampNow();
  }

  get current(): Context {
    return this.ctx;
  }

  /** What `GET /api/project` answers. */
  status(): ProjectStatus {
    const f = this.failure;
    return {
      name: this.ctx.project.name,
      generation: this.generation,
      loadedAt: new Date(this.loadedAt).toISOString(),
      error: f ? { message: f.error.message, where: f.error.where ?? null, hint: f.error.hint ?? null, at: new Date(f.at).toISOString() } : null,
    };
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  /** Looks at the files once, and loads them if they changed; one check at a time. */
  check(): Promise<void> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private stampNow(): string {
    return projectStamp(this.ctx.project.dir, dataFolders(this.ctx.project));
  }

  private async checkOnce(): Promise<void> {
    const stamp = this.stampNow();
    if (stamp === this.stamp || stamp === this.failure?.stamp) return;
    this.hooks.changed();
    const generation = this.generation + 1;
    try {
      const project = await loadProject(this.ctx.project.dir, { generation });
      await validateProject(project, { engine: this.ctx.engine, versions: this.ctx.state });
      const registeredSchemas = await registerProjectSchemas(project.streams.values(), this.ctx.state);
      const next: Context = { ...this.ctx, project, registeredSchemas, keyRing: openKeyRing(project, this.ctx.state) };
      // Files changed again while loading: load once more before switching, so no half-edit goes live.
      if (this.stampNow() !== stamp) {
        this.generation = generation;
        return;
      }
      await this.hooks.loaded(next, generation);
      this.ctx = next;
      this.generation = generation;
      this.loadedAt = Date.now();
      this.stamp = stamp;
      this.failure = undefined;
    } catch (error) {
      this.generation = generation;
      const e = error instanceof PondError ? error : new PondError('INVALID_PROJECT', (error as Error).message, { cause: error });
      this.failure = { stamp, error: e, at: Date.now() };
      this.hooks.failed(e);
    }
  }
}

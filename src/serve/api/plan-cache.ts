/**
 * One plan for the requests of a moment: a page asks for the dataset list,
 * a dataset and its timeline at once, and each would plan the whole project
 * (about 0.1 s at a million partitions). A plan is shared while the state has
 * not changed and it is under a second old (watermarks move with the clock).
 */
import type { Project } from '../../config/index.ts';
import { plan, type Plan } from '../../orchestrate/index.ts';
import type { StreamActivityStore, VersionStore } from '../../state/index.ts';

const MAX_AGE_MS = 1000;

export class PlanCache {
  private last: { at: number; seq: number; plan: Promise<Plan> } | undefined;

  constructor(
    private readonly project: Project,
    private readonly state: VersionStore & StreamActivityStore,
  ) {}

  async current(): Promise<Plan> {
    const now = Date.now();
    const seq = await this.state.currentSeq();
    const last = this.last;
    if (last && last.seq === seq && now - last.at < MAX_AGE_MS) return last.plan;
    const next = plan(this.project, this.state, { now });
    this.last = { at: now, seq, plan: next };
    // A failed plan is not shared: the next request plans again.
    next.catch(() => {
      if (this.last?.plan === next) this.last = undefined;
    });
    return next;
  }
}

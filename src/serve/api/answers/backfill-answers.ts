/** `POST /api/datasets/:name/backfill`: a range of a dataset's partitions queued to build again. */

/** What a backfill queued (202), or would queue (`dryRun`, 200). */
export interface BackfillAnswer {
  /** `bf_…`, named in its tasks' reason (and so in its runs); null for a dry run. */
  readonly id: string | null;
  readonly dataset: string;
  /** The first and last partition of the range, within what the dataset's inputs allow. */
  readonly from: string;
  readonly to: string;
  readonly partitions: number;
  readonly queued: number;
  /** Partitions that already had a task queued or building for the same code: left as they were. */
  readonly alreadyQueued: number;
  readonly dryRun: boolean;
  /** The reason its tasks and runs carry (`backfill bf_…: …`); null for a dry run. */
  readonly reason: string | null;
}

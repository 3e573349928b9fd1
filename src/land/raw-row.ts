/**
 * One event as a row of its raw stream: the schema's top-level properties as
 * typed columns, then what Pond knows of it — event time, receipt, messageId,
 * source, client IP, user agent (as sent and parsed) — and the event exactly
 * as it arrived in `_raw`. Enrichment sits beside the payload, never in it.
 *
 * The row travels to DuckDB as one line of JSON in which the event is pasted
 * as it came (under `e`): JavaScript never parses it again, and DuckDB picks
 * the typed columns out of it (`RowShape.select`). For a stream with
 * personal data, the event pasted there is the protected one, and `_raw` and
 * `_ip` hold ciphertext (see protect-batch.ts). The line's format is the
 * event contract's (event/raw-line.ts), shared with the protecting workers.
 */
import { rawLine, type Receipt } from '../event/index.ts';
import { quoteIdent } from '../compute/index.ts';
import type { Column } from '../model/index.ts';
import type { RawRow } from './land-batch.ts';

/** How DuckDB reads rows' lines (`read_json` columns) and turns them into a partition's columns. */
export interface RowShape {
  readonly jsonColumns: readonly Column[];
  readonly select: string;
}

const rawShapes = new WeakMap<readonly Column[], RowShape>();
const plainShapes = new WeakMap<readonly Column[], RowShape>();

/** The shape of a stream's raw rows. */
export function rawRowShape(columns: readonly Column[]): RowShape {
  let shape = rawShapes.get(columns);
  if (shape) return shape;
  const projected = columns.filter((c) => !c.name.startsWith('_'));
  const meta = columns.filter((c) => c.name.startsWith('_'));
  const jsonColumns =
    projected.length === 0 ? meta : [...meta, { name: 'e', type: `STRUCT(${projected.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})` }];
  const select = columns.map((c) => (c.name.startsWith('_') ? quoteIdent(c.name) : `e.${quoteIdent(c.name)} as ${quoteIdent(c.name)}`)).join(', ');
  rawShapes.set(columns, (shape = { jsonColumns, select }));
  return shape;
}

/** Rows whose lines hold exactly the columns, in order. */
export function plainRowShape(columns: readonly Column[]): RowShape {
  let shape = plainShapes.get(columns);
  if (!shape) plainShapes.set(columns, (shape = { jsonColumns: columns, select: columns.map((c) => quoteIdent(c.name)).join(', ') }));
  return shape;
}

/**
 * `later`: the line is made when first written, not now — for the rows of
 * streams with personal data, which are protected before landing and never
 * need the unprotected line. Other rows make it now, where the lander yields
 * to the collector's requests between slices of a batch.
 */
export function rawRow(receipt: Receipt, later = false): RawRow {
  const row = new ReceiptRow(receipt);
  if (!later) void row.line;
  return row;
}

class ReceiptRow implements RawRow {
  readonly eventTime: number;
  readonly messageId: string;
  readonly receivedAt: number;
  readonly source: string;
  readonly raw: string | null;
  private text: string | undefined;

  constructor(readonly receipt: Receipt) {
    this.eventTime = receipt.eventTime;
    this.messageId = receipt.messageId;
    this.receivedAt = receipt.receivedAt;
    this.source = receipt.source;
    this.raw = receipt.raw;
  }

  get line(): string {
    return (this.text ??= rawLine(this.receipt));
  }
}

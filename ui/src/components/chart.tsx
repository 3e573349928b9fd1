/**
 * A quick chart of rows: a line or bar chart of one or more numeric columns
 * against an x column (time, number or category), drawn as SVG. The builder
 * picks sensible columns from the types and lets the user change them.
 */
import { useMemo, useState } from 'react';
import type { Column } from '../types.ts';
import { timeTicks } from '../time-ticks.ts';
import { isNumeric } from './data-table.tsx';

export type ChartKind = 'line' | 'bar';
type Axis = 'time' | 'number' | 'category';

const W = 820;
const H = 280;
const M = { top: 16, right: 16, bottom: 46, left: 64 };
const PALETTE = ['#2f7fd1', '#e07b39', '#3a9d5d', '#b8448f', '#7a62c9', '#c9a227'];
const MAX_BARS = 400;

const TEMPORAL = /^(DATE|TIMESTAMP|TIME)/i;

export function axisOf(column: Column | undefined): Axis {
  if (!column) return 'category';
  if (TEMPORAL.test(column.type)) return 'time';
  if (isNumeric(column.type)) return 'number';
  return 'category';
}

/** Nice round ticks covering [min, max]. */
export function ticks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

function short(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  if (abs >= 1000) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** A category on the x axis: ISO times shortened (`2026-11-24 07:00`), anything else as it is, cut at 16 characters. */
function categoryLabel(value: unknown): string {
  const text = String(value);
  const iso = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/.exec(text);
  if (iso) return iso[2] === '00:00' ? (iso[1] as string) : `${iso[1]} ${iso[2]}`;
  return text.length > 16 ? `${text.slice(0, 15)}…` : text;
}

export interface ChartProps {
  readonly rows: readonly Record<string, unknown>[];
  readonly x: Column;
  readonly ys: readonly Column[];
  readonly kind: ChartKind;
}

export function Chart({ rows, x, ys, kind }: ChartProps) {
  const axis = kind === 'bar' ? 'category' : axisOf(x);
  const model = useMemo(() => {
    const xValue = (v: unknown): number => (axis === 'time' ? Date.parse(String(v).replace(' ', 'T')) : Number(v));
    // Rows that share an x are summed: one point per x, as a quick look expects.
    const byX = new Map<string, { x: unknown; ys: number[] }>();
    for (const r of rows) {
      const xv = r[x.name];
      if (xv === null || xv === undefined) continue;
      const values = ys.map((y) => (r[y.name] === null || r[y.name] === undefined ? NaN : Number(r[y.name])));
      const seen = byX.get(String(xv));
      if (!seen) byX.set(String(xv), { x: xv, ys: values });
      else seen.ys = seen.ys.map((v, i) => (Number.isNaN(v) ? (values[i] as number) : Number.isNaN(values[i] as number) ? v : v + (values[i] as number)));
    }
    const summed = byX.size < rows.length;
    let points = [...byX.values()];
    if (axis !== 'category') points = points.filter((p) => Number.isFinite(xValue(p.x))).sort((a, b) => xValue(a.x) - xValue(b.x));
    else if (axisOf(x) !== 'category')
      points = [...points].sort((a, b) => (axisOf(x) === 'time' ? Date.parse(String(a.x)) - Date.parse(String(b.x)) : Number(a.x) - Number(b.x)));
    const truncated = kind === 'bar' && points.length > MAX_BARS;
    if (truncated) points = points.slice(0, MAX_BARS);
    const values = points.flatMap((p) => p.ys.filter(Number.isFinite));
    let lo = Math.min(0, ...values);
    let hi = Math.max(0, ...values);
    if (values.length === 0) [lo, hi] = [0, 1];
    if (lo === hi) hi = lo + 1;
    const yTicks = ticks(lo, hi);
    // The top tick at or above the highest value, so the tallest bar ends on a labelled line.
    const step = yTicks.length > 1 ? (yTicks[1] as number) - (yTicks[0] as number) : 0;
    if (step > 0 && (yTicks.at(-1) as number) < hi) yTicks.push(Number(((yTicks.at(-1) as number) + step).toFixed(10)));
    lo = Math.min(lo, yTicks[0] ?? lo);
    hi = Math.max(hi, yTicks.at(-1) ?? hi);
    const xs = axis === 'category' ? points.map((_, i) => i) : points.map((p) => xValue(p.x));
    const xMin = Math.min(...xs);
    const xMax = Math.max(...xs);
    return { points, xs, xMin, xMax, lo, hi, yTicks, truncated, summed };
  }, [rows, x, ys, axis, kind]);

  const { points, xs, xMin, xMax, lo, hi, yTicks } = model;
  const innerW = W - M.left - M.right;
  const innerH = H - M.top - M.bottom;
  const sy = (v: number) => M.top + innerH - ((v - lo) / (hi - lo)) * innerH;
  const band = points.length > 0 ? innerW / points.length : innerW;
  const sx = (v: number, i: number) =>
    axis === 'category' ? M.left + band * i + band / 2 : M.left + (xMax === xMin ? innerW / 2 : ((v - xMin) / (xMax - xMin)) * innerW);

  const xLabels: Array<{ at: number; text: string }> = [];
  if (axis === 'category') {
    const every = Math.max(1, Math.ceil(points.length / 10));
    points.forEach((p, i) => {
      if (i % every === 0) xLabels.push({ at: sx(0, i), text: categoryLabel(p.x) });
    });
  } else if (axis === 'time') {
    // Round times (the quarter hour, midnight, the 1st of a month), not round numbers of milliseconds.
    for (const t of timeTicks(xMin, xMax, 6)) xLabels.push({ at: sx(t.at, 0), text: t.label });
  } else if (points.length > 0) {
    for (const v of ticks(xMin, xMax, 6)) xLabels.push({ at: sx(v, 0), text: short(v) });
  }

  if (points.length === 0) return <div className="empty">No rows to chart.</div>;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${kind} chart of ${ys.map((y) => y.name).join(', ')} by ${x.name}`}>
        {yTicks.map((t) => (
          <g key={t}>
            <line x1={M.left} x2={W - M.right} y1={sy(t)} y2={sy(t)} className="grid" />
            <text x={M.left - 8} y={sy(t)} className="tick" textAnchor="end" dominantBaseline="middle">
              {short(t)}
            </text>
          </g>
        ))}
        {xLabels.map((l, i) => (
          <text key={i} x={l.at} y={H - M.bottom + 18} className="tick x-tick" textAnchor="middle">
            {l.text}
          </text>
        ))}
        <line x1={M.left} x2={W - M.right} y1={sy(0)} y2={sy(0)} className="axis" />
        {kind === 'line'
          ? ys.map((_, s) => {
              const d = points
                .map((p, i) => ({ p, i }))
                .filter(({ p }) => Number.isFinite(p.ys[s]))
                .map(({ p, i }, j) => `${j === 0 ? 'M' : 'L'}${sx(xs[i] as number, i).toFixed(1)},${sy(p.ys[s] as number).toFixed(1)}`)
                .join('');
              const color = PALETTE[s % PALETTE.length];
              return (
                <g key={s}>
                  <path d={d} fill="none" stroke={color} strokeWidth={2} className="series" />
                  {points.length <= 60 &&
                    points.map((p, i) =>
                      Number.isFinite(p.ys[s]) ? (
                        <circle key={i} cx={sx(xs[i] as number, i)} cy={sy(p.ys[s] as number)} r={3} fill={color}>
                          <title>{`${String(p.x)}: ${ys[s]?.name} ${p.ys[s]}`}</title>
                        </circle>
                      ) : null,
                    )}
                </g>
              );
            })
          : points.map((p, i) =>
              p.ys.map((v, s) => {
                if (!Number.isFinite(v)) return null;
                const w = Math.max(1, (band * 0.8) / ys.length);
                const left = M.left + band * i + band * 0.1 + w * s;
                const top = Math.min(sy(v), sy(0));
                return (
                  <rect
                    key={`${i}-${s}`}
                    x={left}
                    y={top}
                    width={w}
                    height={Math.max(0.5, Math.abs(sy(v) - sy(0)))}
                    fill={PALETTE[s % PALETTE.length]}
                    className="bar"
                  >
                    <title>{`${String(p.x)}: ${ys[s]?.name} ${v}`}</title>
                  </rect>
                );
              }),
            )}
      </svg>
      <figcaption>
        {ys.map((y, s) => (
          <span key={y.name} className="legend">
            <i style={{ background: PALETTE[s % PALETTE.length] }} />
            {y.name}
          </span>
        ))}
        <span className="muted">
          {model.summed ? ' summed' : ''} by {x.name}
        </span>
        {model.truncated && (
          <span className="muted">
            {' '}
            (first {MAX_BARS} of {rows.length} rows)
          </span>
        )}
      </figcaption>
    </figure>
  );
}

/**
 * Picks an x column and the numeric columns as y: a time column when it has
 * more than one value (a line), else the text column with the most values
 * (bars), else the first column.
 */
export function defaultChart(columns: readonly Column[], rows: readonly Record<string, unknown>[]): { x: string; ys: string[]; kind: ChartKind } | null {
  const numeric = columns.filter((c) => isNumeric(c.type));
  const distinct = (c: Column) => new Set(rows.map((r) => String(r[c.name]))).size;
  const times = columns.filter((c) => axisOf(c) === 'time' && distinct(c) > 1);
  const texts = columns
    .filter((c) => axisOf(c) === 'category')
    .map((c) => ({ c, n: distinct(c) }))
    .filter(({ n }) => n > 1)
    .sort((a, b) => b.n - a.n);
  const x = times[0] ?? texts[0]?.c ?? columns.find((c) => !numeric.slice(1).includes(c));
  if (!x) return null;
  const ys = numeric.filter((c) => c.name !== x.name).slice(0, 3);
  if (ys.length === 0) return null;
  return { x: x.name, ys: ys.map((c) => c.name), kind: axisOf(x) === 'time' ? 'line' : 'bar' };
}

export function ChartBuilder({ columns, rows }: { columns: readonly Column[]; rows: readonly Record<string, unknown>[] }) {
  const initial = useMemo(() => defaultChart(columns, rows), [columns, rows]);
  const [choice, setChoice] = useState(initial);
  const [forColumns, setForColumns] = useState(columns);
  if (forColumns !== columns) {
    setForColumns(columns);
    setChoice(initial);
  }
  const numeric = columns.filter((c) => isNumeric(c.type));
  if (!choice || numeric.length === 0) return <div className="empty">Nothing to chart: the result has no numeric column.</div>;
  const x = columns.find((c) => c.name === choice.x) ?? columns[0]!;
  const ys = columns.filter((c) => choice.ys.includes(c.name));
  return (
    <div className="chart-builder">
      <div className="controls">
        <label>
          Chart
          <select aria-label="chart type" value={choice.kind} onChange={(e) => setChoice({ ...choice, kind: e.target.value as ChartKind })}>
            <option value="line">line</option>
            <option value="bar">bar</option>
          </select>
        </label>
        <label>
          x
          <select
            aria-label="x column"
            value={choice.x}
            onChange={(e) => setChoice({ ...choice, x: e.target.value, ys: choice.ys.filter((y) => y !== e.target.value) })}
          >
            {columns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <span className="y-choices" aria-label="y columns">
          y
          {numeric
            .filter((c) => c.name !== choice.x)
            .map((c) => (
              <label key={c.name} className="check">
                <input
                  type="checkbox"
                  checked={choice.ys.includes(c.name)}
                  onChange={(e) => setChoice({ ...choice, ys: e.target.checked ? [...choice.ys, c.name] : choice.ys.filter((y) => y !== c.name) })}
                />
                {c.name}
              </label>
            ))}
        </span>
      </div>
      {ys.length > 0 ? <Chart rows={rows} x={x} ys={ys} kind={choice.kind} /> : <div className="empty">Choose a column to plot.</div>}
    </div>
  );
}

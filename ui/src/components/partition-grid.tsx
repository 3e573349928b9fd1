/**
 * Every stream and dataset × time on one canvas, like Airflow's grid at any
 * scale: a row per stream or dataset, a column per stretch of time (the API
 * counts each row's partitions per column by state; see `GET /api/grid`), each
 * cell stacked by state — failed, stale, missing, fresh. A million partitions
 * cost what the columns do. Hover a cell for its counts, click it to open that
 * stretch of the dataset, drag over columns to zoom.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { count, time } from '../format.ts';
import { timeTicks } from '../time-ticks.ts';
import type { Grid, GridRow } from '../types.ts';

const ROW_H = 20;
const CELL_H = 16;
const STATES = [
  { key: 'failed', label: 'failed', color: '#d64545' },
  { key: 'stale', label: 'stale', color: '#e0a030' },
  { key: 'missing', label: 'missing', color: '#b9c0c8' },
  { key: 'fresh', label: 'fresh', color: '#3a9d5d' },
] as const;

export interface GridProps {
  readonly grid: Grid;
  /** A cell was clicked: that row over that column's time. */
  readonly onCell: (row: GridRow, from: string, to: string) => void;
  /** Columns from `from` to `to` were dragged over. */
  readonly onZoom: (from: string, to: string) => void;
  /** The canvas's width in pixels, as laid out (to ask for as many columns as it can show). */
  readonly onWidth?: (width: number) => void;
}

export function PartitionGrid({ grid, onCell, onZoom, onWidth }: GridProps) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<{ row: number; col: number } | null>(null);
  const [drag, setDrag] = useState<{ start: number; end: number } | null>(null);
  const height = grid.rows.length * ROW_H;
  const from = Date.parse(grid.from);
  const columnTime = (c: number) => new Date(from + c * grid.columnMs).toISOString();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      const w = Math.floor(entry?.contentRect.width ?? 0);
      setWidth(w);
      onWidth?.(w);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [onWidth]);

  useEffect(() => {
    const el = canvas.current;
    if (!el || width === 0) return;
    const ratio = globalThis.devicePixelRatio || 1;
    el.width = width * ratio;
    el.height = height * ratio;
    const g = el.getContext('2d');
    if (!g) return;
    g.scale(ratio, ratio);
    g.clearRect(0, 0, width, height);
    const w = width / grid.columns;
    const gap = w > 4 ? 1 : 0;
    grid.rows.forEach((row, r) => {
      const top = r * ROW_H + (ROW_H - CELL_H) / 2;
      g.fillStyle = '#f3f5f8';
      g.fillRect(0, top, width, CELL_H);
      for (let c = 0; c < grid.columns; c++) {
        const total = row.partitions[c] ?? 0;
        if (total === 0) continue;
        let y = top + CELL_H;
        for (const s of STATES) {
          const h = ((row[s.key][c] ?? 0) / total) * CELL_H;
          if (h <= 0) continue;
          g.fillStyle = s.color;
          g.fillRect(c * w, y - h, Math.max(1, w - gap), h);
          y -= h;
        }
      }
    });
    if (drag) {
      const [a, z] = drag.start <= drag.end ? [drag.start, drag.end] : [drag.end, drag.start];
      g.fillStyle = 'rgba(47, 127, 209, 0.25)';
      g.fillRect(a * w, 0, (z - a + 1) * w, height);
    } else if (hover) {
      g.strokeStyle = '#1d2733';
      g.lineWidth = 1.5;
      g.strokeRect(hover.col * w + 0.75, hover.row * ROW_H + (ROW_H - CELL_H) / 2 - 1, Math.max(2, w - 1.5), CELL_H + 2);
    }
  }, [grid, width, height, hover, drag]);

  const cellAt = (clientX: number, clientY: number): { row: number; col: number } | null => {
    const el = canvas.current;
    if (!el || width === 0) return null;
    const rect = el.getBoundingClientRect();
    const col = Math.floor(((clientX - rect.left) / width) * grid.columns);
    const row = Math.floor((clientY - rect.top) / ROW_H);
    if (row < 0 || row >= grid.rows.length) return null;
    return { row, col: Math.max(0, Math.min(grid.columns - 1, col)) };
  };

  const ticks = useMemo(
    () => timeTicks(from, from + grid.columns * grid.columnMs, Math.max(2, Math.floor(width / 110))),
    [from, grid.columns, grid.columnMs, width],
  );
  const hovered = hover ? grid.rows[hover.row] : undefined;

  return (
    <div className="grid" data-testid="partition-grid" data-rows={grid.rows.length} data-columns={grid.columns} data-column-ms={grid.columnMs}>
      <div className="grid-body">
        <ul className="grid-labels" aria-label="grid rows">
          {grid.rows.map((row) => (
            <li key={row.name} style={{ height: ROW_H }} data-row={row.name}>
              <a href={`#/datasets/${encodeURIComponent(row.name)}`}>{row.name}</a>{' '}
              <span className="muted">{row.kind === 'stream' ? 'stream' : row.grain}</span>
            </li>
          ))}
        </ul>
        <div ref={box} className="grid-canvas" onMouseLeave={() => (setHover(null), setDrag(null))}>
          <canvas
            ref={canvas}
            style={{ width: '100%', height }}
            aria-label="partition grid"
            onMouseMove={(e) => {
              const cell = cellAt(e.clientX, e.clientY);
              setHover(cell);
              if (drag && cell) setDrag({ ...drag, end: cell.col });
            }}
            onMouseDown={(e) => {
              const cell = cellAt(e.clientX, e.clientY);
              if (cell) setDrag({ start: cell.col, end: cell.col });
            }}
            onMouseUp={(e) => {
              const cell = cellAt(e.clientX, e.clientY);
              const d = drag;
              setDrag(null);
              if (!d || !cell) return;
              const [a, z] = d.start <= d.end ? [d.start, d.end] : [d.end, d.start];
              if (a !== z) onZoom(columnTime(a), columnTime(z + 1));
              else {
                const row = grid.rows[cell.row];
                if (row) onCell(row, columnTime(cell.col), columnTime(cell.col + 1));
              }
            }}
          />
          {hovered && hover && (
            <div
              className="timeline-tip"
              role="tooltip"
              style={{ left: `${Math.min(75, (hover.col / grid.columns) * 100)}%`, top: (hover.row + 1) * ROW_H + 4 }}
            >
              <div>
                <strong>{hovered.name}</strong>
              </div>
              <div className="muted">
                {time(columnTime(hover.col))} – {time(columnTime(hover.col + 1))}
              </div>
              {(hovered.partitions[hover.col] ?? 0) === 0 ? (
                <div className="muted">no partition{hovered.kind === 'stream' ? ' (no events)' : ''}</div>
              ) : (
                STATES.filter((s) => (hovered[s.key][hover.col] ?? 0) > 0).map((s) => (
                  <div key={s.key}>
                    <i className="swatch" style={{ background: s.color }} /> {count(hovered[s.key][hover.col])} {s.label}
                  </div>
                ))
              )}
              <div className="muted">click to open, drag to zoom</div>
            </div>
          )}
          <div className="timeline-axis grid-axis">
            {ticks.map((t) => (
              <span key={t.at} style={{ left: `${((t.at - from) / (grid.columns * grid.columnMs)) * 100}%` }}>
                {t.label}
              </span>
            ))}
          </div>
        </div>
      </div>
      <div className="timeline-legend">
        {STATES.map((s) => (
          <span key={s.key}>
            <i className="swatch" style={{ background: s.color }} /> {s.label}
          </span>
        ))}
      </div>
    </div>
  );
}

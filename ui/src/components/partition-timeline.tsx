/**
 * Partition status over time, at any scale: the API sums the window's
 * partitions into buckets (fresh, stale, missing, failed), and each bucket is
 * one stacked column on a canvas. A million partitions cost what two hundred
 * do; zooming asks for the narrower window. Drag to select a stretch, click
 * a column to zoom into it (or to open the partition when it holds one),
 * scroll to zoom around the pointer.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { enc } from '../api.ts';
import { count, time } from '../format.ts';
import type { Bucket, Timeline } from '../types.ts';
import { useApi } from '../use-api.ts';
import { ErrorBox } from './status.tsx';

const HEIGHT = 120;
const STATES = [
  { key: 'failed', label: 'failed', color: '#d64545' },
  { key: 'stale', label: 'stale', color: '#e0a030' },
  { key: 'missing', label: 'missing', color: '#b9c0c8' },
  { key: 'fresh', label: 'fresh', color: '#3a9d5d' },
] as const;

export interface TimelineWindow {
  readonly from?: string;
  readonly to?: string;
}

export interface PartitionTimelineProps {
  readonly name: string;
  readonly window: TimelineWindow;
  readonly onWindow: (window: TimelineWindow) => void;
  readonly onPartition: (key: string) => void;
  readonly selected?: string;
  readonly refreshMs?: number;
}

export function PartitionTimeline({ name, window: view, onWindow, onPartition, selected, refreshMs }: PartitionTimelineProps) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<number | null>(null);
  const [drag, setDrag] = useState<{ start: number; end: number } | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // About three pixels a column: detail where the screen can show it, never more.
  const buckets = Math.max(20, Math.min(600, Math.floor(width / 3)));
  const query = new URLSearchParams({ buckets: String(buckets) });
  if (view.from) query.set('from', view.from);
  if (view.to) query.set('to', view.to);
  const { data, error, loading } = useApi<Timeline>(width > 0 ? `datasets/${enc(name)}/partitions?${query.toString()}` : null, refreshMs, {
    keepPrevious: true,
  });

  const totals = useMemo(() => {
    const t = { fresh: 0, stale: 0, missing: 0, failed: 0 };
    for (const b of data?.buckets ?? []) for (const s of STATES) t[s.key] += b[s.key];
    return t;
  }, [data]);

  useEffect(() => {
    const el = canvas.current;
    if (!el || !data || width === 0) return;
    const ratio = globalThis.devicePixelRatio || 1;
    el.width = width * ratio;
    el.height = HEIGHT * ratio;
    const g = el.getContext('2d');
    if (!g) return;
    g.scale(ratio, ratio);
    g.clearRect(0, 0, width, HEIGHT);
    const n = data.buckets.length;
    const w = n > 0 ? width / n : width;
    data.buckets.forEach((b, i) => {
      const total = b.partitions || 1;
      let y = HEIGHT;
      for (const s of STATES) {
        const h = (b[s.key] / total) * HEIGHT;
        if (h <= 0) continue;
        g.fillStyle = s.color;
        g.fillRect(i * w, y - h, Math.max(1, w - (w > 4 ? 1 : 0)), h);
        y -= h;
      }
      if (selected !== undefined && b.partitions === 1 && b.from === selected) {
        g.strokeStyle = '#1d2733';
        g.lineWidth = 2;
        g.strokeRect(i * w + 1, 1, Math.max(2, w - 2), HEIGHT - 2);
      }
    });
    if (drag) {
      const [a, z] = drag.start <= drag.end ? [drag.start, drag.end] : [drag.end, drag.start];
      g.fillStyle = 'rgba(47, 127, 209, 0.25)';
      g.fillRect(a * w, 0, (z - a + 1) * w, HEIGHT);
    } else if (hover !== null) {
      g.fillStyle = 'rgba(29, 39, 51, 0.15)';
      g.fillRect(hover * w, 0, Math.max(1, w), HEIGHT);
    }
  }, [data, width, hover, drag, selected]);

  const bucketAt = (clientX: number): number | null => {
    const el = canvas.current;
    if (!el || !data || data.buckets.length === 0) return null;
    const x = clientX - el.getBoundingClientRect().left;
    return Math.max(0, Math.min(data.buckets.length - 1, Math.floor((x / width) * data.buckets.length)));
  };

  const zoomTo = (a: Bucket, z: Bucket) => onWindow({ from: a.from, to: z.to });

  const zoomOut = () => {
    if (!data?.fromTime || !data.toTime) return onWindow({});
    const from = Date.parse(data.fromTime);
    const to = Date.parse(data.toTime);
    const span = to - from;
    onWindow({ from: new Date(from - span).toISOString(), to: new Date(to + span).toISOString() });
  };

  const onWheel = (e: React.WheelEvent) => {
    const i = bucketAt(e.clientX);
    if (i === null || !data) return;
    if (e.deltaY > 0) return zoomOut();
    const n = data.buckets.length;
    const half = Math.max(1, Math.floor(n / 4));
    const a = data.buckets[Math.max(0, i - half)];
    const z = data.buckets[Math.min(n - 1, i + half)];
    if (a && z && data.partitionsPerBucket > 1) zoomTo(a, z);
  };

  const hovered = hover !== null ? data?.buckets[hover] : undefined;
  const ticks = useMemo(() => {
    if (!data || data.buckets.length === 0) return [];
    const n = data.buckets.length;
    const marks = n >= 8 ? [0, 0.25, 0.5, 0.75] : [0];
    const labels = marks.map((f) => ({ at: f, label: data.buckets[Math.floor(f * n)]?.from ?? '' }));
    const last = data.buckets[n - 1]?.to ?? '';
    return last === labels[0]?.label ? labels : labels.concat([{ at: 1, label: last }]);
  }, [data]);

  return (
    <div
      className={`timeline${loading ? ' loading-window' : ''}`}
      data-testid="partition-timeline"
      data-loading={loading}
      data-count={data?.count}
      data-buckets={data?.buckets.length}
      data-per-bucket={data?.partitionsPerBucket}
    >
      <div className="timeline-head">
        <div>
          {data ? (
            <>
              <strong>{count(data.count)}</strong> partition{data.count === 1 ? '' : 's'}{' '}
              {data.first && (
                <>
                  from {data.first} to {data.last}
                </>
              )}
              {data.count > 0 && (
                <span className="muted">
                  {' '}
                  · showing {data.from} – {data.to}, {count(data.partitionsPerBucket)} per column
                </span>
              )}
            </>
          ) : (
            <span className="muted">Loading partitions…</span>
          )}
        </div>
        <div className="actions">
          <button type="button" onClick={zoomOut} disabled={!view.from && !view.to}>
            Zoom out
          </button>
          <button type="button" onClick={() => onWindow({})} disabled={!view.from && !view.to}>
            Whole span
          </button>
        </div>
      </div>
      {error && <ErrorBox error={error} title="Partitions could not be read" />}
      <div ref={box} className="timeline-canvas" onMouseLeave={() => (setHover(null), setDrag(null))}>
        <canvas
          ref={canvas}
          style={{ width: '100%', height: HEIGHT }}
          aria-label={`partition status of ${name}`}
          onMouseMove={(e) => {
            const i = bucketAt(e.clientX);
            setHover(i);
            if (drag && i !== null) setDrag({ ...drag, end: i });
          }}
          onMouseDown={(e) => {
            const i = bucketAt(e.clientX);
            if (i !== null) setDrag({ start: i, end: i });
          }}
          onMouseUp={() => {
            if (!drag || !data) return;
            setDrag(null);
            const [a, z] = drag.start <= drag.end ? [drag.start, drag.end] : [drag.end, drag.start];
            const first = data.buckets[a];
            const last = data.buckets[z];
            if (!first || !last) return;
            if (a === z && first.partitions === 1) onPartition(first.from);
            else if (a !== z || first.partitions > 1) zoomTo(first, last);
          }}
          onWheel={onWheel}
        />
        {hovered && (
          <div className="timeline-tip" role="tooltip" style={{ left: `${Math.min(80, ((hover ?? 0) / (data?.buckets.length ?? 1)) * 100)}%` }}>
            <div>
              <strong>{hovered.partitions === 1 ? hovered.from : `${hovered.from} – ${hovered.to}`}</strong>
            </div>
            <div className="muted">{hovered.partitions === 1 ? time(hovered.fromTime) : `${count(hovered.partitions)} partitions`}</div>
            {STATES.filter((s) => hovered[s.key] > 0).map((s) => (
              <div key={s.key}>
                <i className="swatch" style={{ background: s.color }} /> {count(hovered[s.key])} {s.label}
              </div>
            ))}
            <div className="muted">{hovered.partitions === 1 ? 'click to open' : 'click or drag to zoom'}</div>
          </div>
        )}
      </div>
      <div className="timeline-axis">
        {ticks.map((t, i) => (
          <span key={i} style={{ left: `${t.at * 100}%` }}>
            {t.label}
          </span>
        ))}
      </div>
      <div className="timeline-legend">
        {STATES.map((s) => (
          <span key={s.key} data-state={s.key}>
            <i className="swatch" style={{ background: s.color }} /> {s.label} {count(totals[s.key])}
          </span>
        ))}
      </div>
    </div>
  );
}

/**
 * The grid: every stream and dataset × time (see components/partition-grid.tsx),
 * over the whole span or the last day, week or month, zoomed by dragging.
 * The window stays in the URL (`#/grid?from=…&to=…`), so a view can be shared.
 */
import { useCallback, useState } from 'react';
import { PartitionGrid } from '../components/partition-grid.tsx';
import { ErrorBox, Loading, Panel } from '../components/status.tsx';
import { duration, time } from '../format.ts';
import { href, setParams, useRoute } from '../router.ts';
import type { Grid } from '../types.ts';
import { useApi, useNow } from '../use-api.ts';

const REFRESH = 10_000;
const PRESETS = [
  { label: 'Last day', ms: 86_400_000 },
  { label: 'Last week', ms: 7 * 86_400_000 },
  { label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

export function GridPage() {
  const { params } = useRoute();
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const [width, setWidth] = useState(0);
  const onWidth = useCallback((w: number) => setWidth(w), []);
  // About six pixels a column: as fine as the screen shows, never an element per partition.
  const columns = Math.max(20, Math.min(400, Math.floor((width || 900) / 6)));
  const query = new URLSearchParams({ columns: String(columns) });
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  const grid = useApi<Grid>(`grid?${query.toString()}`, REFRESH, { keepPrevious: true });
  const g = grid.data;
  const now = useNow(60_000);
  // Presets end where the data ends (for a live project, about now).
  const end = g?.last ? Date.parse(g.last) : now;

  return (
    <div className="page">
      <h1>Grid</h1>
      <p className="muted">
        Every stream and dataset over time: a row each, a column per stretch of time, coloured by the state of its partitions there (red failed, amber stale,
        grey missing, green fresh; blank: no partition). Hover for counts, click a cell to open that stretch, drag to zoom.
      </p>
      <Panel
        title={g ? `${time(g.from)} – ${time(g.to)}` : 'Partitions over time'}
        actions={
          <div className="grid-presets">
            {g && <span className="muted">{duration(g.columnMs)} a column</span>}
            {PRESETS.map((p) => (
              <button
                type="button"
                key={p.label}
                onClick={() => setParams({ from: new Date(end - p.ms).toISOString(), to: new Date(end).toISOString() }, false)}
              >
                {p.label}
              </button>
            ))}
            <button type="button" disabled={!from && !to} onClick={() => setParams({ from: undefined, to: undefined }, false)}>
              Whole span
            </button>
          </div>
        }
      >
        {grid.error && <ErrorBox error={grid.error} />}
        {!g && !grid.error && <Loading what="the grid" />}
        {g && (
          <PartitionGrid
            grid={g}
            onWidth={onWidth}
            onZoom={(a, z) => setParams({ from: a, to: z }, false)}
            onCell={(row, a, z) => {
              window.location.hash = row.grain === 'none' ? href('datasets', row.name) : href('datasets', row.name, { from: a, to: z });
            }}
          />
        )}
      </Panel>
    </div>
  );
}

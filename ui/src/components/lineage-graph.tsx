/**
 * The lineage of streams, datasets and sinks as a layered graph: a column
 * per depth (longest path from a stream), nodes ordered by the mean position
 * of their neighbours to keep edges from crossing, coloured by health.
 */
import { useMemo } from 'react';

export interface GraphNode {
  readonly id: string;
  readonly label: string;
  readonly kind: 'stream' | 'dataset' | 'sink';
  readonly health: string;
  readonly detail?: string;
  readonly href: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
}

const NODE_W = 180;
const NODE_H = 46;
const COL_GAP = 70;
const ROW_GAP = 22;
const PAD = 20;

interface Placed extends GraphNode {
  readonly x: number;
  readonly y: number;
}

export function layout(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): { placed: Placed[]; width: number; height: number } {
  const incoming = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const outgoing = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    if (!incoming.has(e.to) || !outgoing.has(e.from)) continue;
    incoming.get(e.to)!.push(e.from);
    outgoing.get(e.from)!.push(e.to);
  }
  const depth = new Map<string, number>();
  const depthOf = (id: string, seen: Set<string> = new Set()): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const d = Math.max(-1, ...(incoming.get(id) ?? []).map((p) => depthOf(p, seen))) + 1;
    depth.set(id, d);
    return d;
  };
  for (const n of nodes) depthOf(n.id);
  const columns: string[][] = [];
  for (const n of [...nodes].sort((a, b) => a.label.localeCompare(b.label))) (columns[depth.get(n.id)!] ??= []).push(n.id);
  // A few sweeps of the barycentre heuristic, down then up.
  const position = new Map<string, number>();
  const index = () => columns.forEach((col) => col.forEach((id, i) => position.set(id, i)));
  index();
  const mean = (ids: readonly string[], fallback: number) => (ids.length === 0 ? fallback : ids.reduce((s, id) => s + (position.get(id) ?? 0), 0) / ids.length);
  for (let sweep = 0; sweep < 4; sweep++) {
    const down = sweep % 2 === 0;
    const order = down ? columns.slice(1) : columns.slice(0, -1).reverse();
    for (const col of order) {
      col.sort((a, b) => mean((down ? incoming : outgoing).get(a) ?? [], position.get(a)!) - mean((down ? incoming : outgoing).get(b) ?? [], position.get(b)!));
      col.forEach((id, i) => position.set(id, i));
    }
  }
  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const height = PAD * 2 + tallest * NODE_H + (tallest - 1) * ROW_GAP;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const placed: Placed[] = [];
  columns.forEach((col, d) => {
    const colHeight = col.length * NODE_H + (col.length - 1) * ROW_GAP;
    const top = (height - colHeight) / 2;
    col.forEach((id, i) => placed.push({ ...byId.get(id)!, x: PAD + d * (NODE_W + COL_GAP), y: top + i * (NODE_H + ROW_GAP) }));
  });
  return { placed, width: PAD * 2 + columns.length * NODE_W + Math.max(0, columns.length - 1) * COL_GAP, height };
}

export function LineageGraph({ nodes, edges }: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[] }) {
  const { placed, width, height } = useMemo(() => layout(nodes, edges), [nodes, edges]);
  const at = new Map(placed.map((p) => [p.id, p]));
  return (
    <div className="lineage-scroll">
      <svg
        className="lineage"
        width="100%"
        style={{ maxWidth: width, minWidth: Math.min(width, 640) }}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label="lineage graph"
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="arrow" />
          </marker>
        </defs>
        {edges.map((e) => {
          const a = at.get(e.from);
          const b = at.get(e.to);
          if (!a || !b) return null;
          const x1 = a.x + NODE_W;
          const y1 = a.y + NODE_H / 2;
          const x2 = b.x;
          const y2 = b.y + NODE_H / 2;
          const mid = (x1 + x2) / 2;
          return <path key={`${e.from}->${e.to}`} className="edge" d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2 - 2},${y2}`} markerEnd="url(#arrow)" />;
        })}
        {placed.map((n) => (
          <a key={n.id} href={n.href} aria-label={`${n.kind} ${n.label}`} data-health={n.health} className={`node kind-${n.kind} health-${n.health}`}>
            <rect x={n.x} y={n.y} width={NODE_W} height={NODE_H} rx={n.kind === 'sink' ? 20 : 6} />
            <text x={n.x + 12} y={n.y + 19} className="node-label">
              {n.label.length > 24 ? `${n.label.slice(0, 23)}…` : n.label}
            </text>
            <text x={n.x + 12} y={n.y + 36} className="node-detail">
              {n.kind} · {n.detail ?? n.health}
            </text>
            <title>{`${n.kind} ${n.label}: ${n.health}${n.detail ? ` (${n.detail})` : ''}`}</title>
          </a>
        ))}
      </svg>
    </div>
  );
}

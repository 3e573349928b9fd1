/**
 * The lineage of streams, datasets and sinks as a layered graph (see
 * lineage-layout.ts): a column per depth, edges routed around the nodes and
 * labelled with how the target reads its input, nodes coloured by health.
 */
import { useMemo } from 'react';
import { layout, NODE_H, NODE_W, pathOf } from './lineage-layout.ts';

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
  /** How the target reads the source (`same hour`, `last 7 d` …). */
  readonly label?: string;
}

export function LineageGraph({ nodes, edges }: { nodes: readonly GraphNode[]; edges: readonly GraphEdge[] }) {
  const { placed, routes, width, height } = useMemo(() => layout(nodes, edges), [nodes, edges]);
  return (
    <div className="lineage-scroll">
      <svg
        className="lineage"
        width="100%"
        style={{ maxWidth: width, minWidth: Math.min(width, 1100) }}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label="lineage graph"
      >
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="arrow" />
          </marker>
        </defs>
        {routes.map((r) => (
          <path
            key={`${r.edge.from}->${r.edge.to}`}
            className="edge"
            data-from={r.edge.from}
            data-to={r.edge.to}
            d={pathOf(r.segments)}
            markerEnd="url(#arrow)"
          />
        ))}
        {routes.map((r) =>
          r.edge.label ? (
            <text
              key={`label:${r.edge.from}->${r.edge.to}`}
              className="edge-label"
              data-from={r.edge.from}
              data-to={r.edge.to}
              x={r.labelAt.x}
              y={r.labelAt.y}
              textAnchor="end"
            >
              {r.edge.label}
            </text>
          ) : null,
        )}
        {placed.map(({ node: n, x, y }) => (
          <a
            key={n.id}
            href={n.href}
            aria-label={`${n.kind} ${n.label}`}
            data-id={n.id}
            data-health={n.health}
            className={`node kind-${n.kind} health-${n.health}`}
          >
            <rect x={x} y={y} width={NODE_W} height={NODE_H} rx={n.kind === 'sink' ? 20 : 6} />
            <text x={x + 12} y={y + 19} className="node-label">
              {n.label.length > 24 ? `${n.label.slice(0, 23)}…` : n.label}
            </text>
            <text x={x + 12} y={y + 36} className="node-detail">
              {n.kind} · {n.detail ?? n.health}
            </text>
            <title>{`${n.kind} ${n.label}: ${n.health}${n.detail ? ` (${n.detail})` : ''}`}</title>
          </a>
        ))}
      </svg>
    </div>
  );
}

/**
 * The layout of the lineage graph: a column per depth (the longest path from
 * a stream), nodes ordered in each column by the mean position of their
 * neighbours to keep edges from crossing (a few sweeps of the barycentre
 * heuristic), and edges routed around nodes, never behind them. An edge that
 * skips columns (users → purchase_items past clean_purchases) gets a slot of
 * its own in each column it crosses, stacked between the nodes there and
 * ordered with them (Sugiyama's dummy nodes): it runs straight through the
 * slot and curves only in the gaps between columns, where no node is.
 */

export interface LayoutNode {
  readonly id: string;
}

export interface LayoutEdge {
  readonly from: string;
  readonly to: string;
  /** Drawn above the edge where it enters its target. */
  readonly label?: string;
}

export const NODE_W = 180;
export const NODE_H = 46;
/** The height of an edge's slot in a column it crosses. */
export const SLOT_H = 12;
export const COL_GAP = 120;
export const ROW_GAP = 22;
export const PAD = 20;

export interface Placed<N> {
  readonly node: N;
  readonly x: number;
  readonly y: number;
}

/** A straight line, or a curve that leaves and arrives horizontally (control points at the middle x). */
export interface Segment {
  readonly kind: 'line' | 'curve';
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface Route<E> {
  readonly edge: E;
  readonly segments: readonly Segment[];
  /** Where the label ends (it is right-aligned there): just above the edge where it enters its target. */
  readonly labelAt: { readonly x: number; readonly y: number };
}

export interface Layout<N, E> {
  readonly placed: readonly Placed<N>[];
  readonly routes: readonly Route<E>[];
  readonly width: number;
  readonly height: number;
}

interface Item {
  readonly id: string;
  /** A slot of an edge crossing this column, or a node. */
  readonly slot: boolean;
}

export function layout<N extends LayoutNode, E extends LayoutEdge>(nodes: readonly N[], edges: readonly E[]): Layout<N, E> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const kept = edges.filter((e) => byId.has(e.from) && byId.has(e.to) && e.from !== e.to);
  const incoming = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of kept) incoming.get(e.to)!.push(e.from);
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

  // Items per column: the nodes, and a slot for each edge in each column it crosses.
  const columns: Item[][] = [];
  const up = new Map<string, string[]>();
  const down = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    (down.get(a) ?? down.set(a, []).get(a)!).push(b);
    (up.get(b) ?? up.set(b, []).get(b)!).push(a);
  };
  for (const n of [...nodes].sort((a, b) => a.id.localeCompare(b.id))) (columns[depth.get(n.id)!] ??= []).push({ id: n.id, slot: false });
  const chains = new Map<E, string[]>();
  kept.forEach((e, i) => {
    const a = depth.get(e.from)!;
    const b = depth.get(e.to)!;
    const chain = [e.from];
    for (let d = a + 1; d < b; d++) {
      const id = `\u0000slot:${i}:${d}`;
      (columns[d] ??= []).push({ id, slot: true });
      chain.push(id);
    }
    chain.push(e.to);
    for (let k = 0; k + 1 < chain.length; k++) link(chain[k]!, chain[k + 1]!);
    chains.set(e, chain);
  });

  // A few sweeps of the barycentre heuristic, down then up.
  const position = new Map<string, number>();
  const index = () => columns.forEach((col) => col.forEach((item, i) => position.set(item.id, i)));
  index();
  const mean = (ids: readonly string[] | undefined, fallback: number) =>
    !ids || ids.length === 0 ? fallback : ids.reduce((s, id) => s + (position.get(id) ?? 0), 0) / ids.length;
  for (let sweep = 0; sweep < 6; sweep++) {
    const goingDown = sweep % 2 === 0;
    const order = goingDown ? columns.slice(1) : columns.slice(0, -1).reverse();
    for (const col of order) {
      col.sort((a, b) => mean((goingDown ? up : down).get(a.id), position.get(a.id)!) - mean((goingDown ? up : down).get(b.id), position.get(b.id)!));
      col.forEach((item, i) => position.set(item.id, i));
    }
  }

  // Stack each column, centred: nodes and slots, a gap between each two.
  const heightOf = (item: Item) => (item.slot ? SLOT_H : NODE_H);
  const colHeight = (col: readonly Item[]) => col.reduce((h, item) => h + heightOf(item), 0) + Math.max(0, col.length - 1) * ROW_GAP;
  const tallest = Math.max(NODE_H, ...columns.map((c) => colHeight(c ?? [])));
  const height = PAD * 2 + tallest;
  const at = new Map<string, { x: number; y: number; h: number }>();
  columns.forEach((col, d) => {
    let y = PAD + (tallest - colHeight(col)) / 2;
    for (const item of col) {
      at.set(item.id, { x: PAD + d * (NODE_W + COL_GAP), y, h: heightOf(item) });
      y += heightOf(item) + ROW_GAP;
    }
  });
  const placed = nodes.map((node) => ({ node, x: at.get(node.id)!.x, y: at.get(node.id)!.y }));

  // Ports: a node's edges leave (and arrive) spread down its side, in the order of the other end, so they do not cross there.
  const ports = (id: string, side: 'out' | 'in'): Map<E, number> => {
    const mine = kept.filter((e) => (side === 'out' ? e.from : e.to) === id);
    const neighbour = (e: E) => {
      const chain = chains.get(e)!;
      return at.get(side === 'out' ? chain[1]! : chain[chain.length - 2]!)!;
    };
    mine.sort((a, b) => neighbour(a).y + neighbour(a).h / 2 - (neighbour(b).y + neighbour(b).h / 2));
    const box = at.get(id)!;
    return new Map(mine.map((e, i) => [e, box.y + (box.h * (i + 1)) / (mine.length + 1)]));
  };
  const outPorts = new Map(nodes.map((n) => [n.id, ports(n.id, 'out')]));
  const inPorts = new Map(nodes.map((n) => [n.id, ports(n.id, 'in')]));

  const routes = kept.map((edge): Route<E> => {
    const chain = chains.get(edge)!;
    const segments: Segment[] = [];
    let x = at.get(edge.from)!.x + NODE_W;
    let y = outPorts.get(edge.from)!.get(edge)!;
    for (const slot of chain.slice(1, -1)) {
      const s = at.get(slot)!;
      const sy = s.y + s.h / 2;
      segments.push({ kind: 'curve', x1: x, y1: y, x2: s.x, y2: sy });
      segments.push({ kind: 'line', x1: s.x, y1: sy, x2: s.x + NODE_W, y2: sy });
      x = s.x + NODE_W;
      y = sy;
    }
    const target = at.get(edge.to)!;
    const ty = inPorts.get(edge.to)!.get(edge)!;
    segments.push({ kind: 'curve', x1: x, y1: y, x2: target.x, y2: ty });
    // Just above where the edge enters its target, right-aligned to it: inputs of one node are told apart by their ports.
    return { edge, segments, labelAt: { x: target.x - 8, y: ty - 4 } };
  });
  return { placed, routes, width: PAD * 2 + columns.length * NODE_W + Math.max(0, columns.length - 1) * COL_GAP, height };
}

/** The SVG path of a route (the last point a little short of the target, for the arrow head). */
export function pathOf(segments: readonly Segment[]): string {
  return segments
    .map((s, i) => {
      const start = i === 0 ? `M${s.x1},${s.y1} ` : '';
      const x2 = i === segments.length - 1 ? s.x2 - 2 : s.x2;
      if (s.kind === 'line') return `${start}L${x2},${s.y2}`;
      const mid = (s.x1 + s.x2) / 2;
      return `${start}C${mid},${s.y1} ${mid},${s.y2} ${x2},${s.y2}`;
    })
    .join(' ');
}

/** Points along a route, `per` to a segment: what a test checks against the nodes' boxes. */
export function sample(segments: readonly Segment[], per = 24): Array<{ x: number; y: number }> {
  const out: Array<{ x: number; y: number }> = [];
  for (const s of segments) {
    for (let i = 0; i <= per; i++) {
      const t = i / per;
      if (s.kind === 'line') out.push({ x: s.x1 + (s.x2 - s.x1) * t, y: s.y1 + (s.y2 - s.y1) * t });
      else {
        // The cubic with control points (mid, y1) and (mid, y2).
        const mid = (s.x1 + s.x2) / 2;
        const u = 1 - t;
        out.push({
          x: u ** 3 * s.x1 + 3 * u * u * t * mid + 3 * u * t * t * mid + t ** 3 * s.x2,
          y: u ** 3 * s.y1 + 3 * u * u * t * s.y1 + 3 * u * t * t * s.y2 + t ** 3 * s.y2,
        });
      }
    }
  }
  return out;
}

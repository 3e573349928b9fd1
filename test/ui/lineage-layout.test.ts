/** The lineage graph's layout: edges go around nodes, never behind them, and each has a place for its label. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layout, NODE_H, NODE_W, sample } from '../../ui/src/components/lineage-layout.ts';

/** examples/shop's lineage, as /api/datasets and /api/streams give it. */
const SHOP = {
  nodes: [
    'users',
    'user_events',
    'device_events',
    'web_events',
    'clean_purchases',
    'purchase_items',
    'hourly_sales',
    'daily_sales',
    'user_activity_7d',
    'clean_device_events',
    'device_hourly',
    'web_hourly',
    'sink:daily_sales/sqlite',
  ].map((id) => ({ id })),
  edges: [
    ['user_events', 'clean_purchases', 'same hour'],
    ['clean_purchases', 'purchase_items', 'same hour'],
    ['users', 'purchase_items', 'all, as of its end'],
    ['purchase_items', 'hourly_sales', 'same hour'],
    ['hourly_sales', 'daily_sales', 'hours of the day'],
    ['users', 'user_activity_7d', 'last 7 d'],
    ['user_events', 'user_activity_7d', 'last 7 d'],
    ['device_events', 'clean_device_events', 'same hour'],
    ['clean_device_events', 'device_hourly', 'same hour'],
    ['web_events', 'web_hourly', 'same hour'],
    ['daily_sales', 'sink:daily_sales/sqlite'],
  ].map(([from, to, label]) => ({ from: from as string, to: to as string, label })),
};

describe('the lineage layout', () => {
  it('routes every edge around the nodes it does not connect', () => {
    const { placed, routes } = layout(SHOP.nodes, SHOP.edges);
    for (const route of routes) {
      for (const p of placed) {
        if (p.node.id === route.edge.from || p.node.id === route.edge.to) continue;
        const inside = sample(route.segments).filter((pt) => pt.x > p.x + 1 && pt.x < p.x + NODE_W - 1 && pt.y > p.y + 1 && pt.y < p.y + NODE_H - 1);
        assert.deepEqual(inside, [], `${route.edge.from} → ${route.edge.to} passes behind ${p.node.id}`);
      }
    }
  });

  it('gives an edge that skips a column a slot of its own there: users → purchase_items passes clean_purchases by', () => {
    const { placed, routes } = layout(SHOP.nodes, SHOP.edges);
    const route = routes.find((r) => r.edge.from === 'users' && r.edge.to === 'purchase_items')!;
    assert.deepEqual(
      route.segments.map((s) => s.kind),
      ['curve', 'line', 'curve'],
    );
    const clean = placed.find((p) => p.node.id === 'clean_purchases')!;
    const through = route.segments[1]!;
    assert.equal(through.x1, clean.x, 'it crosses the column of clean_purchases');
    assert.ok(through.y1 < clean.y || through.y1 > clean.y + NODE_H, 'above or below clean_purchases, not through it');
  });

  it('puts each label where its edge enters its target, outside every node, a line apart from the other inputs', () => {
    const { placed, routes } = layout(SHOP.nodes, SHOP.edges);
    for (const r of routes) {
      const target = placed.find((p) => p.node.id === r.edge.to)!;
      assert.ok(r.labelAt.x < target.x && r.labelAt.x > target.x - 120, `${r.edge.from} → ${r.edge.to}`);
      for (const p of placed) assert.ok(!(r.labelAt.x > p.x && r.labelAt.x < p.x + NODE_W && r.labelAt.y > p.y && r.labelAt.y < p.y + NODE_H));
    }
    // The labels of one node's inputs stand a line apart.
    const into = routes.filter((r) => r.edge.to === 'purchase_items').map((r) => r.labelAt.y);
    assert.equal(into.length, 2);
    assert.ok(Math.abs((into[0] as number) - (into[1] as number)) >= 12, `labels at ${into.join(' and ')}`);
  });
});

/** Lineage: streams, datasets and sinks with their health; each node opens its page. */
import { useMemo } from 'react';
import { LineageGraph, type GraphEdge, type GraphNode } from '../components/lineage-graph.tsx';
import { ErrorBox, Loading } from '../components/status.tsx';
import { ago, mappingLabel } from '../format.ts';
import { href } from '../router.ts';
import type { DatasetList, SinkList, StreamList } from '../types.ts';
import { useApi, useNow } from '../use-api.ts';

const REFRESH = 10_000;
const IDLE_MS = 3_600_000;

export function Lineage() {
  const datasets = useApi<DatasetList>('datasets', REFRESH);
  const streams = useApi<StreamList>('streams', REFRESH);
  const sinks = useApi<SinkList>('sinks', REFRESH);
  const now = useNow(REFRESH);

  const graph = useMemo(() => {
    if (!datasets.data || !streams.data) return null;
    const nodes: GraphNode[] = [];
    const edges: GraphEdge[] = [];
    for (const s of streams.data.streams) {
      const idle = !s.lastReceivedAt || now - Date.parse(s.lastReceivedAt) > IDLE_MS;
      nodes.push({
        id: s.name,
        label: s.name,
        kind: 'stream',
        health: idle ? 'idle' : 'ok',
        detail: s.lastReceivedAt ? `received ${ago(s.lastReceivedAt, now)}` : 'no events yet',
        href: href('streams', s.name),
      });
    }
    const sinkState = new Map((sinks.data?.sinks ?? []).map((s) => [`${s.dataset}/${s.sink}`, s]));
    for (const d of datasets.data.datasets) {
      nodes.push({ id: d.name, label: d.name, kind: 'dataset', health: d.health, detail: `${d.grain} · ${d.health}`, href: href('datasets', d.name) });
      for (const input of d.inputMappings) edges.push({ from: input.source, to: d.name, label: mappingLabel(input.mapping, input.grain, d.grain) });
      for (const sink of d.sinks) {
        const id = `sink:${d.name}/${sink.name}`;
        const state = sinkState.get(`${d.name}/${sink.name}`);
        const health = !state ? 'ok' : state.failing > 0 ? 'failed' : state.behind > 0 ? 'stale' : 'ok';
        nodes.push({
          id,
          label: sink.name,
          kind: 'sink',
          health,
          detail: `${sink.kind}${state?.failing ? ` · ${state.failing} failing` : state?.behind ? ` · ${state.behind} behind` : ''}`,
          href: href('datasets', d.name, { tab: 'sinks' }),
        });
        edges.push({ from: d.name, to: id });
      }
    }
    return { nodes, edges };
  }, [datasets.data, streams.data, sinks.data, now]);

  const error = datasets.error ?? streams.error;
  return (
    <div className="page">
      <h1>Lineage</h1>
      <p className="muted">
        Streams on the left, sinks on the right; each edge says how its dataset reads the input. Colours show health: green ok, amber stale, red failed, grey
        idle. Click a node to open it.
      </p>
      {error && <ErrorBox error={error} />}
      {!graph && !error && <Loading what="lineage" />}
      {graph && <LineageGraph nodes={graph.nodes} edges={graph.edges} />}
    </div>
  );
}

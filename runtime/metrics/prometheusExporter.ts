import type * as PromClient from 'prom-client';
import { cacheCounts } from './cacheMetrics.js';
import type { HistogramTally } from './histogramTally.js';
import type { RunTally } from './runTally.js';

/**
 * The Prometheus view of a run: a prom-client registry holding the process's default metrics
 * and one metric per family below, whose values are read from the run's tallies (runTally.ts),
 * the brokers' snapshots and the feeds' health when /metrics is scraped. Label values are node
 * ids, node kinds, source ids, instrument names and cache kinds: bounded by the graph.
 * prom-client is passed in: the caller loads it only when metrics are on.
 */

type Labels = Record<string, string>;
interface Sample {
  labels: Labels;
  value: number;
}

/** Every family hean exports (besides prom-client's process_* and nodejs_* defaults): name, type, labels, help. */
export const METRIC_FAMILIES = [
  ['hean_run_info', 'gauge', 'mode', 'Always 1; labels say what runs (the graph label is on every series).'],
  ['hean_node_events_in_total', 'counter', 'node, kind', 'Events (rows) a node stepped.'],
  ['hean_node_events_out_total', 'counter', 'node, kind', 'Events (rows) a node emitted: the same as in, except for kinds that make their own events (bars from trades).'],
  ['hean_node_errors_total', 'counter', 'node, kind', 'Steps of a node that threw (the run stops at the first).'],
  ['hean_node_step_seconds', 'histogram', 'node, kind', 'Wall time of one kernel step (one released chunk: one event in paper and live runs).'],
  ['hean_chunk_seconds', 'histogram', '', 'Wall time to push one released chunk through the whole graph; _count is the chunks released.'],
  ['hean_feed_events_total', 'counter', 'source', 'Events a live feed delivered (late ones included).'],
  ['hean_feed_lag_seconds', 'histogram', 'source', 'Wall clock at arrival minus the event time (a candle: its close), per event.'],
  ['hean_feed_last_event_timestamp_seconds', 'gauge', 'source', 'Event time of the latest event a feed delivered (time() minus it: how stale the feed is).'],
  ['hean_feed_reconnects_total', 'counter', 'source', 'Connections a feed lost and re-established.'],
  ['hean_feed_pending_entries', 'gauge', 'source', 'Consumer-group feeds: entries delivered and not yet acknowledged (XPENDING), read at scrape time.'],
  ['hean_late_events_dropped_total', 'counter', 'source', 'Events that arrived at or before the clock and were dropped (--late drop).'],
  ['hean_broker_equity', 'gauge', 'node', 'Equity at the latest close (cash + positions at their closes).'],
  ['hean_broker_pnl', 'gauge', 'node', 'Equity minus the starting cash.'],
  ['hean_broker_drawdown_ratio', 'gauge', 'node', 'Current drawdown: (peak equity - equity) / peak equity, 0 at a new high.'],
  ['hean_broker_max_drawdown_ratio', 'gauge', 'node', 'Largest drawdown so far (as in the run summary, as a ratio).'],
  ['hean_broker_exposure_ratio', 'gauge', 'node', 'Gross notional held (|units| x latest close, summed) / equity.'],
  ['hean_broker_position', 'gauge', 'node, instrument', 'Units held per instrument; negative when short.'],
  ['hean_broker_orders_total', 'counter', 'node', 'Orders the broker received.'],
  ['hean_broker_fills_total', 'counter', 'node', 'Fills (a close and the opening of the other side are two).'],
  ['hean_broker_order_rejections_total', 'counter', 'node, reason', 'Orders not executed in full: noBook (no book to meet), leverageCap (cut to fit maxLeverage); live: exchange (refused by the exchange), decidedOnHistory (decided before the run started, not sent), missedWhileDown (decided while a resumed session was down and not found on the exchange: not sent late).'],
  ['hean_broker_trades_total', 'counter', 'node', 'Round trips, the open one included (the summary\'s trades).'],
  ['hean_cache_hits_total', 'counter', 'kind', 'Cache lookups that found their entry (cacheMetrics.ts: what each cache reports).'],
  ['hean_cache_misses_total', 'counter', 'kind', 'Cache lookups that did not.'],
] as const;

type FamilyName = (typeof METRIC_FAMILIES)[number][0];

interface BrokerView {
  equity: number;
  position?: number;
  positions?: Record<string, number>;
  metrics?: { initialCash?: number; maxDrawdownPct?: number; trades?: number };
  peakEquity?: number;
  grossExposure?: number;
  ordersReceived?: number;
  fills?: number;
  rejections?: Record<string, number>;
}

export interface PrometheusView {
  registry: PromClient.Registry;
  /** The exposition text of one scrape (the feeds' health is read first). */
  scrape(): Promise<string>;
}

export function prometheusView(prom: typeof PromClient, tally: RunTally, run: { graph: string; mode: string }): PrometheusView {
  const registry = new prom.Registry();
  registry.setDefaultLabels({ graph: run.graph });
  prom.collectDefaultMetrics({ register: registry });

  // Broker snapshots are read once per scrape (scrape() below), not once per family.
  let brokers: [string, BrokerView][] = [];
  const readBrokers = () => {
    brokers = Object.entries(tally.readSnapshots()).filter(([, v]) => typeof (v as BrokerView | undefined)?.equity === 'number') as [string, BrokerView][];
  };
  const perBroker = (value: (b: BrokerView) => number | undefined): Sample[] =>
    brokers.flatMap(([node, b]) => {
      const v = value(b);
      return v === undefined || Number.isNaN(v) ? [] : [{ labels: { node }, value: v }];
    });
  const node = (n: { node: string; kind: string }) => ({ node: n.node, kind: n.kind });
  const source = (f: { source: string }) => ({ source: f.source });

  const values: Record<FamilyName, () => Sample[] | { labels: Labels; tally: HistogramTally }[]> = {
    hean_run_info: () => [{ labels: { mode: run.mode }, value: 1 }],
    hean_node_events_in_total: () => tally.nodes.map((n) => ({ labels: node(n), value: n.eventsIn })),
    hean_node_events_out_total: () => tally.nodes.map((n) => ({ labels: node(n), value: n.eventsOut })),
    hean_node_errors_total: () => tally.nodes.map((n) => ({ labels: node(n), value: n.errors })),
    hean_node_step_seconds: () => tally.nodes.map((n) => ({ labels: node(n), tally: n.step })),
    hean_chunk_seconds: () => [{ labels: {}, tally: tally.chunk }],
    hean_feed_events_total: () => tally.feeds.map((f) => ({ labels: source(f), value: f.events })),
    hean_feed_lag_seconds: () => tally.feeds.map((f) => ({ labels: source(f), tally: f.lag })),
    hean_feed_last_event_timestamp_seconds: () => tally.feeds.filter((f) => f.lastEventTime === f.lastEventTime).map((f) => ({ labels: source(f), value: f.lastEventTime / 1000 })),
    hean_feed_reconnects_total: () => tally.feeds.filter((f) => f.reconnects !== undefined).map((f) => ({ labels: source(f), value: f.reconnects! })),
    hean_feed_pending_entries: () => tally.feeds.filter((f) => f.pendingEntries !== undefined).map((f) => ({ labels: source(f), value: f.pendingEntries! })),
    hean_late_events_dropped_total: () => tally.feeds.map((f) => ({ labels: source(f), value: f.late })),
    hean_broker_equity: () => perBroker((b) => b.equity),
    hean_broker_pnl: () => perBroker((b) => (b.metrics?.initialCash === undefined ? undefined : b.equity - b.metrics.initialCash)),
    hean_broker_drawdown_ratio: () => perBroker((b) => (b.peakEquity === undefined ? undefined : b.peakEquity > 0 ? Math.max(0, (b.peakEquity - b.equity) / b.peakEquity) : 0)),
    hean_broker_max_drawdown_ratio: () => perBroker((b) => (b.metrics?.maxDrawdownPct === undefined ? undefined : b.metrics.maxDrawdownPct / 100)),
    hean_broker_exposure_ratio: () => perBroker((b) => (b.grossExposure === undefined ? undefined : b.equity > 0 ? b.grossExposure / b.equity : 0)),
    hean_broker_position: () =>
      brokers.flatMap(([id, b]) =>
        b.positions
          ? Object.entries(b.positions).map(([instrument, value]) => ({ labels: { node: id, instrument }, value }))
          : b.position === undefined
            ? []
            : [{ labels: { node: id, instrument: tally.instruments.get(id) ?? id }, value: b.position }],
      ),
    hean_broker_orders_total: () => perBroker((b) => b.ordersReceived),
    hean_broker_fills_total: () => perBroker((b) => b.fills),
    hean_broker_order_rejections_total: () => brokers.flatMap(([id, b]) => Object.entries(b.rejections ?? {}).map(([reason, value]) => ({ labels: { node: id, reason }, value }))),
    hean_broker_trades_total: () => perBroker((b) => b.metrics?.trades),
    hean_cache_hits_total: () => cacheCounts().map((c) => ({ labels: { kind: c.kind }, value: c.hits })),
    hean_cache_misses_total: () => cacheCounts().map((c) => ({ labels: { kind: c.kind }, value: c.misses })),
  };

  for (const [name, type, , help] of METRIC_FAMILIES) {
    const read = values[name];
    registry.registerMetric({
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({ name, help, type, aggregator: 'sum', values: type === 'histogram' ? histogramSamples(name, read() as { labels: Labels; tally: HistogramTally }[]) : (read() as Sample[]) }),
    } as unknown as PromClient.Metric);
  }
  return {
    registry,
    async scrape() {
      await tally.readHealth(1000);
      readBrokers();
      return registry.metrics();
    },
  };
}

/** A histogram's samples as prom-client lays them out: cumulative `_bucket`s with `le`, then `_sum` and `_count`. */
function histogramSamples(name: string, series: { labels: Labels; tally: HistogramTally }[]): (Sample & { metricName: string })[] {
  const out: (Sample & { metricName: string })[] = [];
  for (const { labels, tally } of series) {
    const cumulative = tally.cumulative();
    tally.bounds.forEach((bound, b) => out.push({ metricName: `${name}_bucket`, labels: { le: String(bound), ...labels }, value: cumulative[b] }));
    out.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', ...labels }, value: tally.count });
    out.push({ metricName: `${name}_sum`, labels, value: tally.sum });
    out.push({ metricName: `${name}_count`, labels, value: tally.count });
  }
  return out;
}

import type { FeedHealth, LiveBatch, LiveFeed } from '../adapters/contract.js';
import type { Kernel } from '../defineNode.js';
import type { CompiledNode } from '../graph/compileGraph.js';
import type { Pipeline } from '../exec/pipeline.js';
import { HistogramTally } from './histogramTally.js';
import type { RunMetrics } from './runMetrics.js';

/** Seconds per kernel step (one chunk: one event in paper and live runs). */
export const STEP_BUCKETS = [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 1e-2, 0.1, 1];
/** Seconds from an event's time to its arrival (a candle's close to its delivery: usually well under a second live). */
export const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];

export interface NodeTally {
  node: string;
  kind: string;
  /** Rows the kernel stepped (its timeline's events). */
  eventsIn: number;
  /** Rows it emitted (the same, except for kinds that make their own events: bars from trades). */
  eventsOut: number;
  errors: number;
  step: HistogramTally;
}

export interface FeedTally {
  source: string;
  /** Events delivered by the feed (late ones included). */
  events: number;
  late: number;
  lag: HistogramTally;
  /** Event time (epoch ms) of the latest event delivered. */
  lastEventTime: number;
  health?: () => Promise<FeedHealth>;
  /** The latest health read (at the last scrape). */
  reconnects?: number;
  pendingEntries?: number;
}

/**
 * The counting behind RunMetrics, in plain numbers (no prom-client): kernels, feeds and the
 * pipeline are wrapped so that each step, arrival and released chunk adds to these tallies; an
 * exporter reads them when /metrics is scraped. Times are wall-clock (performance.now for
 * durations, Date.now for lag against event times): operational facts, never inputs of a node.
 */
export class RunTally implements RunMetrics {
  readonly nodes: NodeTally[] = [];
  readonly feeds: FeedTally[] = [];
  /** Seconds to push one released chunk through the whole graph. */
  readonly chunk = new HistogramTally(STEP_BUCKETS);
  /** Broker node id -> its instrument label (sink.broker: the market wire's node). */
  readonly instruments = new Map<string, string>();
  readSnapshots: () => Record<string, unknown> = () => ({});

  constructor(private readonly epochNow: () => number = Date.now) {}

  kernel(node: CompiledNode, inner: Kernel): Kernel {
    const tally: NodeTally = { node: node.id, kind: node.kind, eventsIn: 0, eventsOut: 0, errors: 0, step: new HistogramTally(STEP_BUCKETS) };
    this.nodes.push(tally);
    const market = node.inputs.find((input) => input.port === 'market')?.wires[0];
    if (market) this.instruments.set(node.id, market.node);
    const ownEvents = Boolean(node.def.ownEvents);
    const step = tally.step;
    const wrapped: Kernel = {
      get featureNames() {
        return inner.featureNames;
      },
      step(n, t, inputs, outputs, eventTimes) {
        const start = performance.now();
        let made: void | number;
        try {
          made = inner.step(n, t, inputs, outputs, eventTimes);
        } catch (e) {
          tally.errors++;
          throw e;
        }
        step.observe((performance.now() - start) / 1000);
        tally.eventsIn += n;
        tally.eventsOut += ownEvents ? (typeof made === 'number' ? made : 0) : n;
        return made;
      },
    };
    // Only what the kernel has: runGraph and the CLI test for report/snapshot/end.
    if (inner.end) wrapped.end = () => inner.end!();
    if (inner.report) wrapped.report = () => inner.report!();
    if (inner.snapshot) wrapped.snapshot = () => inner.snapshot!();
    return wrapped;
  }

  feed(source: string, inner: LiveFeed): LiveFeed {
    const tally: FeedTally = { source, events: 0, late: 0, lag: new HistogramTally(LAG_BUCKETS), lastEventTime: NaN, health: inner.health && (() => inner.health!()) };
    this.feeds.push(tally);
    const arrived = (batch: LiveBatch) => {
      const now = this.epochNow();
      for (let i = 0; i < batch.n; i++) tally.lag.observe((now - batch.t[i]) / 1000);
      tally.events += batch.n;
      tally.lastEventTime = batch.t[batch.n - 1];
    };
    const wrapped: LiveFeed = {
      async next() {
        const batch = await inner.next();
        if (batch && batch.n > 0) arrived(batch);
        return batch;
      },
      info: () => inner.info(),
      close: () => inner.close(),
      // A crash-safe session needs to see through the tally to the feed's replay.
      ...(inner.durable ? { durable: inner.durable } : {}),
      ...(inner.refetchable ? { refetchable: inner.refetchable } : {}),
    };
    if (inner.ack) wrapped.ack = (tokens) => inner.ack!(tokens);
    if (inner.health) wrapped.health = () => inner.health!();
    return wrapped;
  }

  pipeline(inner: Pipeline): Pipeline {
    const chunk = this.chunk;
    return {
      sources: inner.sources,
      push(frames) {
        const start = performance.now();
        try {
          inner.push(frames);
        } finally {
          chunk.observe((performance.now() - start) / 1000);
        }
      },
      complete: () => inner.complete(),
      pulseCounts: () => inner.pulseCounts(),
    };
  }

  late(source: string): void {
    const feed = this.feeds.find((f) => f.source === source);
    if (feed) feed.late++;
  }

  snapshots(read: () => Record<string, unknown>): void {
    this.readSnapshots = read;
  }

  /** Reads each feed's health (reconnects, pending entries), waiting at most `timeoutMs` per feed; a feed that fails to answer keeps its previous values. */
  async readHealth(timeoutMs: number): Promise<void> {
    await Promise.all(
      this.feeds.map(async (feed) => {
        if (!feed.health) return;
        let timer: NodeJS.Timeout | undefined;
        try {
          const health = await Promise.race([feed.health(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)))]);
          feed.reconnects = health.reconnects;
          feed.pendingEntries = health.pendingEntries;
        } catch {
          // stale values are better than a failed scrape; the feed's own errors reach the run
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }
}

import type { LiveFeed } from '../adapters/contract.js';
import type { Kernel } from '../defineNode.js';
import type { CompiledNode } from '../graph/compileGraph.js';
import type { Pipeline } from '../exec/pipeline.js';

/**
 * The hooks through which a run reports what monitoring counts (DESIGN.md section 7): runGraph
 * hands each kernel, live feed and the pipeline to them once, before the first event, and may
 * get back a wrapper that counts; nothing else in the runtime knows metrics exist, and nothing
 * here imports prom-client. Without `RunOptions.metrics` runGraph calls none of them, so a run
 * without metrics steps exactly the kernels it would otherwise (zero cost).
 */
export interface RunMetrics {
  /** A node's kernel (brokers included), before the pipeline is built. */
  kernel(node: CompiledNode, kernel: Kernel): Kernel;
  /** A source's live feed, before the live driver reads it. */
  feed(source: string, feed: LiveFeed): LiveFeed;
  /** The pipeline a driver pushes released chunks into. */
  pipeline(pipeline: Pipeline): Pipeline;
  /** The live driver dropped a late event of `source`. */
  late(source: string): void;
  /** Reads every node's `snapshot()` (brokers: equity, positions, order counts), at scrape time. */
  snapshots(read: () => Record<string, unknown>): void;
}

/** Hooks that change nothing (what a run without metrics behaves like). */
export const noRunMetrics: RunMetrics = {
  kernel: (_node, kernel) => kernel,
  feed: (_source, feed) => feed,
  pipeline: (pipeline) => pipeline,
  late: () => {},
  snapshots: () => {},
};

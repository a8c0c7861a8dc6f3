import type { LiveBatch, LiveFeed } from '../adapters/contract.js';
import type { WallClock } from '../adapters/wallClock.js';
import type { CompiledGraph } from '../graph/compileGraph.js';
import { pickRows } from '../records/pickRows.js';
import { nextEventBound, recordFields, type SourceSpec } from '../records/sourceSpec.js';
import { sourceEmitter, type Frame, type Pipeline, type SourceColumns } from './pipeline.js';

/**
 * The live driver: events as they arrive, in chunks of one distinct event time, through the same
 * pipeline as the replay driver. Several feeds are merged by event time: an event at t is
 * released once no feed can still deliver anything at or before t — a feed that has delivered
 * an event at u promises nothing earlier than its next possible time (u + timeframe for candles)
 * — or once it has waited `maxWaitMs` for a quiet feed. The clock never goes backwards: an event
 * at or before the last released time is late, and is dropped and counted, or fails the run.
 */
export interface LiveOptions {
  /** The wall clock (an adapter's): the driver reads no global time itself. */
  clock: WallClock;
  /** Stop once no event has arrived for this long (ms). */
  exitWhenIdleMs?: number;
  /** Stop after this many source events. */
  maxEvents?: number;
  /** Stop (draining what has arrived) when aborted: SIGINT, SIGTERM. */
  signal?: AbortSignal;
  /** Late events: drop and count (default), or fail the run. */
  lateness?: 'drop' | 'fail';
  /** How long an event waits for a quiet feed before it is released anyway (ms). */
  maxWaitMs?: number;
  onLate?: (source: string, t: number, clock: number) => void;
  /** Called after each released chunk (for status lines). */
  onEvents?: (events: number, time: number) => void;
  /** Called when the driver has released what it could and is about to wait (sinks send what they buffered). */
  onCaughtUp?: () => void;
  /** Awaited after each release, before the released events are acknowledged (live brokers: orders sent, fills applied). */
  settle?: () => Promise<void>;
  /**
   * Acknowledges the events processed since the last call, per feed (in feed order), together with
   * whatever must be saved with them, in one atomic step (a checkpoint: runtime/exec/checkpoint.ts);
   * replaces the feeds' own ack. Called only when there is something to acknowledge.
   */
  commit?: (tokens: string[][], at: { events: number; chunks: number; clock: number }) => Promise<void>;
}

export interface LiveStats {
  events: number;
  chunks: number;
  /** Late events dropped, by source id. */
  late: Record<string, number>;
  /** Why the run stopped. */
  stopped: 'ended' | 'idle' | 'max-events' | 'signal';
}

/** Events a feed may hold before the driver stops reading it ahead (backpressure). */
const READ_AHEAD = 8_192;

interface FeedState {
  id: string;
  feed: LiveFeed;
  spec: SourceSpec;
  fields: readonly string[];
  /** Batches received and not yet fully released, oldest first; `head` indexes into the first. */
  batches: { batch: LiveBatch; columns: Float64Array[]; arrived: number }[];
  head: number;
  /** Events queued. */
  queued: number;
  /** Time of the last event queued. */
  last: number;
  /** Nothing earlier than this can still arrive from the feed. */
  bound: number;
  ended: boolean;
  /** Its last read came back empty: the feed itself says nothing is waiting (a slow read that brings events is not idleness). */
  quiet: boolean;
  reading?: Promise<void>;
  staging: SourceColumns;
  stagingColumns: Float64Array[];
  emit: (from: number, to: number, seq: number) => Frame;
  toAck: string[];
}

export async function runLive(pipeline: Pipeline, graph: CompiledGraph, feeds: LiveFeed[], specs: SourceSpec[], options: LiveOptions): Promise<LiveStats> {
  const maxWait = options.maxWaitMs ?? 10_000;
  const states: FeedState[] = pipeline.sources.map((node, s) => {
    const fields = recordFields(specs[s]);
    const staging: SourceColumns = { t: new Float64Array(1), columns: Object.fromEntries(fields.map((f) => [f, new Float64Array(1)])) };
    return {
      id: node.id,
      feed: feeds[s],
      spec: specs[s],
      fields,
      batches: [],
      head: 0,
      queued: 0,
      last: -Infinity,
      bound: -Infinity,
      ended: false,
      quiet: false,
      staging,
      stagingColumns: fields.map((f) => staging.columns[f]),
      emit: sourceEmitter(node, graph, staging, 1),
      toAck: [],
    };
  });
  const stats: LiveStats = { events: 0, chunks: 0, late: {}, stopped: 'ended' };
  let clock = -Infinity;
  let lastArrival = options.clock.now();
  let failure: unknown;
  let wake: (() => void) | undefined;
  /** A read landed since the driver last looked: no need to wait. */
  let landed = false;
  const frames: Frame[] = states.map(() => undefined as never);

  const accept = (state: FeedState, batch: LiveBatch) => {
    if (batch.n === 0) return;
    const now = options.clock.now();
    lastArrival = now;
    // Late events (at or before the clock, or not after the feed's previous event) are cut out.
    let late = 0;
    for (let i = 0; i < batch.n; i++) if (batch.t[i] <= clock || batch.t[i] <= (i > 0 ? batch.t[i - 1] : state.last)) late++;
    if (late > 0) {
      const keep: number[] = [];
      let previous = state.last;
      for (let i = 0; i < batch.n; i++) {
        const t = batch.t[i];
        if (t > clock && t > previous) {
          keep.push(i);
          previous = t;
          continue;
        }
        if (options.lateness === 'fail') throw new Error(`source "${state.id}": event at ${new Date(t).toISOString()} arrived after the clock reached ${new Date(clock).toISOString()}; the run was set to fail on late events (--late drop counts and drops them)`);
        stats.late[state.id] = (stats.late[state.id] ?? 0) + 1;
        options.onLate?.(state.id, t, clock);
        if (batch.tokens) state.toAck.push(batch.tokens[i]); // seen and dropped: never redelivered
      }
      if (!keep.length) return;
      batch = { n: keep.length, t: pickRows(keep, batch.t), columns: Object.fromEntries(state.fields.map((f) => [f, pickRows(keep, batch.columns[f])])), tokens: batch.tokens && keep.map((i) => batch.tokens![i]) };
    }
    state.batches.push({ batch, columns: state.fields.map((f) => batch.columns[f]), arrived: now });
    state.queued += batch.n;
    state.last = batch.t[batch.n - 1];
    state.bound = Math.max(state.bound, nextEventBound(state.spec, state.last));
  };

  const startRead = (state: FeedState) => {
    if (state.ended || state.reading || state.queued >= READ_AHEAD || options.signal?.aborted) return;
    state.reading = state.feed
      .next()
      .then((batch) => {
        if (batch === null) state.ended = true;
        else accept(state, batch);
        state.quiet = batch !== null && batch.n === 0;
      })
      .catch((e) => (failure ??= e))
      .finally(() => {
        state.reading = undefined;
        landed = true;
        wake?.();
      });
  };

  /** Is a feed holding back an event at `next`: nothing queued, not ended, and it could still deliver something at or before `next`? */
  const blocking = (next: number): boolean => {
    for (const s of states) if (!s.ended && s.queued === 0 && s.bound <= next) return true;
    return false;
  };

  /** Releases every event that is safe to release (all of them when draining); returns how many chunks. */
  const release = (draining: boolean): number => {
    let released = 0;
    for (;;) {
      let next = Infinity;
      for (const s of states) if (s.queued > 0 && s.batches[0].batch.t[s.head] < next) next = s.batches[0].batch.t[s.head];
      if (next === Infinity) return released;
      if (!draining && blocking(next)) {
        let oldest = Infinity;
        for (const s of states) if (s.queued > 0 && s.batches[0].batch.t[s.head] === next) oldest = Math.min(oldest, s.batches[0].arrived);
        if (options.clock.now() - oldest < maxWait) return released;
      }
      for (let i = 0; i < states.length; i++) {
        const s = states[i];
        let n = 0;
        if (s.queued > 0 && s.batches[0].batch.t[s.head] === next) {
          const { batch, columns } = s.batches[0];
          const head = s.head;
          s.staging.t[0] = next;
          for (let f = 0; f < columns.length; f++) s.stagingColumns[f][0] = columns[f][head];
          const token = batch.tokens?.[head];
          if (token !== undefined) s.toAck.push(token);
          s.queued--;
          if (head + 1 === batch.n) {
            s.batches.shift();
            s.head = 0;
          } else s.head = head + 1;
          n = 1;
        }
        frames[i] = s.emit(0, n, stats.chunks);
        stats.events += n;
      }
      pipeline.push(frames);
      clock = next;
      stats.chunks++;
      released++;
      options.onEvents?.(stats.events, next);
      if (options.maxEvents !== undefined && stats.events >= options.maxEvents) return released;
    }
  };

  const ackAll = async () => {
    if (options.commit) {
      if (!states.some((s) => s.toAck.length)) return;
      const tokens = states.map((s) => s.toAck);
      for (const s of states) s.toAck = [];
      await options.commit(tokens, { events: stats.events, chunks: stats.chunks, clock });
      return;
    }
    await Promise.all(
      states.map(async (s) => {
        if (!s.toAck.length || !s.feed.ack) return;
        const tokens = s.toAck;
        s.toAck = [];
        await s.feed.ack(tokens);
      }),
    );
  };

  try {
    for (;;) {
      if (failure !== undefined) throw failure;
      for (const s of states) startRead(s);
      const aborted = options.signal?.aborted ?? false;
      // Idle: nothing arrived for the limit and every feed's last read came back empty; a process
      // too busy (other graphs, a loaded machine) to read for a while is not idle.
      const idle = options.exitWhenIdleMs !== undefined && options.clock.now() - lastArrival >= options.exitWhenIdleMs && states.every((s) => s.ended || s.quiet);
      const allEnded = states.every((s) => s.ended && !s.reading);
      const draining = aborted || idle || allEnded;
      if (draining) await Promise.all(states.map((s) => s.reading));
      if (failure !== undefined) throw failure;
      if (release(draining) > 0) options.onCaughtUp?.();
      await options.settle?.();
      await ackAll();
      if (options.maxEvents !== undefined && stats.events >= options.maxEvents) {
        stats.stopped = 'max-events';
        break;
      }
      if (draining) {
        stats.stopped = aborted ? 'signal' : idle && !allEnded ? 'idle' : 'ended';
        break;
      }
      // Wait for a read to land, the abort signal, or the next deadline (a held event's
      // maxWait, the idle limit); polling at most every 50 ms keeps the deadlines honest.
      if (landed) {
        landed = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const cancel = options.clock.timer(50, resolve);
        wake = () => {
          cancel();
          resolve();
        };
        options.signal?.addEventListener('abort', wake, { once: true });
      });
      if (wake) options.signal?.removeEventListener('abort', wake);
      wake = undefined;
      landed = false;
    }
  } finally {
    await Promise.allSettled(states.map((s) => s.reading));
    await Promise.allSettled(states.map((s) => s.feed.close()));
  }
  return stats;
}

import type { WallClock } from '../adapters/wallClock.js';
import type { Claimed, SymbolLeases } from '../adapters/redis/symbolLeases.js';

/**
 * The loop of one process in a partitioned paper run: heartbeat, claim symbols up to its share,
 * run each claimed symbol's graph instance, and give symbols back (done, failed, handed over to
 * rebalance, or on a signal). The Redis side is symbolLeases.ts; how a symbol's instance resumes
 * is resumedInstance.ts; this file only decides when.
 */
export interface PartitionRunOptions<R> {
  leases: SymbolLeases;
  clock: WallClock;
  claimIdleMs: number;
  /** Runs a symbol's instance until it ends or `signal` aborts it; `owns` turns false once a heartbeat is overdue. */
  run(claimed: Claimed, signal: AbortSignal, owns: () => boolean): Promise<R>;
  /** Stop once every symbol is done (instances end when idle): set with --exit-when-idle or --max-events. */
  exitWhenDone: boolean;
  signal?: AbortSignal;
  log(message: string): void;
  /** Errors that mean "this process lost the symbol" rather than "the graph failed". */
  isLost?(error: unknown): boolean;
}

export interface PartitionOutcome<R> {
  /** Symbols this process ran to their end, with their results (a symbol taken up twice keeps its last run, which replayed everything before it). */
  results: Map<string, R>;
  /** Symbols whose run failed here, with the error. */
  failed: Map<string, unknown>;
  /** Symbols this process gave up (rebalance, signal) or lost (a missed heartbeat). */
  handedOver: string[];
  /** Symbols taken over from a holder that stopped heartbeating (or from this name before a restart). */
  takenOver: string[];
  /** Failures reported by any process of the partition, by symbol. */
  partitionFailures: Record<string, string>;
}

interface Held {
  claimed: Claimed;
  stop: AbortController;
  why?: 'rebalance' | 'signal' | 'lost';
  done: Promise<void>;
}

export async function runPartition<R>(options: PartitionRunOptions<R>): Promise<PartitionOutcome<R>> {
  const { leases, clock } = options;
  const beatEvery = Math.max(25, Math.floor(options.claimIdleMs / 4));
  const held = new Map<string, Held>();
  const outcome: PartitionOutcome<R> = { results: new Map(), failed: new Map(), handedOver: [], takenOver: [], partitionFailures: {} };
  let lastBeat = clock.now();
  let first = true;
  let failure: unknown;
  // Self-fencing: with no heartbeat for half the claim time, another process may soon take the
  // symbol; stop acknowledging well before it can.
  const owns = (id: string) => () => held.has(id) && held.get(id)!.why !== 'lost' && clock.now() - lastBeat < options.claimIdleMs / 2;

  const start = (claimed: Claimed) => {
    const stop = new AbortController();
    if (claimed.takenOver) outcome.takenOver.push(claimed.symbol);
    const entry: Held = { claimed, stop, done: Promise.resolve() };
    held.set(claimed.id, entry);
    entry.done = options
      .run(claimed, stop.signal, owns(claimed.id))
      .then(
        async (result) => {
          if (entry.why) {
            outcome.handedOver.push(claimed.symbol);
            if (entry.why !== 'lost') await leases.release(claimed, 'requeue');
            return;
          }
          outcome.results.set(claimed.symbol, result);
          outcome.failed.delete(claimed.symbol);
          await leases.release(claimed, 'done');
        },
        async (error) => {
          if (entry.why === 'lost') return void outcome.handedOver.push(claimed.symbol);
          if (options.isLost?.(error)) {
            // Heartbeats fell behind (a blocked event loop): give it back if it is still ours.
            options.log(`${claimed.symbol}: ${(error as Error).message}`);
            outcome.handedOver.push(claimed.symbol);
            await leases.release(claimed, 'requeue');
            return;
          }
          outcome.failed.set(claimed.symbol, error);
          options.log(`${claimed.symbol}: failed: ${(error as Error).message}`);
          await leases.release(claimed, 'failed', (error as Error).message);
        },
      )
      .catch((e) => (failure ??= e))
      .finally(() => held.delete(claimed.id));
  };

  // Processes started together join before any claims: each then takes its share at once
  // instead of the first taking everything and handing half back (a replay each).
  await new Promise<void>((resolve) => clock.timer(Math.min(beatEvery, 1000), resolve));
  try {
    for (;;) {
      if (failure) throw failure;
      if (options.signal?.aborted) break;
      const lost = await leases.heartbeat([...held.keys()]);
      lastBeat = clock.now();
      for (const id of lost) {
        const h = held.get(id);
        if (!h || h.why) continue;
        options.log(`${h.claimed.symbol}: another process took it over (this one missed its heartbeats); stopping it here`);
        h.why = 'lost';
        h.stop.abort();
      }
      const running = [...held.values()].filter((h) => !h.why);
      const share = leases.share();
      if (running.length > share) {
        // A newcomer joined: hand the most recently claimed symbols back for it to take.
        for (const h of running.slice(share)) {
          options.log(`${h.claimed.symbol}: handing over to rebalance (${held.size} held, share ${share})`);
          h.why = 'rebalance';
          h.stop.abort();
        }
      } else if (running.length < share) {
        for (const claimed of await leases.claim(share - running.length, first)) {
          if (held.has(claimed.id)) continue; // one of ours, idle too long (a blocked event loop): XAUTOCLAIM just renewed it
          options.log(`${claimed.symbol}: claimed${claimed.takenOver ? ' (taken over from a holder that stopped)' : ''}`);
          start(claimed);
        }
      }
      first = false;
      if (options.exitWhenDone && held.size === 0 && (await leases.doneCount()) >= leases.symbolCount) break;
      await new Promise<void>((resolve) => {
        const wake = () => (cancel(), resolve());
        const cancel = clock.timer(beatEvery, () => (options.signal?.removeEventListener('abort', wake), resolve()));
        options.signal?.addEventListener('abort', wake, { once: true });
      });
    }
  } finally {
    for (const h of held.values()) {
      if (h.why) continue;
      h.why = 'signal';
      h.stop.abort();
    }
    // Keep heartbeating while the instances drain, so no other process takes them meanwhile.
    let draining = true;
    const drained = Promise.all([...held.values()].map((h) => h.done)).finally(() => (draining = false));
    while (draining) {
      await Promise.race([drained, new Promise<void>((resolve) => clock.timer(beatEvery, resolve))]);
      if (draining) {
        await leases.heartbeat([...held.keys()]).catch(() => {});
        lastBeat = clock.now();
      }
    }
    await leases.leave().catch(() => {});
  }
  if (failure) throw failure;
  outcome.partitionFailures = await leases.failures();
  return outcome;
}

import { Type } from '@sinclair/typebox';
import type { BrokerAdapter, LiveBatch, SourceAdapter } from '../../adapters/contract.js';
import type { FakeBinance } from './fakeBinance.js';

/**
 * Live runs against the fake exchange with the clocks tied (tests of the live brokers): the
 * fake's market clock follows the graph. A clocked feed moves the clock to a candle's close
 * before handing the candle over, and only once the broker has settled the event before (the
 * live driver reads ahead), so an order decided at a close meets the exchange at the next
 * candle's open: the price a simulated broker (fill: nextOpen) fills at.
 */
export class Pace {
  stepped = -Infinity;
  settled = -Infinity;
  private waiters: { time: number; resolve: () => void }[] = [];
  after(time: number): Promise<void> {
    if (this.settled >= time) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ time, resolve }));
  }
  settle(): void {
    this.settled = this.stepped;
    this.waiters = this.waiters.filter((w) => (w.time <= this.settled ? (w.resolve(), false) : true));
  }
}

/** A real broker adapter whose kernels the pace watches (what they stepped, when they settled). */
export function pacedBroker(real: BrokerAdapter, pace: Pace): BrokerAdapter {
  return {
    ...real,
    async open(params, binding, io, node) {
      const kernel = await real.open(params, binding, io, node);
      const step = kernel.step.bind(kernel);
      const settle = kernel.settle!.bind(kernel);
      kernel.step = (n, t, inputs, outputs) => {
        step(n, t, inputs, outputs);
        if (n > 0) pace.stepped = t[n - 1];
      };
      kernel.settle = async () => {
        await settle();
        pace.settle();
      };
      return kernel;
    },
  };
}

/** Candles as a clocked feed hands them over: event times (closes) and columns. */
export interface PacedBars {
  t: Float64Array;
  columns: Record<string, Float64Array>;
}

/**
 * A live source (`{ clocked: NAME }`, or `{ clocked: true }`) handing over one candle per read,
 * after moving the fake's clock to its close; `bars` gives a binding's candles. Several clocked
 * feeds on one pace move the clock together.
 */
export function clockedFeed(fake: FakeBinance, pace: Pace, bars: (name: string | boolean) => Promise<PacedBars>, onBar?: (k: number) => void): SourceAdapter {
  return {
    role: 'source',
    name: 'clocked',
    key: 'clocked',
    summary: 'test feed',
    binding: Type.Object({ clocked: Type.Union([Type.Boolean(), Type.String()]) }, { additionalProperties: false }),
    example: '{ clocked: true }',
    records: ['candles'],
    async live(binding) {
      const { t, columns } = await bars(binding.clocked as string | boolean);
      let k = 0;
      return {
        async next(): Promise<LiveBatch | null> {
          if (k >= t.length) return null;
          if (k > 0) await pace.after(t[k - 1]);
          fake.advanceTo(t[k]);
          onBar?.(k);
          const batch = { n: 1, t: t.slice(k, k + 1), columns: Object.fromEntries(Object.entries(columns).map(([name, col]) => [name, col.slice(k, k + 1)])) };
          k++;
          return batch;
        },
        info: () => ({ feed: 'clocked' }),
        async close() {},
      };
    },
  };
}

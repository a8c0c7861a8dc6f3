/** An order as a broker records it: when it was decided, its target, and its client order id (paper and live runs). */
export interface DecidedOrder {
  /** Event time of the decision (epoch ms). */
  time: number;
  /** The target it asked for (a fraction of equity, or the portfolio's order unit). */
  target: number;
  /** The instrument of a multi-instrument broker. */
  instrument?: string;
  /** Deterministic id for exchanges (runtime/portfolio/clientOrderId.ts); absent in backtests. */
  clientOrderId?: string;
}

/**
 * The orders a broker decided, the latest `cap` of them, as numbers in a ring (a push costs no
 * allocation on the event path); ids are derived only when the list is read.
 */
export class OrderLog {
  private times: Float64Array;
  private targets: Float64Array;
  private instruments: Float64Array;
  private head = 0;
  private count = 0;
  /** Orders no longer kept (the earliest ones). */
  dropped = 0;

  constructor(private readonly cap = Infinity) {
    const size = Math.min(cap, 64);
    this.times = new Float64Array(size);
    this.targets = new Float64Array(size);
    this.instruments = new Float64Array(size);
  }

  push(time: number, target: number, instrument = 0): void {
    if (this.count === this.times.length && this.count < this.cap) {
      const size = Math.min(this.cap, this.times.length * 2);
      const grow = (a: Float64Array) => {
        const b = new Float64Array(size);
        b.set(a);
        return b;
      };
      this.times = grow(this.times);
      this.targets = grow(this.targets);
      this.instruments = grow(this.instruments);
    }
    if (this.count < this.times.length) {
      this.times[this.count] = time;
      this.targets[this.count] = target;
      this.instruments[this.count] = instrument;
      this.count++;
      return;
    }
    this.times[this.head] = time;
    this.targets[this.head] = target;
    this.instruments[this.head] = instrument;
    this.head = this.head + 1 === this.count ? 0 : this.head + 1;
    this.dropped++;
  }

  /** Oldest first; `names` maps an instrument index to its name (multi-instrument brokers). */
  list(orderId?: (time: number, instrument?: string) => string, names?: readonly string[]): DecidedOrder[] {
    const out: DecidedOrder[] = [];
    for (let k = 0; k < this.count; k++) out.push(this.at((this.head + k) % this.count, orderId, names));
    return out;
  }

  /** The latest order, or null. */
  last(orderId?: (time: number, instrument?: string) => string, names?: readonly string[]): DecidedOrder | null {
    if (this.count === 0) return null;
    return this.at((this.head + this.count - 1) % this.count, orderId, names);
  }

  private at(k: number, orderId: ((time: number, instrument?: string) => string) | undefined, names: readonly string[] | undefined): DecidedOrder {
    const instrument = names ? names[this.instruments[k]] : undefined;
    const time = this.times[k];
    return { time, target: this.targets[k], ...(instrument !== undefined ? { instrument } : {}), ...(orderId ? { clientOrderId: orderId(time, instrument) } : {}) };
  }
}

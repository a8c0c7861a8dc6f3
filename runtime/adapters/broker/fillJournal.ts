/**
 * The journal of the exchange's fills that makes a live broker's session crash-safe
 * (exchangeBroker.ts, exchangePortfolio.ts; runtime/exec/exchangeCheckpoint.ts, checkpoint.ts).
 * A replay of the events cannot rebuild what the exchange filled, so each fill applied to the
 * broker's simulation is recorded with the number of events stepped before it (`bar`) and saved
 * with the checkpoint. A resumed session restores the journal; while its replay steps the events
 * the checkpoint covered again (rebuilding: the broker decides nothing and asks the exchange
 * nothing), each fill is applied again right after the bar it followed, so the rebuilt state
 * equals the checkpoint's.
 */
export class FillJournal<F extends { bar: number }> {
  /** Events stepped. */
  bars = 0;
  fills: F[] = [];
  /** A resumed session: the events its replay rebuilds, and the next journalled fill to apply again. */
  private replayUntil = 0;
  private next = 0;

  /** A resumed session's replay is still stepping the events its checkpoint covered. */
  get rebuilding(): boolean {
    return this.bars < this.replayUntil;
  }

  /** A fill applied now, journalled after the events stepped so far. */
  record(fill: Omit<F, 'bar'>): void {
    this.fills.push({ bar: this.bars, ...fill } as F);
  }

  /**
   * After a step of `n` events; while rebuilding, `apply` gets the fills that were applied after
   * these events before the crash (live runs step one event at a time), in their order.
   */
  stepped(n: number, apply: (fill: F) => void): void {
    const rebuilding = this.rebuilding;
    this.bars += n;
    if (!rebuilding) return;
    const fills = this.fills;
    while (this.next < fills.length && fills[this.next].bar <= this.bars) apply(fills[this.next++]);
  }

  /** A resumed session: the checkpoint's journal, replayed over its first `bars` events. */
  restore(fills: F[], bars: number): void {
    this.fills = fills;
    this.replayUntil = bars;
    this.next = 0;
  }
}

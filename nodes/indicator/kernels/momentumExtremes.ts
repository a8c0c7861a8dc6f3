/**
 * Rolling highest / lowest value of the last `window` pushes and the position of the bar holding
 * it, the way TA-Lib's WILLR, AROON and AROONOSC find them: keep the extreme and its index, compare
 * each new value with it, and rescan the window only when the extreme leaves it. Values are kept
 * in a ring (O(window) memory). The rescan is O(window) but rare on market data (measured faster
 * than a monotonic deque, whose pops mispredict), and following TA-Lib step by step gives its
 * results exactly, NaN handling and tie rule included.
 *
 * Usage: `const hi = new RollingHighest(n, strictRescan); hi.push(x);` then, once `hi.count >=
 * n`, `hi.value` (the highest of the last n pushes) and `hi.index` (0-based push number of the
 * bar holding it). A new value equal to the extreme takes it over (TA-Lib's `>=` / `<=`); on a
 * rescan equal values take it over too unless `strictRescan` (WILLR compares with `>` / `<`
 * there, AROON with `>=` / `<=`; the value is the same, the index and so the next rescan differ).
 * RollingLowest is the same for the lowest value.
 */

export class RollingHighest {
  /** Highest value of the last `window` pushes (valid once count >= window). */
  value = 0.0;
  /** Push number (0-based) of the bar holding `value`; -1 before the first full window. */
  index = -1;
  /** Pushes so far. */
  count = 0;
  private readonly ring: Float64Array;
  private slot = 0; // ring slot of the next push; the slot of push j is j mod window

  constructor(
    readonly window: number,
    readonly strictRescan = false,
  ) {
    this.ring = new Float64Array(window);
  }

  push(x: number): void {
    const w = this.window;
    const ring = this.ring;
    const today = this.count;
    let slot = this.slot;
    ring[slot] = x;
    slot = slot + 1 === w ? 0 : slot + 1; // now the slot of the oldest value of the window
    this.slot = slot;
    this.count = today + 1;
    if (today < w - 1) return;
    const trailing = today - w + 1;
    if (this.index < trailing) {
      // The extreme left the window (or there was none yet): rescan it, oldest first.
      let extreme = ring[slot];
      let index = trailing;
      let s = slot;
      for (let i = trailing + 1; i <= today; i++) {
        s = s + 1 === w ? 0 : s + 1;
        const v = ring[s];
        if (this.strictRescan ? v > extreme : v >= extreme) {
          extreme = v;
          index = i;
        }
      }
      this.value = extreme;
      this.index = index;
    } else if (x >= this.value) {
      this.value = x;
      this.index = today;
    }
  }
}

export class RollingLowest {
  /** Lowest value of the last `window` pushes (valid once count >= window). */
  value = 0.0;
  /** Push number (0-based) of the bar holding `value`; -1 before the first full window. */
  index = -1;
  /** Pushes so far. */
  count = 0;
  private readonly ring: Float64Array;
  private slot = 0; // ring slot of the next push; the slot of push j is j mod window

  constructor(
    readonly window: number,
    readonly strictRescan = false,
  ) {
    this.ring = new Float64Array(window);
  }

  push(x: number): void {
    const w = this.window;
    const ring = this.ring;
    const today = this.count;
    let slot = this.slot;
    ring[slot] = x;
    slot = slot + 1 === w ? 0 : slot + 1; // now the slot of the oldest value of the window
    this.slot = slot;
    this.count = today + 1;
    if (today < w - 1) return;
    const trailing = today - w + 1;
    if (this.index < trailing) {
      // The extreme left the window (or there was none yet): rescan it, oldest first.
      let extreme = ring[slot];
      let index = trailing;
      let s = slot;
      for (let i = trailing + 1; i <= today; i++) {
        s = s + 1 === w ? 0 : s + 1;
        const v = ring[s];
        if (this.strictRescan ? v < extreme : v <= extreme) {
          extreme = v;
          index = i;
        }
      }
      this.value = extreme;
      this.index = index;
    } else if (x <= this.value) {
      this.value = x;
      this.index = today;
    }
  }
}

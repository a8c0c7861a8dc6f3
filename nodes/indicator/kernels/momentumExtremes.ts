/**
 * Rolling highest / lowest value of the last `window` pushes, with the position of the latest
 * bar holding it, in O(1) amortised time and O(window) memory (a monotonic deque in a ring).
 * Among equal extremes the latest wins, which is what TA-Lib's AROON keeps (it compares with
 * `>=` / `<=`); values equal TA-Lib's WILLR / AROON "keep the index, rescan when it leaves the
 * window" trick exactly on finite inputs. A NaN in the window makes the result unspecified until
 * it leaves the window (TA-Lib's is too); after that it is exact again.
 */

export class RollingHighest {
  /** Highest value of the window after the last push. */
  value = 0.0;
  /** Push number (0-based) of the latest bar holding `value`. */
  index = 0;
  /** Pushes so far. */
  count = 0;
  private readonly values: Float64Array;
  private readonly positions: Float64Array;
  private head = 0; // ring slot of the front (the extreme)
  private tail = 0; // ring slot after the back
  private size = 0;

  constructor(readonly window: number) {
    this.values = new Float64Array(window);
    this.positions = new Float64Array(window);
  }

  push(x: number): void {
    const cap = this.window;
    const values = this.values;
    const positions = this.positions;
    const pos = this.count;
    // Drop the front if it left the window (at most one per push).
    if (this.size > 0 && positions[this.head] <= pos - cap) {
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
      this.size--;
    }
    // Drop from the back everything not above x: the latest of equal values is kept.
    let tail = this.tail;
    while (this.size > 0) {
      const back = tail === 0 ? cap - 1 : tail - 1;
      if (values[back] <= x) {
        tail = back;
        this.size--;
      } else break;
    }
    values[tail] = x;
    positions[tail] = pos;
    this.tail = tail + 1 === cap ? 0 : tail + 1;
    this.size++;
    if (this.size === 1) this.head = tail;
    this.value = values[this.head];
    this.index = positions[this.head];
    this.count = pos + 1;
  }
}

export class RollingLowest {
  /** Lowest value of the window after the last push. */
  value = 0.0;
  /** Push number (0-based) of the latest bar holding `value`. */
  index = 0;
  /** Pushes so far. */
  count = 0;
  private readonly values: Float64Array;
  private readonly positions: Float64Array;
  private head = 0;
  private tail = 0;
  private size = 0;

  constructor(readonly window: number) {
    this.values = new Float64Array(window);
    this.positions = new Float64Array(window);
  }

  push(x: number): void {
    const cap = this.window;
    const values = this.values;
    const positions = this.positions;
    const pos = this.count;
    if (this.size > 0 && positions[this.head] <= pos - cap) {
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
      this.size--;
    }
    let tail = this.tail;
    while (this.size > 0) {
      const back = tail === 0 ? cap - 1 : tail - 1;
      if (values[back] >= x) {
        tail = back;
        this.size--;
      } else break;
    }
    values[tail] = x;
    positions[tail] = pos;
    this.tail = tail + 1 === cap ? 0 : tail + 1;
    this.size++;
    if (this.size === 1) this.head = tail;
    this.value = values[this.head];
    this.index = positions[this.head];
    this.count = pos + 1;
  }
}

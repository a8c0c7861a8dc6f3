/**
 * Rolling highest / lowest value of the last `window` pushes, with the position of the latest
 * bar holding it, in O(1) amortised time and O(window) memory (a monotonic deque in a ring).
 * Among equal extremes the latest wins, which is what TA-Lib's AROON keeps (it compares with
 * `>=` / `<=`); values equal TA-Lib's WILLR / AROON "keep the index, rescan when it leaves the
 * window" trick exactly on finite inputs. A NaN in the window makes the result unspecified until
 * it leaves the window (TA-Lib's is too); after that it is exact again.
 *
 * Usage: `const hi = new RollingHighest(n); hi.push(x);` then `hi.value` (the highest of the last
 * n pushes, fewer before n pushes), `hi.index` (0-based push number of the latest bar holding it)
 * and `hi.count` (pushes so far). RollingLowest is the same for the lowest value.
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
    let head = this.head;
    let tail = this.tail;
    let size = this.size;
    // Drop the front if it left the window (at most one per push).
    if (size > 0 && positions[head] <= pos - cap) {
      head = head + 1 === cap ? 0 : head + 1;
      size--;
    }
    // Drop from the back every value not above x: the latest of equal values is kept.
    while (size > 0) {
      const back = tail === 0 ? cap - 1 : tail - 1;
      if (values[back] <= x) {
        tail = back;
        size--;
      } else break;
    }
    if (size === 0) head = tail;
    values[tail] = x;
    positions[tail] = pos;
    this.tail = tail + 1 === cap ? 0 : tail + 1;
    this.head = head;
    this.size = size + 1;
    this.value = values[head];
    this.index = positions[head];
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
    let head = this.head;
    let tail = this.tail;
    let size = this.size;
    // Drop the front if it left the window (at most one per push).
    if (size > 0 && positions[head] <= pos - cap) {
      head = head + 1 === cap ? 0 : head + 1;
      size--;
    }
    // Drop from the back every value not below x: the latest of equal values is kept.
    while (size > 0) {
      const back = tail === 0 ? cap - 1 : tail - 1;
      if (values[back] >= x) {
        tail = back;
        size--;
      } else break;
    }
    if (size === 0) head = tail;
    values[tail] = x;
    positions[tail] = pos;
    this.tail = tail + 1 === cap ? 0 : tail + 1;
    this.head = head;
    this.size = size + 1;
    this.value = values[head];
    this.index = positions[head];
    this.count = pos + 1;
  }
}

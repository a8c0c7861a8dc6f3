/**
 * The exact median of a fixed set of slots whose values change one at a time (NaN = the slot is empty and not counted).
 *
 * Two heaps split the present values: `low`, a max-heap of the smaller half, and `high`, a min-heap of the larger half
 * with 0 or 1 more values once balanced, so the median is high's top (odd count) or the mean of both tops (even count) — the same
 * numbers a sorted copy would give. Each heap entry remembers its slot and each slot its heap position, so setting a
 * slot updates its value where it sits (or moves it to the other half): O(log n) per change instead of O(n) for a merge.
 * `low` stores negated values so both heaps are min-heaps (negation is exact, so tops come back bit for bit).
 */
export class SlotMedian {
  private readonly low: SlotHeap;
  private readonly high: SlotHeap;
  /** Per slot: +1 in high, -1 in low, 0 empty. */
  private readonly where: Int8Array;

  constructor(slots: number) {
    this.low = new SlotHeap(slots);
    this.high = new SlotHeap(slots);
    this.where = new Int8Array(slots);
  }

  /**
   * Gives `slot` the value v (NaN empties it). The halves may then be out of balance (never out of order): call
   * `balance()` after a batch of changes and before `median()`, so opposite moves cancel instead of costing a pop each.
   */
  set(slot: number, v: number): void {
    const low = this.low;
    const high = this.high;
    const where = this.where[slot];
    if (v === v) {
      // A value that may stay in its half is updated in place (one sift, no move between halves).
      if (where === -1 && (high.size === 0 || v <= high.topKey())) return low.update(slot, -v);
      if (where === 1 && (low.size === 0 || v >= -low.topKey())) return high.update(slot, v);
    }
    if (where === 1) high.remove(slot);
    else if (where === -1) low.remove(slot);
    if (v !== v) {
      this.where[slot] = 0;
    } else if (low.size > 0 && v <= -low.topKey()) {
      low.push(slot, -v);
      this.where[slot] = -1;
    } else {
      high.push(slot, v);
      this.where[slot] = 1;
    }
  }

  /** Moves tops between the halves until high holds as many values as low or one more. */
  balance(): void {
    const low = this.low;
    const high = this.high;
    while (low.size > high.size) {
      const moved = low.topSlot();
      high.push(moved, -low.pop());
      this.where[moved] = 1;
    }
    while (high.size > low.size + 1) {
      const moved = high.topSlot();
      low.push(moved, -high.pop());
      this.where[moved] = -1;
    }
  }

  /** The median of the present values; NaN when there are none. */
  median(): number {
    const n = this.low.size + this.high.size;
    if (n === 0) return NaN;
    return n & 1 ? this.high.topKey() : (-this.low.topKey() + this.high.topKey()) / 2;
  }
}

/** A binary min-heap of (key, slot) with each slot's position, for removal of any slot in O(log n). */
class SlotHeap {
  size = 0;
  private readonly keys: Float64Array;
  private readonly slots: Int32Array;
  private readonly position: Int32Array;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
    this.position = new Int32Array(capacity);
  }

  topKey(): number {
    return this.keys[0];
  }

  topSlot(): number {
    return this.slots[0];
  }

  push(slot: number, key: number): void {
    this.siftUp(this.size++, slot, key);
  }

  /** Removes the top and returns its key. */
  pop(): number {
    const key = this.keys[0];
    this.removeAt(0);
    return key;
  }

  /** Gives the entry of `slot` a new key. */
  update(slot: number, key: number): void {
    const at = this.position[slot];
    if (at > 0 && key < this.keys[(at - 1) >> 1]) this.siftUp(at, slot, key);
    else this.siftDown(at, slot, key);
  }

  remove(slot: number): void {
    this.removeAt(this.position[slot]);
  }

  private removeAt(at: number): void {
    const last = --this.size;
    if (at === last) return;
    // The last entry fills the hole, then moves up or down to where it belongs.
    const slot = this.slots[last];
    const key = this.keys[last];
    if (at > 0 && key < this.keys[(at - 1) >> 1]) this.siftUp(at, slot, key);
    else this.siftDown(at, slot, key);
  }

  private siftUp(at: number, slot: number, key: number): void {
    const keys = this.keys;
    const slots = this.slots;
    const position = this.position;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const pk = keys[parent];
      if (!(key < pk)) break;
      keys[at] = pk;
      slots[at] = slots[parent];
      position[slots[at]] = at;
      at = parent;
    }
    keys[at] = key;
    slots[at] = slot;
    position[slot] = at;
  }

  private siftDown(at: number, slot: number, key: number): void {
    const keys = this.keys;
    const slots = this.slots;
    const position = this.position;
    const size = this.size;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && keys[child + 1] < keys[child]) child++;
      const ck = keys[child];
      if (!(ck < key)) break;
      keys[at] = ck;
      slots[at] = slots[child];
      position[slots[at]] = at;
      at = child;
    }
    keys[at] = key;
    slots[at] = slot;
    position[slot] = at;
  }
}

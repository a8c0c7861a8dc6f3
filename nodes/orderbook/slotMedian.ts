/**
 * The exact median of a fixed set of slots whose values change one at a time (NaN = the slot is empty and not counted).
 *
 * Two heaps split the present values: `low`, a max-heap of the smaller half, and `high`, a min-heap of the larger half
 * with 0 or 1 more values, so the median is high's top (odd count) or the mean of both tops (even count) — the same
 * numbers a sorted copy would give. Each heap entry remembers its slot and each slot its heap position, so setting a
 * slot removes its old value where it sits and inserts the new one: O(log n) per change instead of O(n) for a merge.
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

  /** Gives `slot` the value v (NaN empties it). */
  set(slot: number, v: number): void {
    const where = this.where[slot];
    if (where === 1) this.high.remove(slot);
    else if (where === -1) this.low.remove(slot);
    if (v === v) {
      if (this.low.size > 0 && v <= -this.low.topKey()) {
        this.low.push(slot, -v);
        this.where[slot] = -1;
      } else {
        this.high.push(slot, v);
        this.where[slot] = 1;
      }
    } else {
      this.where[slot] = 0;
    }
    // Rebalance to high.size - low.size in {0, 1}; one move suffices after one removal and one insertion.
    if (this.low.size > this.high.size) {
      const moved = this.low.topSlot();
      this.high.push(moved, -this.low.pop());
      this.where[moved] = 1;
    } else if (this.high.size > this.low.size + 1) {
      const moved = this.high.topSlot();
      this.low.push(moved, -this.high.pop());
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

/**
 * The wall clock, for the live driver's waiting and idle rules only (never for event times,
 * which come from the data). Monotonic, so a system clock change cannot reorder anything.
 */
export interface WallClock {
  now(): number;
  /** Calls `done` after `ms`; returns a cancel function. */
  timer(ms: number, done: () => void): () => void;
}

export const wallClock: WallClock = {
  now: () => performance.now(),
  timer(ms, done) {
    const handle = setTimeout(done, ms);
    return () => clearTimeout(handle);
  },
};

/**
 * The wall clock, for the live driver's waiting and idle rules only (never for event times,
 * which come from the data). Monotonic, so a system clock change cannot reorder anything.
 */
export const wallClock = { now: (): number => performance.now() };

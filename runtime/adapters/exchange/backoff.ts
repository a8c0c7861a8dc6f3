/**
 * Exponential backoff between reconnect attempts: 250 ms, 500 ms, 1 s, ... up to 30 s, back to
 * the start once a message arrives. Counted, so the run summary says how often a feed dropped.
 */
export class Backoff {
  /** Consecutive failures since the last message. */
  failures = 0;
  /** Reconnects over the feed's life. */
  reconnects = 0;

  constructor(
    private readonly firstMs = 250,
    private readonly maxMs = 30_000,
  ) {}

  /** A failure: the wait before the next attempt (ms). */
  fail(): number {
    this.failures++;
    this.reconnects++;
    return Math.min(this.maxMs, this.firstMs * 2 ** (this.failures - 1));
  }

  /** A message arrived: the connection works again. */
  ok(): void {
    this.failures = 0;
  }
}

/** Waits `ms`, or less when `stop` resolves first. */
export function pause(ms: number, stop: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), stop]).finally(() => clearTimeout(timer));
}

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

/**
 * A feed's watch loop: calls `receive` (which awaits the stream's next message) until stopped;
 * a failure waits its backoff and tries again, logged. `claim` sees an error first and may take
 * it: 'handled' (go on at once) or 'stop' (end the loop).
 */
export class StreamWatcher {
  readonly backoff = new Backoff();
  /** Resolves when the feed is stopped (pauses end early). */
  readonly stopped: Promise<void>;
  private stopping!: () => void;
  private loop: Promise<void> = Promise.resolve();
  private isClosed = false;

  constructor(
    private readonly exchange: { id: string; close(): Promise<void> },
    private readonly log: (message: string) => void,
    private readonly where: string,
  ) {
    this.stopped = new Promise<void>((resolve) => (this.stopping = resolve));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Starts the loop; `what` names the stream in messages ("book stream"). */
  start(what: string, receive: () => Promise<void>, claim?: (e: Error) => 'handled' | 'stop' | undefined): void {
    this.loop = (async () => {
      while (!this.isClosed) {
        try {
          await receive();
          this.backoff.ok();
        } catch (e) {
          if (this.isClosed) return;
          const claimed = claim?.(e as Error);
          if (claimed === 'stop') return;
          if (claimed === 'handled') continue;
          const wait = this.backoff.fail();
          this.log(`${this.where}: ${this.exchange.id} ${what} failed (${(e as Error).message}); reconnecting in ${wait} ms (attempt ${this.backoff.failures}, ${this.backoff.reconnects} reconnects so far)`);
          await pause(wait, this.stopped);
        }
      }
    })();
  }

  /** Stops the loop and closes the exchange's connections; resolves once the loop has ended. */
  async stop(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.stopping();
    await this.exchange.close().catch(() => {});
    await this.loop;
  }
}

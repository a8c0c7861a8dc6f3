/**
 * Events a websocket loop produced and the live driver has not taken yet: next() hands over
 * everything queued, or waits up to `waitMs` for something (an empty batch then lets the driver
 * check its idle and stop rules); a failure of the loop surfaces on the next take.
 */
export class EventQueue<T> {
  private items: T[] = [];
  private waiter: (() => void) | undefined;
  private failure: unknown;

  push(...items: T[]): void {
    this.items.push(...items);
    this.waiter?.();
  }

  fail(error: unknown): void {
    this.failure ??= error;
    this.waiter?.();
  }

  async take(waitMs: number): Promise<T[]> {
    if (!this.items.length && this.failure === undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    if (this.failure !== undefined) throw this.failure;
    const items = this.items;
    this.items = [];
    return items;
  }
}

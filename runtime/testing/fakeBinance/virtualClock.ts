/**
 * The fake exchange's clock: recorded market time that runs `speed` times faster than the wall
 * clock (speed 60 = one recorded minute per wall second), or stands still until a test moves it
 * (`manual`), so tests decide exactly which events exist before and after a step.
 */
export interface VirtualClockOptions {
  /** Market time at start (epoch ms). */
  start: number;
  /** Market ms per wall ms (default 1: real time). Ignored when manual. */
  speed?: number;
  /** Market time moves only through advance() / advanceTo(). */
  manual?: boolean;
}

export class VirtualClock {
  private readonly startMarket: number;
  private readonly startWall: number;
  private readonly speed: number;
  readonly manual: boolean;
  /** Added by advance() (both modes: a running clock can be pushed ahead too). */
  private offset = 0;
  /** Never report an earlier time than before: the clock never goes backwards. */
  private last = -Infinity;

  constructor(options: VirtualClockOptions) {
    if (!Number.isFinite(options.start)) throw new Error(`clock start is ${options.start}; expected epoch milliseconds`);
    const speed = options.speed ?? 1;
    if (!(speed > 0 && Number.isFinite(speed))) throw new Error(`clock speed is ${speed}; expected a positive number (market ms per wall ms)`);
    this.startMarket = options.start;
    this.startWall = performance.now();
    this.speed = speed;
    this.manual = options.manual ?? false;
  }

  /** Market time now (integer epoch ms). */
  now(): number {
    const elapsed = this.manual ? 0 : (performance.now() - this.startWall) * this.speed;
    this.last = Math.max(this.last, Math.floor(this.startMarket + this.offset + elapsed));
    return this.last;
  }

  /** Moves market time ahead by `ms`. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`cannot advance the clock by ${ms} ms; the clock never goes backwards`);
    this.offset += ms;
  }

  /** Moves market time ahead to `time` (no effect when it is already there). */
  advanceTo(time: number): void {
    const now = this.now();
    if (time > now) this.advance(time - now);
  }
}

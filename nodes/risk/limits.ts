import { Type } from '@sinclair/typebox';
import { defineNode, type Kernel, type ParamProblem } from '../../runtime/defineNode.js';
import { TIMEFRAME_PATTERN, timeframeMs } from '../../runtime/data/timeframe.js';
import { port } from '../../runtime/ports.js';

const DAY = 86_400_000;

export type RiskRule = 'maxPosition' | 'dailyLoss' | 'drawdown' | 'maxOrders';

/** A breach: when, which rule, what it saw, and what it did to the orders. */
export interface RiskBreach {
  time: number;
  rule: RiskRule;
  detail: string;
  /** The order the rule changed (NaN: none at that event), and what was sent instead (NaN: nothing). */
  order: number;
  sent: number;
}

export interface RiskReport {
  kind: 'risk';
  /** Breaches by rule (every one), and the first ones in full. */
  counts: Record<RiskRule, number>;
  /** Orders held back while blocked, and orders cut to maxPosition. */
  ordersBlocked: number;
  ordersCut: number;
  breaches: RiskBreach[];
  breachesDropped: number;
}

const MAX_LISTED = 1000;

const params = Type.Object(
  {
    maxPosition: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 125, description: 'Largest target, as a fraction of equity (either side); a larger order is cut to it.' })),
    dailyLossPct: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'Daily loss stop: when equity falls this many % below its value at the start of the UTC day, flatten and block new exposure until the next day. Needs the equity input.' })),
    drawdownPct: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'Drawdown circuit breaker: when equity falls this many % below its running peak, flatten and block new exposure for coolDown; the peak then restarts from the equity at that time. Needs the equity input.' })),
    coolDown: Type.String({ pattern: TIMEFRAME_PATTERN, default: '1d', description: 'How long the drawdown breaker blocks (12h, 1d, 1w).' }),
    maxOrders: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'At most this many orders that add or change exposure in any window of `per`; more are dropped (orders to go flat always pass).' })),
    per: Type.String({ pattern: TIMEFRAME_PATTERN, default: '1d', description: 'The rolling window of maxOrders.' }),
    resume: Type.Boolean({ default: true, description: 'When a block lifts, send the latest order it held back (the strategy\'s current target); false: wait for the next order.' }),
  },
  { additionalProperties: false },
);

export const limits = defineNode({
  kind: 'risk.limits',
  summary: 'Risk limits between the sizer and the broker: position cap, daily loss stop, drawdown circuit breaker with cool-down, order rate; each breach reported.',
  description:
    'Reads the orders (targets as fractions of equity) and, for the equity rules, the broker\'s equity as of the previous event ' +
    '(`equity: broker.equity@prev`: the only cycle a graph may hold, run event by event). Per event, in this order: ' +
    'maxPosition cuts |target| to the cap. dailyLossPct: the day\'s reference is the equity at its first event (a bar belongs ' +
    'to the UTC day holding its close - 1 ms); when equity falls dailyLossPct % below it, the node sends 0 (flatten) if its ' +
    'last sent target was not 0, and holds back every order but 0 until the next UTC day. drawdownPct: when equity falls ' +
    'drawdownPct % below its running peak (since the start, or since the last cool-down ended), the same, for coolDown; then ' +
    'the peak restarts from the equity at that event. maxOrders: at most maxOrders orders other than 0 in any window of `per` ' +
    '(ending at the event); beyond, they are dropped. An order to go flat always passes. When a block lifts, the latest order ' +
    'held back is sent (resume: true). Each breach (when, which rule, what it saw, the order it changed and what it sent) goes ' +
    'to the run summary and report; `blocked` is 1 while a stop or breaker holds.',
  params,
  inputs: {
    orders: port.orders({ description: 'The sized orders.' }),
    equity: port.number({ optional: true, description: "The broker's equity as of the previous event (broker.equity@prev), for dailyLossPct and drawdownPct." }),
  },
  outputs: {
    orders: port.orders({ description: 'The orders that pass, cut or held back; 0 when a stop or breaker flattens.' }),
    blocked: port.number({ description: '1 while the daily loss stop or the drawdown breaker holds, else 0.' }),
  },
  defaultOutput: 'orders',
  warmup: () => 0,
  check: (p, graph) => {
    const problems: ParamProblem[] = [];
    const equityRules = p.dailyLossPct !== undefined || p.drawdownPct !== undefined;
    if (equityRules && graph && !graph.wiredInputs.has('equity')) problems.push({ path: [p.dailyLossPct !== undefined ? 'dailyLossPct' : 'drawdownPct'], message: 'the daily loss stop and the drawdown breaker read equity; wire equity: <broker>.equity@prev (the broker\'s equity as of the previous event)' });
    if (!equityRules && graph?.wiredInputs.has('equity')) problems.push({ path: [], severity: 'warning', code: 'param/unused', message: 'the equity input is wired but no rule reads it (dailyLossPct, drawdownPct)' });
    if (p.maxPosition === undefined && !equityRules && p.maxOrders === undefined) problems.push({ path: [], severity: 'warning', code: 'risk/no-rule', message: 'no rule is set: the orders pass unchanged; set maxPosition, dailyLossPct, drawdownPct or maxOrders' });
    return problems;
  },
  create: (p) => new RiskLimits(p),
});

type Params = {
  maxPosition?: number;
  dailyLossPct?: number;
  drawdownPct?: number;
  coolDown: string;
  maxOrders?: number;
  per: string;
  resume: boolean;
};

class RiskLimits implements Kernel<{ orders: Float64Array; equity?: Float64Array }, { orders: Float64Array; blocked: Float64Array }> {
  private readonly coolDownMs: number;
  private readonly perMs: number;
  private day = NaN;
  private dayStart = NaN;
  private peak = NaN;
  /** Blocked until this time (exclusive): by the daily stop (next day) or the breaker (cool-down). */
  private blockedUntil = -Infinity;
  private blockedBy: RiskRule | null = null;
  private lastSent = 0;
  private heldBack = NaN;
  /** Times of the recent orders counted by maxOrders (a ring would do; orders are rare). */
  private readonly recent: number[] = [];
  private readonly report_: RiskReport = { kind: 'risk', counts: { maxPosition: 0, dailyLoss: 0, drawdown: 0, maxOrders: 0 }, ordersBlocked: 0, ordersCut: 0, breaches: [], breachesDropped: 0 };

  constructor(private readonly p: Params) {
    this.coolDownMs = timeframeMs(p.coolDown);
    this.perMs = timeframeMs(p.per);
  }

  step(n: number, t: Float64Array, inputs: { orders: Float64Array; equity?: Float64Array }, out: { orders: Float64Array; blocked: Float64Array }): void {
    const { orders, equity } = inputs;
    const p = this.p;
    for (let i = 0; i < n; i++) {
      const time = t[i];
      let order = orders[i];
      let sent = NaN;
      const e = equity ? equity[i] : NaN;
      // The block ends first (a new day, or the cool-down is over): the held-back order goes out.
      if (this.blockedBy !== null && time >= this.blockedUntil) {
        this.blockedBy = null;
        if (p.resume && this.heldBack === this.heldBack && order !== order) order = this.heldBack;
        this.heldBack = NaN;
        if (p.drawdownPct !== undefined) this.peak = e;
      }
      if (e === e) {
        const day = Math.floor((time - 1) / DAY);
        if (day !== this.day) {
          this.day = day;
          this.dayStart = e;
        }
        if (!(this.peak >= e)) this.peak = e;
        if (this.blockedBy === null) {
          if (p.dailyLossPct !== undefined && e < this.dayStart * (1 - p.dailyLossPct / 100)) {
            this.block('dailyLoss', (day + 1) * DAY + 1, time, `equity ${e.toFixed(2)} is ${(100 * (1 - e / this.dayStart)).toFixed(2)} % below the day's start ${this.dayStart.toFixed(2)} (limit ${p.dailyLossPct} %)`, order);
          } else if (p.drawdownPct !== undefined && e < this.peak * (1 - p.drawdownPct / 100)) {
            this.block('drawdown', time + this.coolDownMs, time, `equity ${e.toFixed(2)} is ${(100 * (1 - e / this.peak)).toFixed(2)} % below its peak ${this.peak.toFixed(2)} (limit ${p.drawdownPct} %); blocked for ${p.coolDown}`, order);
          }
          if (this.blockedBy !== null) {
            // Flatten at the breach, if anything was on.
            if (order === order && order !== 0) this.heldBack = order;
            sent = this.lastSent !== 0 ? 0 : NaN;
            order = NaN;
          }
        }
      }
      if (order === order) {
        if (this.blockedBy !== null && order !== 0) {
          this.heldBack = order;
          this.report_.ordersBlocked++;
        } else {
          if (p.maxPosition !== undefined && Math.abs(order) > p.maxPosition) {
            const cut = Math.sign(order) * p.maxPosition;
            this.breach('maxPosition', time, `target ${order} beyond ${p.maxPosition}`, order, cut);
            this.report_.ordersCut++;
            order = cut;
          }
          if (p.maxOrders !== undefined && order !== 0) {
            const from = time - this.perMs;
            while (this.recent.length && this.recent[0] <= from) this.recent.shift();
            if (this.recent.length >= p.maxOrders) {
              this.breach('maxOrders', time, `${this.recent.length} orders in the last ${p.per} (limit ${p.maxOrders})`, order, NaN);
              order = NaN;
            } else this.recent.push(time);
          }
          sent = order;
        }
      }
      if (sent === sent) this.lastSent = sent;
      out.orders[i] = sent;
      out.blocked[i] = this.blockedBy !== null ? 1 : 0;
    }
  }

  private block(rule: RiskRule, until: number, time: number, detail: string, order: number): void {
    this.blockedBy = rule;
    this.blockedUntil = until;
    this.breach(rule, time, detail, order, this.lastSent !== 0 ? 0 : NaN);
  }

  private breach(rule: RiskRule, time: number, detail: string, order: number, sent: number): void {
    const r = this.report_;
    r.counts[rule]++;
    if (r.breaches.length < MAX_LISTED) r.breaches.push({ time, rule, detail, order, sent });
    else r.breachesDropped++;
  }

  report(): RiskReport {
    return { ...this.report_, counts: { ...this.report_.counts }, breaches: this.report_.breaches.slice() };
  }
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limits, type RiskReport } from './limits.js';
import { compileParams } from '../../runtime/params.js';
import { runEveryChunking, same } from '../../runtime/testing/chunkings.js';
import { testContext } from '../../runtime/testing/runKernel.js';

const H = 3_600_000;
const N = NaN;
const f = (xs: number[]) => Float64Array.from(xs);
/** Hourly events closing at hour `first + i` (event i's close; hour 24 closes day 0's last bar). */
const hours = (n: number, first = 1) => Float64Array.from({ length: n }, (_, i) => (first + i) * H);

/** The outputs at every chunking (checked equal), and the report of a whole run. */
function run(params: Record<string, unknown>, orders: number[], equity?: number[], t = hours(orders.length)) {
  const inputs: Record<string, Float64Array> = { orders: f(orders) };
  if (equity) inputs.equity = f(equity);
  const out = runEveryChunking(limits, params, inputs, [1, 2, 3, 7], t);
  const kernel = limits.create!(compileParams(limits).parse(params) as never, testContext('risk.limits'));
  const n = orders.length;
  kernel.step(n, t, inputs as never, { orders: new Float64Array(n), blocked: new Float64Array(n) });
  return { orders: [...out.orders], blocked: [...out.blocked], report: kernel.report!() as RiskReport };
}

test('risk.limits maxPosition: a larger target is cut to the cap, either side; smaller ones and 0 pass', () => {
  const r = run({ maxPosition: 0.5 }, [N, 1, N, -0.8, 0.3, 0, N]);
  same(r.orders, [N, 0.5, N, -0.5, 0.3, 0, N]);
  assert.equal(r.report.counts.maxPosition, 2);
  assert.equal(r.report.ordersCut, 2);
  assert.deepEqual(r.report.breaches.map((b) => [b.time, b.order, b.sent]), [[2 * H, 1, 0.5], [4 * H, -0.8, -0.5]]);
});

test('risk.limits dailyLossPct: 5 % below the day\'s first equity flattens and holds orders back until the next UTC day, then resumes', () => {
  // Events close at 01:00 .. 23:00, 00:00 (day 0's last bar), 01:00 of day 1 ...; equity as of the previous event.
  const orders = [1, N, N, N, N, 0.5, N, ...Array(17).fill(N), N];
  const equity = [N, 100, 98, 96, 94.9, 94, 95, ...Array(17).fill(95), 96];
  const r = run({ dailyLossPct: 5 }, orders, equity);
  // Day 0 starts at the first equity (100, event 1). Event 4 sees 94.9 < 95: flat (the last sent was 1);
  // event 5's 0.5 is held back; event 23 closes at 00:00, still day 0; event 24 (01:00) is day 1: 0.5 goes out.
  same(r.orders, [1, N, N, N, 0, N, N, ...Array(17).fill(N), 0.5]);
  same(r.blocked, [0, 0, 0, 0, 1, 1, 1, ...Array(17).fill(1), 0]);
  assert.equal(r.report.counts.dailyLoss, 1);
  assert.equal(r.report.ordersBlocked, 1);
  assert.equal(r.report.breaches[0].time, 5 * H);
  assert.match(r.report.breaches[0].detail, /5\.10 % below the day's start 100\.00/);
  // resume: false waits for the next order
  same(run({ dailyLossPct: 5, resume: false }, orders, equity).orders, [1, N, N, N, 0, N, N, ...Array(17).fill(N), N]);
});

test('risk.limits drawdownPct: below the running peak, flat for the cool-down; then the peak restarts from the equity then', () => {
  //            0    1    2    3    4    5    6    7    8    9
  const orders = [1, N, N, N, N, 1, N, N, N, N];
  const equity = [N, 100, 120, 101, 95, 90, 90, 91, 80, 79];
  // peak 120 at event 2; event 3: 101 > 96 (20 % below 120): no; event 4: 95 < 96: flatten, blocked 3h (events 5, 6 at +1h, +2h).
  // Event 7 (3h later): the block lifts, the held-back 1 goes out, the peak restarts at 91; event 8: 80 > 72.8: no breach.
  const r = run({ drawdownPct: 20, coolDown: '3h' }, orders, equity);
  same(r.orders, [1, N, N, N, 0, N, N, 1, N, N]);
  same(r.blocked, [0, 0, 0, 0, 1, 1, 1, 0, 0, 0]);
  assert.equal(r.report.counts.drawdown, 1);
  // Without the restart the old peak (120) would breach again at 80:
  same(run({ drawdownPct: 20, coolDown: '3h' }, orders, [N, 100, 120, 101, 95, 90, 90, 91, 72, 72]).orders, [1, N, N, N, 0, N, N, 1, 0, N]);
});

test('risk.limits maxOrders: at most n orders other than 0 in any window of `per`; orders to go flat always pass', () => {
  const orders = [1, -1, 1, 0, 1, N, N, 1];
  // per 3h: events at 1h..8h. 1h, 2h pass; 3h: 2 in (0h, 3h] -> dropped; 4h: 0 passes; 5h: window (2h, 5h] holds 2h -> 1 in it: passes; 8h: passes.
  const r = run({ maxOrders: 2, per: '3h' }, orders);
  same(r.orders, [1, -1, N, 0, 1, N, N, 1]);
  assert.equal(r.report.counts.maxOrders, 1);
});

test('risk.limits params: equity rules need the equity wire; an equity wire without them, or no rule at all, is flagged', () => {
  const check = (p: Record<string, unknown>, wired: string[]) => limits.check!(compileParams(limits).parse(p) as never, { wiredInputs: new Set(wired) });
  assert.match(check({ dailyLossPct: 5 }, ['orders'])[0].message, /equity@prev/);
  assert.equal(check({ dailyLossPct: 5 }, ['orders', 'equity']).length, 0);
  assert.equal(check({ maxPosition: 1 }, ['orders', 'equity'])[0].code, 'param/unused');
  assert.equal(check({}, ['orders'])[0].code, 'risk/no-rule');
  const v = compileParams(limits).validate;
  assert.deepEqual(v({ coolDown: '7d', per: '1h', maxOrders: 3 }), []);
  assert.notDeepEqual(v({ coolDown: '7 days' }), []);
  assert.notDeepEqual(v({ drawdownPct: 0 }), []);
  assert.notDeepEqual(v({ maxOrders: 1.5 }), []);
});

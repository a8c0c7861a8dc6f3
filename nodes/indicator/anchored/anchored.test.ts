/**
 * The anchored indicators on hand-worked cases (the published formulas worked out by hand in the
 * comments) and, for pivots, on real data against a plain daily grouping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realCandles } from '../../../runtime/testing/realCandles.js';
import { runKernel } from '../../../runtime/testing/runKernel.js';
import { opening_range } from './opening_range.js';
import { pivots } from './pivots.js';
import { volume_profile } from './volume_profile.js';
import { vwap } from '../overlap/vwap.js';

const H = 3_600_000;
const DAY1 = Date.parse('2024-01-01T00:00:00Z'); // a Monday

/** Day 1: three 8h bars closing 08:00, 16:00 and 24:00 (O 100, H 120, L 90, C 96); day 2: two bars. */
const t = Float64Array.from([8, 16, 24, 32, 40], (h) => DAY1 + h * H);
const open = Float64Array.from([100, 105, 115, 96, 99]);
const high = Float64Array.from([110, 120, 118, 101, 104]);
const low = Float64Array.from([95, 100, 90, 94, 97]);
const close = Float64Array.from([105, 115, 96, 99, 103]);

function levelsAt(method: string, row: number, extra: Record<string, unknown> = {}) {
  const out = runKernel(pivots, { method, ...extra }, { open, high, low, close }, { t, chunkSize: 2 });
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v[row]]));
}

function near(got: Record<string, number>, want: Record<string, number>) {
  for (const [k, v] of Object.entries(want)) {
    if (Number.isNaN(v)) assert.ok(Number.isNaN(got[k]), `${k}: ${got[k]}, expected none`);
    else assert.ok(Math.abs(got[k] - v) < 1e-9, `${k}: ${got[k]}, expected ${v}`);
  }
}

test('pivots: day 1 has no levels; day 2 gets the five methods from day 1 (H 120, L 90, C 96, O 100), worked by hand', () => {
  for (let row = 0; row < 3; row++) assert.ok(Number.isNaN(levelsAt('classic', row).pivot), 'no complete period yet');
  // P = (120 + 90 + 96) / 3 = 102; R1 = 204 - 90; S1 = 204 - 120; R2/S2 = 102 +- 30; R3 = 120 + 2 * 12; S3 = 90 - 2 * 18.
  near(levelsAt('classic', 3), { pivot: 102, r1: 114, s1: 84, r2: 132, s2: 72, r3: 144, s3: 54, r4: NaN, s4: NaN });
  near(levelsAt('classic', 4), { pivot: 102, r3: 144 });
  // 0.382 * 30 = 11.46, 0.618 * 30 = 18.54.
  near(levelsAt('fibonacci', 3), { pivot: 102, r1: 113.46, r2: 120.54, r3: 132, s1: 90.54, s2: 83.46, s3: 72, r4: NaN });
  // 1.1 * 30 = 33: C +- 2.75, 5.5, 8.25, 16.5.
  near(levelsAt('camarilla', 3), { pivot: 102, r1: 98.75, r2: 101.5, r3: 104.25, r4: 112.5, s1: 93.25, s2: 90.5, s3: 87.75, s4: 79.5 });
  // P = (120 + 90 + 192) / 4 = 100.5.
  near(levelsAt('woodie', 3), { pivot: 100.5, r1: 111, s1: 81, r2: 130.5, s2: 70.5, r3: NaN, s3: NaN });
  // C 96 < O 100: X = 120 + 180 + 96 = 396.
  near(levelsAt('demark', 3), { pivot: 99, r1: 108, s1: 78, r2: NaN, s2: NaN });
});

test("pivots: the bar closing at midnight belongs to its day; a session from 16:00 UTC regroups the bars", () => {
  // With days from 16:00, the bars closing 08:00 and 16:00 make one session (O 100, H 120, L 95, C 115):
  // the bar closing at 24:00 opens the next one, with P = (120 + 95 + 115) / 3 = 110.
  assert.ok(Number.isNaN(levelsAt('classic', 1, { sessionStart: '16:00' }).pivot));
  near(levelsAt('classic', 2, { sessionStart: '16:00' }), { pivot: 110 });
  // Weekly: the whole data is one week (Monday 1 Jan 2024): no complete period.
  assert.ok(Number.isNaN(levelsAt('classic', 4, { anchor: 'W' }).pivot));
});

test('pivots on real 1h bars equal the classic pivot of the previous UTC day, grouped plainly', () => {
  const c = realCandles(2000);
  const closes = Float64Array.from(c.time, (x) => x + H);
  const out = runKernel(pivots, {}, { open: c.open, high: c.high, low: c.low, close: c.close }, { t: closes, chunkSize: 333 });
  const days = new Map<number, { h: number; l: number; c: number }>();
  for (let i = 0; i < c.time.length; i++) {
    const day = Math.floor(c.time[i] / (24 * H));
    const d = days.get(day);
    if (d) {
      d.h = Math.max(d.h, c.high[i]);
      d.l = Math.min(d.l, c.low[i]);
      d.c = c.close[i];
    } else days.set(day, { h: c.high[i], l: c.low[i], c: c.close[i] });
  }
  const order = [...days.keys()];
  let checked = 0;
  for (let i = 0; i < c.time.length; i++) {
    const k = order.indexOf(Math.floor(c.time[i] / (24 * H)));
    if (k === 0) {
      assert.ok(Number.isNaN(out.pivot[i]));
      continue;
    }
    const prev = days.get(order[k - 1])!;
    assert.ok(Math.abs(out.pivot[i] - (prev.h + prev.l + prev.c) / 3) < 1e-9 * prev.c, `row ${i}`);
    checked++;
  }
  assert.ok(checked > 1900);
});

test('volume profile: point of control and value area of the previous day, worked by hand', () => {
  // Day 1: bar A 100..110 volume 10 (2 per row of 2), bar B 102..104 volume 6 (all in row 1): rows [2, 8, 2, 2, 2].
  // POC row 1: 103. Value area 70% of 16 = 11.2: 8, + row 2 (tie, above first) = 10, + row 3 = 12: rows 1..3, 102..108.
  const tt = Float64Array.from([12, 24, 36], (h) => DAY1 + h * H);
  const out = runKernel(volume_profile, { rows: 5 }, { high: Float64Array.from([110, 104, 200]), low: Float64Array.from([100, 102, 190]), volume: Float64Array.from([10, 6, 1]) }, { t: tt, chunkSize: 1 });
  assert.ok(Number.isNaN(out.poc[0]) && Number.isNaN(out.poc[1]));
  assert.deepEqual([out.poc[2], out.vah[2], out.val[2]], [103, 108, 102]);
});

test('opening range: the first two hours, known from the bar that completes them; a missing bar ends the range early', () => {
  const tt = Float64Array.from([1, 2, 3, 25, 27], (h) => DAY1 + h * H);
  const out = runKernel(opening_range, { minutes: 120 }, { high: Float64Array.from([5, 7, 9, 50, 60]), low: Float64Array.from([1, 3, 0, 40, 30]) }, { t: tt, chunkSize: 7 });
  // Day 1: bars closing 01:00 and 02:00 make the range (7, 1), known at 02:00. Day 2: the 02:00 bar is missing,
  // so the bar closing 03:00 completes the range with the 01:00 bar alone (50, 40), without itself.
  assert.deepEqual(Array.from(out.high), [NaN, 7, 7, NaN, 50]);
  assert.deepEqual(Array.from(out.low), [NaN, 1, 1, NaN, 40]);
});

test('session VWAP: with days from 16:00 UTC the sums restart at the bar closing at midnight, worked by hand', () => {
  const volume = Float64Array.from([1, 2, 3, 4, 5]);
  const out = runKernel(vwap, { sessionStart: '16:00' }, { high, low, close, volume }, { t, chunkSize: 1 }).value;
  // Session 1 (bars closing 08:00 and 16:00): typical prices 310/3 and 335/3, volumes 1 and 2.
  assert.ok(Math.abs(out[1] - (310 / 3 + (335 / 3) * 2) / 3) < 1e-9);
  // Session 2 starts at the bar closing 24:00 (typical price 304/3), then 294/3 with volume 4.
  assert.ok(Math.abs(out[2] - 304 / 3) < 1e-9);
  assert.ok(Math.abs(out[3] - ((304 / 3) * 3 + (294 / 3) * 4) / 7) < 1e-9);
  // The calendar day instead: the bar closing 24:00 still belongs to day 1.
  const daily = runKernel(vwap, {}, { high, low, close, volume }, { t, chunkSize: 2 }).value;
  assert.ok(Math.abs(daily[2] - (310 / 3 + (335 / 3) * 2 + (304 / 3) * 3) / 6) < 1e-9);
  assert.ok(Math.abs(daily[3] - 294 / 3) < 1e-9);
});

import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { anchorParam, periodOf, sessionOffsetMs, sessionStartParam } from '../kernels/anchor.js';

const METHODS = ['classic', 'fibonacci', 'camarilla', 'woodie', 'demark'] as const;
type Method = (typeof METHODS)[number];

const LEVELS = ['pivot', 'r1', 'r2', 'r3', 'r4', 's1', 's2', 's3', 's4'] as const;

/**
 * Levels from the previous period's open, high, low, close, into out (in LEVELS order; NaN for a
 * level the method does not define). The floor-trader formulas as published (e.g. ActionForex's
 * "Pivot Point Formulas", the same on every pivot calculator).
 */
function levels(method: Method, o: number, h: number, l: number, c: number, out: Float64Array): void {
  out.fill(NaN);
  const range = h - l;
  if (method === 'demark') {
    const x = c < o ? h + 2 * l + c : c > o ? 2 * h + l + c : h + l + 2 * c;
    out[0] = x / 4;
    out[1] = x / 2 - l;
    out[5] = x / 2 - h;
    return;
  }
  const p = method === 'woodie' ? (h + l + 2 * c) / 4 : (h + l + c) / 3;
  out[0] = p;
  if (method === 'classic' || method === 'woodie') {
    out[1] = 2 * p - l;
    out[5] = 2 * p - h;
    out[2] = p + range;
    out[6] = p - range;
    if (method === 'classic') {
      out[3] = h + 2 * (p - l);
      out[7] = l - 2 * (h - p);
    }
  } else if (method === 'fibonacci') {
    out[1] = p + 0.382 * range;
    out[2] = p + 0.618 * range;
    out[3] = p + range;
    out[5] = p - 0.382 * range;
    out[6] = p - 0.618 * range;
    out[7] = p - range;
  } else {
    const k = range * 1.1;
    out[1] = c + k / 12;
    out[2] = c + k / 6;
    out[3] = c + k / 4;
    out[4] = c + k / 2;
    out[5] = c - k / 12;
    out[6] = c - k / 6;
    out[7] = c - k / 4;
    out[8] = c - k / 2;
  }
}

export const pivots = defineNode({
  kind: 'indicator.pivots',
  summary: "Floor-trader pivot points (classic, Fibonacci, Camarilla, Woodie, DeMark) from the previous day's, week's or month's open, high, low and close.",
  description:
    'At every event, the levels of the current period computed from the previous complete period (UTC day, week ' +
    'from Monday or month, optionally starting at `sessionStart`): H, L, C, O = its highest high, lowest low, last ' +
    'close, first open. classic: P = (H + L + C) / 3, R1 = 2P - L, S1 = 2P - H, R2 = P + (H - L), S2 = P - (H - L), ' +
    'R3 = H + 2(P - L), S3 = L - 2(H - P). fibonacci: P as classic, R/S 1..3 = P +- 0.382, 0.618, 1.000 (H - L). ' +
    'camarilla: P as classic, R/S 1..4 = C +- 1.1 (H - L) / 12, 6, 4, 2. woodie: P = (H + L + 2C) / 4, R1, S1, R2, ' +
    'S2 as classic from that P. demark: X = H + 2L + C if C < O, 2H + L + C if C > O, else H + L + 2C; P = X / 4, ' +
    'R1 = X / 2 - L, S1 = X / 2 - H. Levels a method does not define are NaN. The formulas as published by ' +
    'floor-trader references (e.g. ActionForex, "Pivot Point Formulas"). A bar belongs to the period in which it ' +
    'closes; the levels switch at the first event of a new period, so they are known before any bar of the period ' +
    'trades (causal). NaN until a first complete period has passed; a period seen only in part (the start of the ' +
    'data, or a gap) still counts, with the bars it has.',
  params: Type.Object(
    {
      method: Type.Union(METHODS.map((m) => Type.Literal(m)), { default: 'classic', description: 'Which formulas: classic, fibonacci, camarilla, woodie, demark.' }),
      anchor: anchorParam('D'),
      sessionStart: sessionStartParam(),
    },
    { additionalProperties: false },
  ),
  inputs: { open: port.number(), high: port.number(), low: port.number(), close: port.number() },
  outputs: Object.fromEntries(LEVELS.map((name) => [name, port.number({ description: name === 'pivot' ? 'The pivot P.' : `Level ${name.toUpperCase()} (NaN where the method has none).` })])) as Record<(typeof LEVELS)[number], ReturnType<typeof port.number>>,
  create: ({ method, anchor, sessionStart }) => {
    const offset = sessionOffsetMs(sessionStart);
    const current = new Float64Array(LEVELS.length).fill(NaN);
    let period = NaN;
    let o = NaN;
    let h = -Infinity;
    let l = Infinity;
    let c = NaN;
    return {
      step(n, t, { open, high, low, close }, outputs) {
        const columns = LEVELS.map((name) => outputs[name]);
        for (let i = 0; i < n; i++) {
          const p = periodOf(t[i], anchor, offset);
          if (p !== period) {
            if (period === period) levels(method, o, h, l, c, current);
            period = p;
            o = open[i];
            h = -Infinity;
            l = Infinity;
          }
          if (high[i] > h) h = high[i];
          if (low[i] < l) l = low[i];
          c = close[i];
          for (let k = 0; k < columns.length; k++) columns[k][i] = current[k];
        }
      },
    };
  },
});

import { Type } from '@sinclair/typebox';
import { defineNode } from '../../../runtime/defineNode.js';
import { port } from '../../../runtime/ports.js';
import { anchorParam, periodOf, sessionOffsetMs, sessionStartParam } from '../kernels/anchor.js';

/**
 * The profile of one period: its range cut into `rows` equal rows, each bar's volume spread over
 * the rows its high-low range covers in proportion to the overlap (all of it into one row when
 * high = low). Point of control: the middle of the row with the most volume (the lowest such row
 * on a tie). Value area: from that row, add the next row above or below, whichever holds more
 * volume (above on a tie), until it holds valueArea of the total; its top and bottom edges.
 */
function profile(highs: Float64Array, lows: Float64Array, volumes: Float64Array, count: number, rows: number, valueArea: number, volume: Float64Array, out: Float64Array): void {
  let top = -Infinity;
  let bottom = Infinity;
  for (let i = 0; i < count; i++) {
    if (highs[i] > top) top = highs[i];
    if (lows[i] < bottom) bottom = lows[i];
  }
  volume.fill(0);
  const height = (top - bottom) / rows;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const v = volumes[i];
    if (!(v > 0)) continue;
    total += v;
    const hi = highs[i];
    const lo = lows[i];
    if (!(height > 0) || hi === lo) {
      volume[height > 0 ? Math.min(rows - 1, Math.floor((hi - bottom) / height)) : 0] += v;
      continue;
    }
    const first = Math.min(rows - 1, Math.floor((lo - bottom) / height));
    const last = Math.min(rows - 1, Math.floor((hi - bottom) / height));
    for (let r = first; r <= last; r++) {
      const overlap = Math.min(hi, bottom + (r + 1) * height) - Math.max(lo, bottom + r * height);
      if (overlap > 0) volume[r] += (v * overlap) / (hi - lo);
    }
  }
  if (!(total > 0) || !Number.isFinite(top)) {
    out.fill(NaN);
    return;
  }
  let poc = 0;
  for (let r = 1; r < rows; r++) if (volume[r] > volume[poc]) poc = r;
  let low = poc;
  let high = poc;
  let inside = volume[poc];
  while (inside < valueArea * total && (low > 0 || high < rows - 1)) {
    const above = high < rows - 1 ? volume[high + 1] : -1;
    const below = low > 0 ? volume[low - 1] : -1;
    if (above >= below) inside += volume[++high];
    else inside += volume[--low];
  }
  const edge = (r: number) => (height > 0 ? bottom + r * height : bottom);
  out[0] = height > 0 ? bottom + (poc + 0.5) * height : bottom;
  out[1] = edge(high + 1);
  out[2] = edge(low);
}

export const volume_profile = defineNode({
  kind: 'indicator.volume_profile',
  summary: "The previous day's (week's, month's) volume profile: point of control and value area high and low.",
  description:
    'Per anchor period (UTC day, week from Monday, month; optionally from `sessionStart`), the period\'s price range ' +
    'is cut into `rows` equal rows and each bar\'s volume is spread over the rows its high-low range covers, in ' +
    'proportion to the overlap (a bar with high = low puts it in one row). poc = the middle of the row with the most ' +
    'volume (the lowest on a tie); the value area grows from that row one row at a time, taking the neighbour above ' +
    'or below with more volume (above on a tie), until it holds `valueArea` of the volume (70% by the Market Profile ' +
    'convention); vah / val = its top and bottom edges. The levels of the previous complete period are output at ' +
    'every event of the current one (causal: a developing profile would be recomputed every bar; this one is known ' +
    'when the period opens). NaN until a first period has completed, or when a period had no volume. pandas-ta\'s ' +
    '`vp` is a different tool (bins of close over the whole series, not causal): not offered.',
  params: Type.Object(
    {
      anchor: anchorParam('D'),
      sessionStart: sessionStartParam(),
      rows: Type.Integer({ minimum: 2, maximum: 1000, default: 24, description: 'Number of price rows the period\'s range is cut into.' }),
      valueArea: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.7, description: 'Share of the period\'s volume inside the value area.' }),
    },
    { additionalProperties: false },
  ),
  inputs: { high: port.number(), low: port.number(), volume: port.number() },
  outputs: {
    poc: port.number({ description: "Point of control of the previous period: middle of its highest-volume row." }),
    vah: port.number({ description: 'Value area high of the previous period.' }),
    val: port.number({ description: 'Value area low of the previous period.' }),
  },
  create: ({ anchor, sessionStart, rows, valueArea }) => {
    const offset = sessionOffsetMs(sessionStart);
    const levels = new Float64Array(3).fill(NaN);
    const rowVolume = new Float64Array(rows);
    let highs = new Float64Array(64);
    let lows = new Float64Array(64);
    let volumes = new Float64Array(64);
    let count = 0;
    let period = NaN;
    return {
      step(n, t, { high, low, volume }, { poc, vah, val }) {
        for (let i = 0; i < n; i++) {
          const p = periodOf(t[i], anchor, offset);
          if (p !== period) {
            if (count > 0) profile(highs, lows, volumes, count, rows, valueArea, rowVolume, levels);
            period = p;
            count = 0;
          }
          if (high[i] === high[i] && low[i] === low[i]) {
            if (count === highs.length) {
              const grow = (a: Float64Array) => {
                const b = new Float64Array(a.length * 2);
                b.set(a);
                return b;
              };
              highs = grow(highs);
              lows = grow(lows);
              volumes = grow(volumes);
            }
            highs[count] = high[i];
            lows[count] = low[i];
            volumes[count] = volume[i];
            count++;
          }
          poc[i] = levels[0];
          vah[i] = levels[1];
          val[i] = levels[2];
        }
      },
    };
  },
});

import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { TIMEFRAME_PATTERN, timeframeMs } from '../../runtime/data/timeframe.js';
import { port } from '../../runtime/ports.js';

/** 1970-01-05T00:00Z, the first Monday after the epoch: weeks are aligned to it, as Binance's 1w candles are. */
const MONDAY_MS = 4 * 86_400_000;

/** Where buckets of `timeframe` are anchored: Mondays for weeks, the epoch otherwise. */
export function bucketAnchor(timeframe: string): number {
  return timeframe.endsWith('w') ? MONDAY_MS : 0;
}

/** The bar length of a candles wire when its producer says it statically (a source's or a resample's timeframe, time bars' interval). */
function producerTimeframe(producer: { kind: string; params: Readonly<Record<string, unknown>> }): string | undefined {
  const p = producer.params;
  if (producer.kind === 'source.candles' || producer.kind === 'aggregate.resample') return typeof p.timeframe === 'string' ? p.timeframe : undefined;
  if (producer.kind === 'aggregate.bars' && p.type === 'time') return typeof p.interval === 'string' ? p.interval : undefined;
  return undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

function gcd(a: number, b: number): number {
  while (b > 0) [a, b] = [b, a % b];
  return a;
}

export const resample = defineNode({
  kind: 'aggregate.resample',
  summary: 'Candles of a higher timeframe (1h to 4h, 1d, 1w) built causally from lower ones: one event per higher bar, when it closes.',
  description:
    'open = the first bar\'s open, high = max, low = min, close = the last bar\'s close, volume = the sum. `time` is ' +
    'the bucket\'s open time; buckets are aligned to UTC epoch multiples of `timeframe` (a 4h bar opens at 00:00, ' +
    '04:00 ... UTC, a 1d bar at 00:00 UTC), weeks (`1w`) to Mondays 00:00 UTC as Binance\'s are. A higher bar is an ' +
    'event only when it closes: at the event of the input bar that ends its bucket (the first input whose event time ' +
    'is at or after the bucket\'s end), with that input\'s event time, which is the bucket\'s close for complete ' +
    'data. Gaps: a bucket whose last input bars are missing closes when the first bar of a later bucket arrives, at ' +
    'that bar\'s event time (later than the bucket\'s end, never earlier), unless that bar also ends its own bucket ' +
    '(then two bars would share one event time, and the incomplete one is dropped and counted); buckets without any ' +
    'input bar make no bar; ' +
    'a bucket with missing input bars (at the start of the data too) is still emitted, and such buckets are counted ' +
    'in one warning at the end of the run (resample/incomplete). A bucket still open at the end of the data is not ' +
    'emitted: partial bars never leak. The input timeframe must divide `timeframe`: checked when the graph compiles ' +
    'if the producer says it (source.candles, aggregate.resample, aggregate.bars of type time), else at run time from ' +
    'the spacing of the input\'s open times (their gaps\' greatest common divisor, judged from the fourth bar on; the run ' +
    'stops with an error). An input bar that arrives after its bucket ' +
    'was emitted (out of order) is dropped and counted in the same warning.',
  params: Type.Object(
    {
      timeframe: Type.String({ pattern: TIMEFRAME_PATTERN, description: 'The higher bar length: 15m, 1h, 4h, 1d, 1w ... (a multiple of the input\'s).' }),
    },
    { additionalProperties: false },
  ),
  exampleParams: { timeframe: '4h' },
  inputs: { candles: port.candles({ description: 'The lower-timeframe candles (source.candles, aggregate.bars of type time, another resample).' }) },
  outputs: {
    candles: port.candles({ description: 'The closed higher bar: bucket open time, open, high, low, close, volume.' }),
    open: port.number({ description: 'Open of the first input bar of the bucket.' }),
    high: port.number({ description: 'Highest high of the bucket.' }),
    low: port.number({ description: 'Lowest low of the bucket.' }),
    close: port.number({ description: 'Close of the last input bar of the bucket.' }),
    volume: port.number({ description: 'Summed volume of the bucket.' }),
  },
  defaultOutput: 'candles',
  ownEvents: true,
  warmup: () => 0,
  eventSpan: (p, producers) => {
    const spans = (producers.candles ?? []).map((producer) => {
      const tf = producerTimeframe(producer);
      return tf === undefined ? undefined : timeframeMs(p.timeframe) / timeframeMs(tf);
    });
    return spans.length === 1 ? spans[0] : undefined;
  },
  checkWiring: (p, context) => {
    const problems: ParamProblem[] = [];
    const outMs = timeframeMs(p.timeframe);
    for (const producer of context.producers?.candles ?? []) {
      const tf = producerTimeframe(producer);
      if (tf === undefined) continue;
      const inMs = timeframeMs(tf);
      if (outMs % inMs !== 0 || (bucketAnchor(p.timeframe) - bucketAnchor(tf)) % inMs !== 0) {
        problems.push({ path: ['timeframe'], message: `timeframe ${p.timeframe} is not a whole number of the input's ${tf} bars (${producer.id}); expected a multiple of ${tf}, such as ${tf.replace(/^\d+/, (k) => String(Number(k) * 4))}` });
      }
    }
    return problems;
  },
  create: (p, ctx) => {
    const outMs = timeframeMs(p.timeframe);
    const anchor = bucketAnchor(p.timeframe);
    const bucketOf = (time: number) => Math.floor((time - anchor) / outMs) * outMs + anchor;
    // The bucket being built (bars 0: none yet).
    let start = NaN;
    let open = 0;
    let high = 0;
    let low = 0;
    let close = 0;
    let volume = 0;
    let bars = 0;
    // The input's bar spacing as far as seen: the greatest common divisor of the gaps between open times (before a gap is seen, the first bar's event time - open time).
    let step = Infinity;
    let gaps = 0;
    let lastTime = NaN;
    let emittedUpTo = -Infinity; // end of the last bucket emitted: an input bar opening before it is late
    let incomplete = 0;
    let late = 0;
    let superseded = 0;
    return {
      step(n, t, inputs, out, eventTimes) {
        const { time, open: o, high: h, low: l, close: c, volume: v } = inputs.candles;
        let made = 0;
        const emit = (at: number) => {
          eventTimes![made] = at;
          out.candles.time[made] = start;
          out.candles.open[made] = out.open[made] = open;
          out.candles.high[made] = out.high[made] = high;
          out.candles.low[made] = out.low[made] = low;
          out.candles.close[made] = out.close[made] = close;
          out.candles.volume[made] = out.volume[made] = volume;
          made++;
          if (bars * step < outMs) incomplete++;
          emittedUpTo = start + outMs;
          bars = 0;
        };
        for (let i = 0; i < n; i++) {
          const at = time[i];
          if (at !== at || o[i] !== o[i]) continue; // no candle at this event (another source's event on a shared timeline)
          if (at < emittedUpTo || (bars > 0 && at <= lastTime)) {
            late++;
            continue;
          }
          if (lastTime === lastTime) {
            step = gaps === 0 ? at - lastTime : gcd(step, at - lastTime);
            gaps++;
            // Three gaps before judging, so a gap in the data at the start is not taken for the input's timeframe.
            if (gaps >= 3 && outMs % step !== 0) {
              throw new Error(
                `aggregate.resample ${ctx.id}: the input's bars are ${step / 1000}s apart (open times up to ${iso(at)}), which does not divide timeframe ${p.timeframe}; ` +
                  `expected an input timeframe that divides ${p.timeframe} (e.g. 1h bars for 4h)`,
              );
            }
          } else if (t[i] > at) step = t[i] - at;
          lastTime = at;
          const bucket = bucketOf(at);
          if (bars > 0 && bucket !== start) {
            // The bucket's last bars are missing: it closes now, never earlier. When this bar also ends its own bucket, two
            // bars would share one event time: the incomplete one is superseded (dropped, counted).
            if (t[i] >= bucket + outMs) {
              superseded++;
              emittedUpTo = start + outMs;
              bars = 0;
            } else emit(t[i]);
          }
          if (bars === 0) {
            start = bucket;
            open = o[i];
            high = h[i];
            low = l[i];
            volume = 0;
          }
          if (h[i] > high) high = h[i];
          if (l[i] < low) low = l[i];
          close = c[i];
          volume += v[i];
          bars++;
          if (t[i] >= start + outMs) emit(t[i]); // the bar that ends the bucket
        }
        return made;
      },
      end() {
        if (incomplete > 0 || late > 0 || superseded > 0) {
          const parts = [];
          if (incomplete > 0) parts.push(`${incomplete} ${p.timeframe} bar${incomplete === 1 ? '' : 's'} built from incomplete buckets (input bars missing)`);
          if (superseded > 0) parts.push(`${superseded} incomplete bucket${superseded === 1 ? '' : 's'} dropped, closed by a gap at the same event as the next bar`);
          if (late > 0) parts.push(`${late} input bar${late === 1 ? '' : 's'} dropped, arriving after ${late === 1 ? 'its' : 'their'} bucket closed or out of order`);
          ctx.warn('resample/incomplete', parts.join('; '));
        }
      },
    };
  },
});

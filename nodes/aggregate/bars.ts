import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { TIMEFRAME_PATTERN, timeframeMs } from '../../runtime/data/timeframe.js';
import { port } from '../../runtime/ports.js';

const BAR_TYPES = ['time', 'tick', 'volume', 'dollar', 'tickImbalance', 'volumeImbalance'] as const;
type BarType = (typeof BAR_TYPES)[number];

export const bars = defineNode({
  kind: 'aggregate.bars',
  summary: 'Bars built causally from trades (time, tick, volume, dollar, tick- or volume-imbalance bars): one event per bar, when it closes.',
  description:
    'Turns the trade tape into candles, so any candle strategy (and the broker) runs on order flow. A bar is an event ' +
    'when it closes, at the event time of the trade that closes it, never earlier. type time: bars of `interval` ' +
    'aligned to UTC epoch multiples (a 1m bar opens at a whole minute); a bar closes when the first trade of a later ' +
    'interval arrives (that trade opens the next bar), so its event time is that trade\'s; intervals without trades ' +
    'make no bar (gaps stay gaps). type tick / volume / dollar: a bar closes at the trade that brings its trade count, ' +
    'traded size, or traded value (price x size) to `threshold` or beyond (trades are not split). Imbalance bars ' +
    '(López de Prado, Advances in Financial Machine Learning, 2018, section 2.3.2.1): with b = the aggressor side ' +
    '(+1 buy, -1 sell; by the tick rule when the side is unknown: the sign of the price change, else the previous b), ' +
    'a bar closes when |sum of b| (tickImbalance) or |sum of b x size| (volumeImbalance) reaches E[T] x |E[b]| ' +
    '(resp. E[T] x |E[b x size]|), where E[T] is an exponentially weighted mean of past bars\' trade counts (starting at ' +
    '`expectedTicks`) and E[b], E[b x size] exponentially weighted means per trade over past bars, both with span ' +
    '`span` bars. Like the book\'s definition this feedback can shrink or grow bars without bound on some tapes; ' +
    'watch the bar count. The candle time is the bar\'s open time: the interval start for time bars, the first ' +
    'trade\'s time otherwise. Outputs besides the candle: buyVolume (size of buyer-initiated trades; NaN when a ' +
    'trade\'s side is unknown), count (trades) and vwap.',
  params: Type.Object(
    {
      type: Type.Union(
        BAR_TYPES.map((t) => Type.Literal(t)),
        { default: 'volume', description: 'How a bar closes: time, tick (trade count), volume (base size), dollar (price x size), tickImbalance, volumeImbalance.' },
      ),
      interval: Type.Optional(Type.String({ pattern: TIMEFRAME_PATTERN, description: 'Bar length for type time: 1s, 1m, 5m, 1h ...' })),
      threshold: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'What closes a tick, volume or dollar bar: trades, base size, or quote value.' })),
      expectedTicks: Type.Integer({ minimum: 1, default: 100, description: 'Imbalance bars: the expected trades per bar before the first bar closes (E[T] at the start).' }),
      span: Type.Integer({ minimum: 1, default: 20, description: 'Imbalance bars: span (in bars) of the exponentially weighted means E[T] and E[b] (alpha = 2 / (span + 1)).' }),
    },
    { additionalProperties: false },
  ),
  exampleParams: { type: 'volume', threshold: 10 },
  inputs: { trades: port.trades({ description: 'The trade tape (source.trades).' }) },
  outputs: {
    bars: port.candles({ description: 'The closed bar: open time, open, high, low, close, volume.' }),
    open: port.number({ description: 'First trade price.' }),
    high: port.number({ description: 'Highest trade price.' }),
    low: port.number({ description: 'Lowest trade price.' }),
    close: port.number({ description: 'Last trade price.' }),
    volume: port.number({ description: 'Traded size.' }),
    buyVolume: port.number({ description: 'Size of buyer-initiated trades (NaN when a trade of the bar has no side).' }),
    count: port.number({ description: 'Trades in the bar.' }),
    vwap: port.number({ description: 'Volume-weighted average price.' }),
  },
  defaultOutput: 'bars',
  ownEvents: true,
  warmup: () => 0,
  check: (p) => {
    const problems: ParamProblem[] = [];
    if (p.type === 'time' && p.interval === undefined) problems.push({ path: ['interval'], message: 'type: time needs an interval (e.g. interval: 1m)' });
    if ((p.type === 'tick' || p.type === 'volume' || p.type === 'dollar') && p.threshold === undefined) {
      problems.push({ path: ['threshold'], message: `type: ${p.type} needs a threshold (${p.type === 'tick' ? 'trades per bar, e.g. 500' : p.type === 'volume' ? 'base size per bar, e.g. 10' : 'quote value per bar, e.g. 1000000'})` });
    }
    if (p.type === 'tick' && p.threshold !== undefined && !Number.isInteger(p.threshold)) problems.push({ path: ['threshold'], message: `a tick bar counts trades: threshold ${p.threshold} should be a whole number` });
    if (p.type !== 'time' && p.interval !== undefined) problems.push({ path: ['interval'], message: `interval is only used by type: time; remove it, or set type: time`, severity: 'warning', code: 'param/unused' });
    if ((p.type === 'time' || p.type.endsWith('Imbalance')) && p.threshold !== undefined) problems.push({ path: ['threshold'], message: `threshold is not used by type: ${p.type}; remove it`, severity: 'warning', code: 'param/unused' });
    return problems;
  },
  create: (p) => {
    const type: BarType = p.type;
    const intervalMs = type === 'time' ? timeframeMs(p.interval!) : 0;
    const threshold = p.threshold ?? 0;
    const alpha = 2 / (p.span + 1);
    // The bar being built (count 0: none yet).
    let openTime = 0;
    let open = 0;
    let high = 0;
    let low = 0;
    let close = 0;
    let volume = 0;
    let buyVolume = 0;
    let value = 0;
    let count = 0;
    let imbalance = 0;
    // Imbalance bars' expectations, and the tick rule's memory.
    let expectedTicks = p.expectedTicks;
    let expectedImbalance = NaN;
    let lastPrice = NaN;
    let lastSign = 0;
    return {
      step(n, t, inputs, out, eventTimes) {
        const { time, price, size, side } = inputs.trades;
        let made = 0;
        const emit = (at: number) => {
          eventTimes![made] = at;
          out.bars.time[made] = openTime;
          out.bars.open[made] = out.open[made] = open;
          out.bars.high[made] = out.high[made] = high;
          out.bars.low[made] = out.low[made] = low;
          out.bars.close[made] = out.close[made] = close;
          out.bars.volume[made] = out.volume[made] = volume;
          out.buyVolume[made] = buyVolume;
          out.count[made] = count;
          out.vwap[made] = value / volume;
          made++;
          if (type === 'tickImbalance' || type === 'volumeImbalance') {
            const perTrade = imbalance / count;
            expectedImbalance = expectedImbalance === expectedImbalance ? expectedImbalance + alpha * (perTrade - expectedImbalance) : perTrade;
            expectedTicks += alpha * (count - expectedTicks);
          }
          count = 0;
        };
        for (let i = 0; i < n; i++) {
          const px = price[i];
          if (px !== px) continue; // no trade at this event (another source's event on a shared timeline)
          const qty = size[i];
          if (type === 'time' && count > 0 && Math.floor(time[i] / intervalMs) * intervalMs !== openTime) emit(t[i]);
          if (count === 0) {
            openTime = type === 'time' ? Math.floor(time[i] / intervalMs) * intervalMs : time[i];
            open = high = low = px;
            volume = buyVolume = value = imbalance = 0;
          }
          if (px > high) high = px;
          if (px < low) low = px;
          close = px;
          volume += qty;
          value += px * qty;
          buyVolume += side[i] === 1 ? qty : side[i] === -1 ? 0 : NaN;
          count++;
          let sign = side[i];
          if (sign !== sign) sign = px > lastPrice ? 1 : px < lastPrice ? -1 : lastSign;
          lastPrice = px;
          lastSign = sign;
          imbalance += type === 'volumeImbalance' ? sign * qty : sign;
          let closes = false;
          if (type === 'tick') closes = count >= threshold;
          else if (type === 'volume') closes = volume >= threshold;
          else if (type === 'dollar') closes = value >= threshold;
          else if (type !== 'time') {
            // Before the first bar, E[b] is unknown: the first bar closes after expectedTicks trades.
            closes = expectedImbalance === expectedImbalance ? Math.abs(imbalance) >= expectedTicks * Math.abs(expectedImbalance) : count >= expectedTicks;
          }
          if (closes) emit(t[i]);
        }
        return made;
      },
    };
  },
});

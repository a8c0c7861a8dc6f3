import { TIMEFRAME_EVIDENCE, formatDuration, impossibleCandle, timeframeContradiction, type DataIssueKind, type Gap } from '../adapters/file/readCandleCsv.js';
import type { CandleSpec } from './sourceSpec.js';

/**
 * The checks of the CSV reader (readCandleCsv.ts, which inlines them for speed), for candles
 * that arrive one by one from a stream or a memory feed: NaN, non-positive prices, negative
 * volume, impossible candles (high < low, open or close outside low..high), duplicate or
 * out-of-order times, spacing that contradicts the timeframe, gaps.
 */
export class CandleChecker {
  readonly gaps: Gap[] = [];
  dropped = 0;
  private previous = NaN;
  private previousAt: string | number = '';
  private kept = NaN;
  /** The first spacings, to judge the declared timeframe (see TIMEFRAME_EVIDENCE). */
  private readonly spacings = new Float64Array(TIMEFRAME_EVIDENCE);
  private spacingsSeen = 0;
  private readonly start: number;
  private readonly end: number;

  constructor(
    private readonly spec: CandleSpec,
    private readonly warn: (code: string, message: string) => void,
    /** Names an event in messages, followed by its position: `stream btc-1h entry`, `memory feed bars event`. */
    private readonly source: string,
  ) {
    this.start = spec.start ?? -Infinity;
    this.end = spec.end ?? Infinity;
  }

  /** True to keep the candle; false to drop it (bad under skip/warn, or outside start/end). Throws under onBadRow: error. */
  accept(time: number, open: number, high: number, low: number, close: number, volume: number, at: string | number): boolean {
    // The common case first, without allocating: a well-formed candle after the previous one.
    if (!(Number.isInteger(time) && time >= 0)) return this.bad(at, 'malformed', `time is ${time}; expected integer epoch milliseconds`, 'Fix the producer');
    if (!(Number.isFinite(open) && Number.isFinite(high) && Number.isFinite(low) && Number.isFinite(close) && Number.isFinite(volume))) {
      const [name, value] = ([['open', open], ['high', high], ['low', low], ['close', close], ['volume', volume]] as const).find(([, v]) => !Number.isFinite(v))!;
      return this.bad(at, 'nan', `${name} is ${value}; expected a finite number`, 'Fix or remove the event');
    }
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) {
      const which = open > 0 ? (high > 0 ? (low > 0 ? 'close' : 'low') : 'high') : 'open';
      return this.bad(at, 'non-positive-price', `${which} is ${{ open, high, low, close }[which]}; expected prices (open, high, low, close) > 0`, 'Fix or remove the event');
    }
    if (volume < 0) return this.bad(at, 'negative-volume', `volume is ${volume}; expected volume >= 0 (zero is valid)`, 'Fix or remove the event');
    if (!(low <= high && open >= low && open <= high && close >= low && close <= high)) return this.bad(at, 'impossible-candle', impossibleCandle(open, high, low, close), 'Fix or remove the event');
    const iso = (ms: number) => new Date(ms).toISOString();
    if (time <= this.previous) {
      return time === this.previous
        ? this.bad(at, 'duplicate', `duplicate time ${iso(time)} (also at ${this.source} ${this.previousAt}); candles must have strictly increasing times`, 'Remove the duplicate')
        : this.bad(at, 'out-of-order', `time ${iso(time)} goes backwards (${this.source} ${this.previousAt} has ${iso(this.previous)}); candles must have strictly increasing times`, 'Publish the candles in time order');
    }
    const tf = this.spec.timeframeMs;
    if (this.previous === this.previous) {
      const d = time - this.previous;
      if (d < tf || d % tf !== 0) {
        throw new Error(
          `${this.source} ${at}: candles are ${formatDuration(d)} apart (${iso(this.previous)} at ${this.source} ${this.previousAt}, ${iso(time)}), ${d < tf ? 'closer than' : 'not a multiple of'} the ${formatDuration(tf)} timeframe; expected candles ${formatDuration(tf)} apart (or a multiple, at gaps). Bind the source to a feed of ${this.spec.timeframe} candles, or change its timeframe param`,
        );
      }
      if (this.spacingsSeen < TIMEFRAME_EVIDENCE) {
        this.spacings[this.spacingsSeen++] = d;
        const contradiction = this.spacingsSeen === TIMEFRAME_EVIDENCE ? timeframeContradiction(this.spacings, tf) : '';
        if (contradiction) throw new Error(`${this.source} ${at}: declared timeframe ${this.spec.timeframe}, but ${contradiction}; or bind the source to a feed of ${this.spec.timeframe} candles`);
      }
    }
    this.previous = time;
    this.previousAt = at;
    if (time < this.start || time >= this.end) return false;
    if (this.kept === this.kept && time - this.kept > tf) this.gaps.push({ from: this.kept, to: time, missingBars: (time - this.kept) / tf - 1 });
    this.kept = time;
    return true;
  }

  private bad(at: string | number, kind: DataIssueKind, message: string, hint: string): false {
    const where = `${this.source} ${at}`;
    if (this.spec.onBadRow === 'error') throw new Error(`${where}: ${message}. ${hint} or set onBadRow: skip`);
    this.dropped++;
    if (this.spec.onBadRow === 'warn') this.warn(`data/${kind}`, `${where}: ${message} (dropped)`);
    return false;
  }
}

/** Provenance and data-quality facts of a replayed candle source, for the run summary. */
export function candleInfo(spec: CandleSpec, origin: Record<string, unknown>, time: Float64Array, gaps: readonly Gap[], rowsDropped: number): Record<string, unknown> {
  return {
    symbol: spec.symbol,
    timeframe: spec.timeframe,
    ...origin,
    rows: time.length,
    firstOpenTime: time[0],
    lastOpenTime: time[time.length - 1],
    gaps: gaps.length,
    missingBars: gaps.reduce((s, g) => s + g.missingBars, 0),
    gapList: gaps,
    rowsDropped,
  };
}

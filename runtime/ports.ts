/**
 * Port types: what flows on a wire. Checked when a graph compiles.
 *
 * - `number`  a numeric series, one value per event (NaN = no value yet, e.g. during warm-up).
 * - `candles` an OHLCV bundle (open time, open, high, low, close, volume); its fields are also
 *             exposed as `number` ports by the source (`bars.close`).
 * - `signal`  a trading decision as a pulse: +1 go long, -1 go short (exit when long-only),
 *             0 go flat, NaN no decision at this event.
 * - `orders`  a target exposure as a pulse: fraction of equity to hold (1 = all-in long,
 *             -0.5 = half-equity short, 0 = flat), NaN no order at this event.
 * - `features` a named set of numeric columns, one feature vector per event (model inputs).
 * - `book`    an L2 order book, one snapshot per event: the top levels' prices and sizes (`Book`).
 * - `trades`  trades as a pulse, one trade per event: price, size, aggressor side (`Trades`).
 * - `text`    texts (headlines, posts) as a pulse, one text per event (`Texts`). Never sampled
 *             onto another timeline: inputs of this type are read at their own events (ownTimes).
 * - `any`     (inputs only) accepts number, signal, orders or features, e.g. a recorder.
 */
export type PortType = 'number' | 'candles' | 'signal' | 'orders' | 'features' | 'book' | 'trades' | 'text' | 'any';

export interface PortSpec {
  readonly type: PortType;
  /** The port takes a list of wires (`in: { series: [a.value, b.value] }`). */
  readonly many?: boolean;
  /** The graph may leave the input unconnected. */
  readonly optional?: boolean;
  /**
   * The node reads this input at the producer's own events rather than sampled onto the node's
   * timeline: each step gets `Events` (this chunk's events of the producer and their times),
   * which the kernel merges by time itself. A broker stepping on bars reads every trade so.
   */
  readonly ownTimes?: boolean;
  readonly description?: string;
}

type PortOptions = Omit<PortSpec, 'type'>;
const make =
  <T extends PortType>(type: T) =>
  <O extends PortOptions>(options?: O): { readonly type: T } & O =>
    ({ type, ...(options ?? ({} as O)) });

export const port = {
  number: make('number'),
  candles: make('candles'),
  signal: make('signal'),
  orders: make('orders'),
  features: make('features'),
  book: make('book'),
  trades: make('trades'),
  text: make('text'),
  any: make('any'),
};

/** Columns of a candle bundle, in the order sources store them. */
export const CANDLE_FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
export type CandleField = (typeof CANDLE_FIELDS)[number];
/** A run of candles as typed columns; `time` is the candle open time (epoch ms). */
export type Candles = { [F in CandleField]: Float64Array };

/** Fields of a trade, in the order sources store them; `time` is the exchange's trade time (epoch ms). */
export const TRADE_FIELDS = ['time', 'price', 'size', 'side'] as const;
export type TradeField = (typeof TRADE_FIELDS)[number];
/**
 * A run of trades as typed columns: `side` is the aggressor (taker) side, +1 buy, -1 sell, NaN
 * unknown. On a timeline shared with other events, rows without a trade are all NaN.
 */
export type Trades = { [F in TradeField]: Float64Array };

/**
 * An L2 book of `levels` levels per side, one snapshot per event, as columns: for level l (0 =
 * best) `columns[4 * l + BID_PRICE]`, `+ BID_SIZE`, `+ ASK_PRICE`, `+ ASK_SIZE`. A level the
 * book does not have (a thin book) is NaN in both price and size. `names` are
 * `bidPrice1, bidSize1, askPrice1, askSize1, bidPrice2, ...`.
 */
export interface Book {
  readonly names: readonly string[];
  readonly columns: Float64Array[];
}
export const BID_PRICE = 0;
export const BID_SIZE = 1;
export const ASK_PRICE = 2;
export const ASK_SIZE = 3;
export const BOOK_LEVEL_FIELDS = ['bidPrice', 'bidSize', 'askPrice', 'askSize'] as const;
/** Column names of a book of `levels` levels, in storage order. */
export function bookFields(levels: number): string[] {
  const names: string[] = [];
  for (let l = 1; l <= levels; l++) for (const field of BOOK_LEVEL_FIELDS) names.push(field + l);
  return names;
}
export function bookLevels(book: Book): number {
  return book.columns.length / 4;
}

/**
 * Texts as a pulse, one text per event: `index[i]` is the position in `strings` of event i's text
 * (NaN: no text at this row). The strings stay where the source keeps them; frames carry indices,
 * so a chunk of texts costs no more than a column of numbers.
 */
export interface Texts {
  readonly index: Float64Array;
  readonly strings: readonly string[];
}

/** A feature vector per event: one column per named feature. */
export interface Features {
  readonly names: readonly string[];
  readonly columns: Float64Array[];
}

/**
 * Pulse types carry events, level types carry states. A join between streams with different
 * timelines samples levels "as of" each row and passes pulses only at their own events, so a
 * decision is never repeated or lost.
 */
export function isPulse(type: PortType): boolean {
  return type === 'signal' || type === 'orders' || type === 'trades' || type === 'text';
}

/** Types whose value is several columns (a record), which only nodes declaring that type may read. */
export function isRecordBundle(type: PortType): boolean {
  return type === 'candles' || type === 'book' || type === 'trades' || type === 'text';
}

/** Can an output of type `from` feed an input declared as `to`? */
export function canConnect(from: PortType, to: PortType): boolean {
  if (from === to) return true;
  return to === 'any' && !isRecordBundle(from);
}

/** What a kernel receives for an input port. */
/** An input read at its own events (`ownTimes`): the producer's `n` events of this chunk, their times and values. */
export interface Events<V> {
  n: number;
  t: Float64Array;
  value: V;
}

export type PortValue<S extends PortSpec> = S['ownTimes'] extends true
  ? S['many'] extends true
    ? Events<Float64Array>[]
    : Events<SinglePortValue<S>>
  : SinglePortValue<S>;

type SinglePortValue<S extends PortSpec> = S['many'] extends true
  ? S['type'] extends 'any'
    ? (Float64Array | Features)[]
    : S['type'] extends 'features'
      ? Features[]
      : S['type'] extends 'candles'
        ? Candles[]
        : Float64Array[]
  : S['type'] extends 'candles'
    ? Candles
    : S['type'] extends 'trades'
      ? Trades
      : S['type'] extends 'book'
        ? Book
        : S['type'] extends 'features'
          ? Features
          : S['type'] extends 'text'
            ? Texts
            : Float64Array;

export type InputValues<I extends Record<string, PortSpec>> = {
  [K in keyof I]: I[K]['optional'] extends true ? PortValue<I[K]> | undefined : PortValue<I[K]>;
};
/** Kernels write outputs into runtime-owned buffers of capacity >= n (a features output: one per name). */
export type OutputBuffers<O extends Record<string, PortSpec>> = { [K in keyof O]: O[K]['type'] extends 'features' ? Features : O[K]['type'] extends 'candles' ? Candles : Float64Array };

import { parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer';

/** Candle columns to write: open time (epoch ms) and OHLCV, one entry per bar. */
export interface CandleTable {
  time: ArrayLike<number>;
  open: ArrayLike<number>;
  high: ArrayLike<number>;
  low: ArrayLike<number>;
  close: ArrayLike<number>;
  volume: ArrayLike<number>;
}

const PRICE_COLUMNS = ['open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Candles as Apache Parquet (hyparquet-writer, Snappy), the columns of the CSV in standard types,
 * read back by readCandleParquet and as they are by pandas, polars or DuckDB:
 * - time: INT64, logical type TIMESTAMP(MILLIS, isAdjustedToUTC) (converted type TIMESTAMP_MILLIS), required;
 * - open, high, low, close, volume: DOUBLE, required.
 */
export function candleParquet(table: CandleTable, createdBy = 'hean'): Uint8Array {
  const schema: SchemaElement[] = [
    { name: 'root', num_children: 1 + PRICE_COLUMNS.length },
    { name: 'time', type: 'INT64', repetition_type: 'REQUIRED', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } },
    ...PRICE_COLUMNS.map((name): SchemaElement => ({ name, type: 'DOUBLE', repetition_type: 'REQUIRED' })),
  ];
  const buffer = parquetWriteBuffer({
    schema,
    createdBy,
    columnData: [
      { name: 'time', data: BigInt64Array.from(table.time, (t) => BigInt(t)) },
      ...PRICE_COLUMNS.map((name) => ({ name, data: Float64Array.from(table[name]) })),
    ],
  });
  return new Uint8Array(buffer);
}

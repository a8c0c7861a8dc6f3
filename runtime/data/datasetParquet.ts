import { parquetWriteBuffer, type SchemaElement } from 'hyparquet-writer';
import type { Dataset } from './dataset.js';

/**
 * The dataset as Apache Parquet (hyparquet-writer, pure JS, Snappy), the columns and values of
 * the CSV export in standard types, so that pandas, polars, DuckDB or Spark read it as it is:
 * - time: INT64, logical type TIMESTAMP(MILLIS, isAdjustedToUTC) (converted type TIMESTAMP_MILLIS), required;
 * - each feature and forwardReturn: DOUBLE, optional; a missing value (NaN, an empty CSV cell)
 *   is null, Parquet's missing value (pandas reads it as NaN, polars as null);
 * - direction (and barrier): BYTE_ARRAY, logical type STRING (UTF8), optional; unlabelled rows null.
 */
export function datasetParquet(data: Dataset, createdBy = 'hean'): Uint8Array {
  const doubles = (c: Float64Array) => {
    const out: (number | null)[] = new Array(c.length);
    for (let i = 0; i < c.length; i++) out[i] = c[i] === c[i] ? c[i] : null;
    return out;
  };
  const labels = (l: readonly (string | undefined)[]) => l.map((x) => x ?? null);
  const numbers = [...data.names, 'forwardReturn'];
  const strings = ['direction', ...(data.barrier ? ['barrier'] : [])];
  const schema: SchemaElement[] = [
    { name: 'root', num_children: 1 + numbers.length + strings.length },
    { name: 'time', type: 'INT64', repetition_type: 'REQUIRED', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } },
    ...numbers.map((name): SchemaElement => ({ name, type: 'DOUBLE', repetition_type: 'OPTIONAL' })),
    ...strings.map((name): SchemaElement => ({ name, type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8', logical_type: { type: 'STRING' } })),
  ];
  const buffer = parquetWriteBuffer({
    schema,
    createdBy,
    columnData: [
      // As the CSV's toISOString: whole milliseconds.
      { name: 'time', data: BigInt64Array.from(data.t, (t) => BigInt(Math.trunc(t))) },
      ...data.features.map((c, j) => ({ name: data.names[j], data: doubles(c) })),
      { name: 'forwardReturn', data: doubles(data.forwardReturn) },
      { name: 'direction', data: labels(data.direction) },
      ...(data.barrier ? [{ name: 'barrier', data: labels(data.barrier) }] : []),
    ],
  });
  return new Uint8Array(buffer);
}

/**
 * A Parquet candle file through the CLI: `hean run --data FILE.parquet` gives the CSV's results,
 * and a bad one stops the run with the file and row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { dataDir, dataFile, projectRoot } from '../runtime/testing/dataFile.js';
import { readCandleCsv } from '../runtime/adapters/file/readCandleCsv.js';
import { candleParquet } from '../runtime/data/candleParquet.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const CSV = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz';

function hean(args: string[]) {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), ...args], { cwd: projectRoot, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('hean run on the real 1h file as Parquet prints byte for byte the JSON of the CSV.gz run (but the file name)', async () => {
  const csv = dataFile(CSV);
  const parquet = join(mkdtempSync(join(tmpdir(), 'hean-parquet-')), 'btcusdt_1h_binance_2017-08_2024-04.parquet');
  writeFileSync(parquet, candleParquet(await readCandleCsv(csv, { timeframeMs: 3_600_000 })));
  const fromCsv = hean(['run', 'graphs/sma-cross.yaml', '--data', csv, '--json']);
  const fromParquet = hean(['run', 'graphs/sma-cross.yaml', '--data', parquet, '--json']);
  assert.equal(fromCsv.code, 0, fromCsv.err);
  assert.equal(fromParquet.code, 0, fromParquet.err);
  const summary = JSON.parse(fromParquet.out) as { bars: number; trades: number; sources: { bars: { file: string } } };
  assert.equal(summary.bars, 58_419);
  assert.ok(summary.trades > 100);
  assert.equal(summary.sources.bars.file, parquet);
  assert.equal(fromParquet.out, fromCsv.out.replace(JSON.stringify(csv), JSON.stringify(parquet)));
});

test('hean run on a Parquet file with a NaN close: exit 1, the file, row and fix', () => {
  const H = 3_600_000;
  const t0 = Date.parse('2024-01-01T00:00:00Z');
  const n = 40;
  const time = BigInt64Array.from({ length: n }, (_, i) => BigInt(t0 + i * H));
  const price = Float64Array.from({ length: n }, (_, i) => 100 + (i % 7));
  const close = Float64Array.from(price);
  close[24] = NaN;
  const file = join(mkdtempSync(join(tmpdir(), 'hean-parquet-')), 'bad.parquet');
  const buffer = parquetWriteBuffer({
    schema: [
      { name: 'root', num_children: 6 },
      { name: 'time', type: 'INT64', repetition_type: 'REQUIRED' },
      ...['open', 'high', 'low', 'close', 'volume'].map((name) => ({ name, type: 'DOUBLE' as const, repetition_type: 'REQUIRED' as const })),
    ],
    columnData: [
      { name: 'time', data: time },
      { name: 'open', data: price },
      { name: 'high', data: price },
      { name: 'low', data: price },
      { name: 'close', data: close },
      { name: 'volume', data: price },
    ],
  });
  writeFileSync(file, new Uint8Array(buffer));
  const r = hean(['run', 'graphs/sma-cross.yaml', '--data', file, '--json']);
  assert.equal(r.code, 1, r.err);
  assert.ok(r.err.includes(`${file}: row 25: close is "NaN"; expected a finite number. Fix or remove the row or set onBadRow: skip`), r.err);
});

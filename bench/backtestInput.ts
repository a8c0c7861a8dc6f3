/**
 * `node dist/bench/backtestInput.js BARS DIR`: bench/backtest.ts's input of at least BARS bars
 * (buildInput), written into DIR as input.csv (shortest numbers), input-fixed8.csv (8 decimals)
 * and input.parquet, with the hand loop's result on it: one JSON line on stdout. bench/backtest.ts
 * runs it as a child process for the 10 M-bar input, so that its own process (whose peak RSS it
 * reports) never holds 10 M bars as columns and text.
 */
import { writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { candleParquet } from '../runtime/data/candleParquet.js';
import { buildInput, writeCsv, FAST, SLOW, CASH, FEE } from './backtest.js';
import { smaCrossHandLoop } from './smaCrossHandLoop.js';

export interface WrittenInput {
  bars: number;
  minPrice: number;
  maxPrice: number;
  csv: { path: string; bytes: number; inexactFields: number };
  csvFixed8: { path: string; bytes: number; inexactFields: number };
  parquet: { path: string; bytes: number };
  trades: number;
  finalEquity: number;
}

const [barsArg, dir] = process.argv.slice(2);
const minBars = Number(barsArg);
if (!(Number.isInteger(minBars) && minBars > SLOW) || !dir) {
  process.stderr.write(`usage: node dist/bench/backtestInput.js BARS DIR (BARS a whole number > ${SLOW}; got "${String(barsArg)}", "${String(dir)}")\n`);
  process.exit(2);
}
const say = (message: string) => process.stderr.write(`[bench]   ${message}\n`);
say(`building ${minBars.toLocaleString('en-US')} bars`);
const { columns, construction } = buildInput(minBars);
const hand = smaCrossHandLoop(columns.time, columns.open, columns.close, FAST, SLOW, CASH, FEE);
const csvPath = join(dir, 'input.csv');
say(`writing ${csvPath}`);
const csv = writeCsv(csvPath, columns, 'shortest');
const fixed8Path = join(dir, 'input-fixed8.csv');
say(`writing ${fixed8Path}`);
const fixed8 = writeCsv(fixed8Path, columns, 'fixed8');
const parquetPath = join(dir, 'input.parquet');
say(`writing ${parquetPath}`);
writeFileSync(parquetPath, candleParquet(columns));
const written: WrittenInput = {
  bars: construction.bars,
  minPrice: construction.minPrice,
  maxPrice: construction.maxPrice,
  csv: { path: csvPath, bytes: csv.bytes, inexactFields: csv.inexactFields },
  csvFixed8: { path: fixed8Path, bytes: fixed8.bytes, inexactFields: fixed8.inexactFields },
  parquet: { path: parquetPath, bytes: statSync(parquetPath).size },
  trades: hand.trades.length,
  finalEquity: hand.finalEquity,
};
process.stdout.write(JSON.stringify(written) + '\n');

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Candles } from '../ports.js';
import { dataFile } from './dataFile.js';

/**
 * The first `rows` candles of a real data file, parsed the plain way (split + Number), so tests
 * of kernels do not depend on the fast reader they may be checking.
 */
export function realCandles(rows = 3000, name = 'btcusdt_1h_binance_2017-08_2024-04.csv.gz'): Candles {
  const lines = gunzipSync(readFileSync(dataFile(name))).toString('utf8').split('\n').filter((line) => line.length > 0).slice(1, rows + 1);
  const out = { time: new Float64Array(lines.length), open: new Float64Array(lines.length), high: new Float64Array(lines.length), low: new Float64Array(lines.length), close: new Float64Array(lines.length), volume: new Float64Array(lines.length) };
  lines.forEach((line, i) => {
    const [t, o, h, l, c, v] = line.split(',').map(Number);
    out.time[i] = t;
    out.open[i] = o;
    out.high[i] = h;
    out.low[i] = l;
    out.close[i] = c;
    out.volume[i] = v;
  });
  return out;
}

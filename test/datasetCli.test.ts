/**
 * `hean dataset`: a training set from the graph that trades. Features and labels are checked
 * against values computed here from the real candle file (RSI, returns, z-scores, forward
 * returns, barriers), not by the code under test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { dataDir, dataFile, fixtureFile, projectRoot } from '../runtime/testing/dataFile.js';
import { realCandles } from '../runtime/testing/realCandles.js';

const env = { ...process.env, HEAN_DATA_DIR: dataDir() };
const graph = join(projectRoot, 'test', 'dataset-features.yaml');
const lstm = join(projectRoot, 'test', 'lstm-forecast.yaml');
const CANDLES = 'btcusdt_1h_binance_2024-09_2026-02.csv.gz';
const HOUR = 3_600_000;

/** Runs hean in a fresh directory (so any file it writes shows up there). */
function hean(args: string[], cwd = mkdtempSync(join(tmpdir(), 'hean-dataset-'))) {
  const r = spawnSync(process.execPath, [join(projectRoot, 'bin', 'hean.js'), ...args], { cwd, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr, cwd };
}

function readCsv(file: string): { header: string[]; rows: string[][] } {
  const [head, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  return { header: head.split(','), rows: lines.map((l) => l.split(',')) };
}

const bars = realCandles(Infinity, CANDLES);
const N = bars.close.length;
const c = bars.close;

/** TA-Lib RSI: averages of the first `period` gains and losses, then Wilder's smoothing. */
function rsi(close: Float64Array, period: number): Float64Array {
  const out = new Float64Array(close.length).fill(NaN);
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const d = close[i] - close[i - 1];
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= period;
  loss /= period;
  out[period] = gain + loss === 0 ? 0 : (100 * gain) / (gain + loss);
  for (let i = period + 1; i < close.length; i++) {
    const d = close[i] - close[i - 1];
    gain = (gain * (period - 1) + Math.max(d, 0)) / period;
    loss = (loss * (period - 1) + Math.max(-d, 0)) / period;
    out[i] = gain + loss === 0 ? 0 : (100 * gain) / (gain + loss);
  }
  return out;
}

/** (x - mean) / sample sd over the last `w` values, the current included; NaN if any is NaN. */
function zscore(x: Float64Array, w: number): Float64Array {
  const out = new Float64Array(x.length).fill(NaN);
  for (let i = w - 1; i < x.length; i++) {
    const win = Array.from(x.subarray(i - w + 1, i + 1));
    if (win.some(Number.isNaN)) continue;
    const mean = win.reduce((s, v) => s + v, 0) / w;
    const sd = Math.sqrt(win.reduce((s, v) => s + (v - mean) ** 2, 0) / (w - 1));
    out[i] = sd === 0 ? 0 : (x[i] - mean) / sd;
  }
  return out;
}

const rsiZ = zscore(rsi(c, 14), 24);
const retZ = zscore(Float64Array.from(c, (v, i) => (i === 0 ? NaN : (v - c[i - 1]) / c[i - 1])), 24);

const cell = (v: number) => (Number.isNaN(v) ? '' : v);
const num = (s: string) => (s === '' ? NaN : Number(s));
function close(actual: string, want: number, what: string) {
  if (Number.isNaN(want)) return assert.equal(actual, '', what);
  assert.ok(Math.abs(Number(actual) - want) <= 1e-8 * Math.max(1, Math.abs(want)), `${what}: ${actual} vs ${want}`);
}
function direction(r: number, band: number) {
  return Number.isNaN(r) ? '' : r > band ? 'UP' : r < -band ? 'DOWN' : 'NEUTRAL';
}
function balance(labels: string[]) {
  const labelled = labels.filter((l) => l !== '').length;
  const part = (d: string) => {
    const n = labels.filter((l) => l === d).length;
    return `${d} ${n.toLocaleString('en-US')} (${((100 * n) / labelled).toFixed(1)} %)`;
  };
  return `${part('UP')}, ${part('DOWN')}, ${part('NEUTRAL')}, unlabelled ${(labels.length - labelled).toLocaleString('en-US')}`;
}

const H = 4;
const BAND = 0.001;
const UP = 0.01;
const DOWN = 0.005;
const run = hean(['dataset', graph, '-o', 'train.csv', '--horizon', String(H), '--band', String(BAND), '--barrier', `${UP},${DOWN}`]);
const out = run.code === 0 ? readCsv(join(run.cwd, 'train.csv')) : { header: [], rows: [] };

test('dataset writes one row per candle event: time, the features, forwardReturn, direction, barrier; nothing else', () => {
  assert.equal(run.code, 0, run.err);
  assert.deepEqual(readdirSync(run.cwd), ['train.csv'], "the graph's own sink (tape) writes nothing during an export");
  assert.equal(run.err, '', 'no warnings');
  assert.deepEqual(out.header, ['time', 'rsi_z', 'ret_z', 'forwardReturn', 'direction', 'barrier']);
  assert.equal(out.rows.length, N);
  // A candle's event is its close: open time + 1 h.
  out.rows.forEach((r, i) => assert.equal(r[0], new Date(bars.time[i] + HOUR).toISOString(), `row ${i}`));
  assert.match(run.out, new RegExp(`^wrote train\\.csv \\(${N.toLocaleString('en-US')} rows, 2 features, labels: forwardReturn and direction over 4 bars \\(band 0\\.001\\), barrier \\(up 0\\.01, down 0\\.005\\)\\)`));
});

test('features are those of the graph: RSI(14) and the 1-bar return, z-scored over 24 values, empty in warm-up', () => {
  // RSI needs 14 returns, then 24 values for the z-score: rows 0..36 have no rsi_z; ret_z starts at row 24.
  for (let i = 0; i < N; i++) {
    assert.equal(out.rows[i][1] === '', i < 37, `rsi_z row ${i}`);
    assert.equal(out.rows[i][2] === '', i < 24, `ret_z row ${i}`);
  }
  for (const i of [24, 36, 37, 38, 500, 4321, 9999, N - 1]) {
    close(out.rows[i][1], rsiZ[i], `rsi_z row ${i}`);
    close(out.rows[i][2], retZ[i], `ret_z row ${i}`);
  }
});

test('forwardReturn and direction for every row, from the closes H bars ahead; the last H rows unlabelled', () => {
  for (let i = 0; i < N; i++) {
    const want = i + H < N ? c[i + H] / c[i] - 1 : NaN;
    assert.equal(num(out.rows[i][3]), want, `forwardReturn row ${i}`);
    assert.equal(out.rows[i][3], String(cell(want)), `full precision, row ${i}`);
    assert.equal(out.rows[i][4], direction(want, BAND), `direction row ${i}`);
  }
  for (const r of out.rows.slice(-H)) assert.deepEqual(r.slice(3), ['', '', '']);
});

test('barrier labels for every row, from the highs and lows of the next H bars; a bar touching both is DOWN', () => {
  let both = 0;
  for (let i = 0; i < N; i++) {
    let want = '';
    if (i + H < N) {
      want = 'NEUTRAL';
      for (let k = i + 1; k <= i + H; k++) {
        const hitUp = bars.high[k] >= c[i] * (1 + UP);
        const hitDown = bars.low[k] <= c[i] * (1 - DOWN);
        if (hitUp && hitDown) both++;
        if (hitUp || hitDown) {
          want = hitDown ? 'DOWN' : 'UP';
          break;
        }
      }
    }
    assert.equal(out.rows[i][5], want, `barrier row ${i}`);
  }
  assert.ok(both > 0, 'the data has bars touching both barriers, so the tie rule is exercised');
});

test('stdout gives the class balance of direction (and of barrier)', () => {
  assert.ok(run.out.includes(`\ndirection: ${balance(out.rows.map((r) => r[4]))}\n`), run.out);
  assert.ok(run.out.includes(`\nbarrier: ${balance(out.rows.map((r) => r[5]))}\n`), run.out);
  assert.match(run.out, /unlabelled 4\n/);
});

test('two runs write byte-identical files', () => {
  const again = hean(['dataset', graph, '-o', 'again.csv', '--horizon', String(H), '--band', String(BAND), '--barrier', `${UP},${DOWN}`]);
  assert.equal(again.code, 0, again.err);
  assert.ok(readFileSync(join(again.cwd, 'again.csv')).equals(readFileSync(join(run.cwd, 'train.csv'))));
});

test('defaults: horizon 1, band 0, no barrier column; --drop-incomplete leaves out the warm-up rows', () => {
  const r = hean(['dataset', graph, '-o', 'd.csv', '--drop-incomplete']);
  assert.equal(r.code, 0, r.err);
  const { header, rows } = readCsv(join(r.cwd, 'd.csv'));
  assert.deepEqual(header, ['time', 'rsi_z', 'ret_z', 'forwardReturn', 'direction']);
  assert.equal(rows.length, N - 37);
  assert.equal(rows[0][0], new Date(bars.time[37] + HOUR).toISOString());
  rows.forEach((row, k) => {
    const i = k + 37;
    const want = i + 1 < N ? c[i + 1] / c[i] - 1 : NaN;
    assert.equal(num(row[3]), want);
    assert.equal(row[4], direction(want, 0));
  });
  assert.match(r.out, /37 incomplete rows dropped/);
  assert.match(r.out, /unlabelled 1\n/);
  // A features node that only the export reads is not reported as unused.
  const dir = mkdtempSync(join(tmpdir(), 'hean-dataset-'));
  writeFileSync(join(dir, 'g.yaml'), readFileSync(graph, 'utf8').replace(/^ *tape:.*$/gm, ''));
  const bare = hean(['dataset', 'g.yaml', '-o', 'd.csv'], dir);
  assert.equal(bare.code, 0, bare.err);
  assert.equal(bare.err, '');
  assert.equal(readFileSync(join(dir, 'd.csv'), 'utf8').split('\n').length, N + 2);
});

test('a model graph: --features picks one of several features outputs (the LSTM\'s input returns)', () => {
  const model = fixtureFile('lstm_forecaster.onnx');
  const many = hean(['dataset', lstm, '-o', 'x.csv', '--set', `model=${model}`, '--data', `bars=${CANDLES}`]);
  assert.equal(many.code, 2);
  assert.match(many.err, /the graph has 3 features outputs \(returns\.features, last48\.features, lstm\.prediction\); choose one with --features/);
  const r = hean(['dataset', lstm, '-o', 'x.csv', '--set', `model=${model}`, '--data', `bars=${CANDLES}`, '--features', 'returns']);
  assert.equal(r.code, 0, r.err);
  const { header, rows } = readCsv(join(r.cwd, 'x.csv'));
  assert.deepEqual(header, ['time', 'ret', 'forwardReturn', 'direction']);
  // ret = 100 ln(close / previous close) (affine: mean 0, scale 0.01).
  for (const i of [1, 2, 1000, N - 2]) close(rows[i][1], 100 * Math.log(c[i] / c[i - 1]), `ret row ${i}`);
  assert.equal(rows[0][1], '');
  // The model's forecasts are a features output too.
  const forecasts = hean(['dataset', lstm, '-o', 'y.csv', '--set', `model=${model}`, '--data', `bars=${CANDLES}`, '--features', 'lstm']);
  assert.equal(forecasts.code, 0, forecasts.err);
  assert.match(readFileSync(join(forecasts.cwd, 'y.csv'), 'utf8'), /^time,forecast\[0\],forecast\[1\],forecast\[2\],forwardReturn,direction\n/);
});

test('usage errors exit 2 and say what exists; run failures exit 1; the output never replaces an input', () => {
  const usage = (args: string[], pattern: RegExp) => {
    const r = hean(['dataset', graph, ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, pattern);
    assert.deepEqual(readdirSync(r.cwd), [], 'nothing written');
  };
  usage(['-o', 'x.csv', '--features', 'nope'], /--features nope: the graph has no node "nope"; the features outputs are feats\.features/);
  usage(['-o', 'x.csv', '--features', 'rsi'], /"rsi" \(indicator\.rsi\) has no features output; the features outputs are feats\.features/);
  usage(['-o', 'x.csv', '--features', 'rsi.value'], /rsi\.value is a number output, not features/);
  usage(['-o', 'x.csv', '--features', 'feats.nope'], /features\.vector "feats" has no output "nope"/);
  usage(['-o', 'x.csv', '--price', 'nope'], /--price nope: the graph has no node "nope"; nodes with prices: bars, rsi, ret/);
  usage(['-o', 'x.csv', '--price', 'feats'], /--price feats: feats\.features is a features output, not a number; expected a candles source or a number output/);
  usage(['-o', 'x.csv', '--price', 'ret.value', '--barrier', '0.02,0.01'], /--barrier needs the high and low of each bar, and ret \(indicator\.rocp\) has no high and low outputs; give a candles source with --price, e.g. --price bars/);
  for (const bad of ['0.02', '0.02,', '-0.01,0.01', '0.02,1.5', 'a,b', '0.01,0.01,0.01']) usage(['-o', 'x.csv', `--barrier=${bad}`], /--barrier expects UP,DOWN: two fractions/);
  usage(['-o', 'x.csv', '--horizon', '0'], /--horizon expects a whole number from 1/);
  usage(['-o', 'x.csv', '--band=-1'], /--band expects a fraction >= 0/);
  usage(['-o', 'x.txt'], /-o x\.txt: expected a file ending in \.csv/);
  usage([], /dataset needs -o FILE\.csv/);
  assert.match(hean(['datset']).err, /did you mean "dataset"/);

  const missing = hean(['dataset', graph, '-o', 'x.csv', '--data', 'bars=nowhere.csv']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /nowhere\.csv/);

  const dir = mkdtempSync(join(tmpdir(), 'hean-dataset-'));
  const input = join(dir, 'bars.csv');
  writeFileSync(input, gunzipSync(readFileSync(dataFile(CANDLES))));
  const before = readFileSync(input);
  const clash = hean(['dataset', graph, '-o', input, '--data', `bars=${input}`], dir);
  assert.equal(clash.code, 2, clash.err);
  assert.match(clash.err, /an output never writes over an input/);
  assert.ok(readFileSync(input).equals(before));
});

/** The `hean` command as a user runs it: exit codes (0 ok, 1 run failed, 2 invalid), flags, outputs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDir, projectRoot } from '../runtime/testing/dataFile.js';

const tmp = mkdtempSync(join(tmpdir(), 'hean-cli-'));
const env = { ...process.env, HEAN_DATA_DIR: dataDir(), HEAN_HOME: join(tmp, 'home') };

function hean(args: string[], extraEnv: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['bin/hean.js', ...args], { cwd: projectRoot, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('no command or an unknown one is a usage error (exit 2) that shows the usage', () => {
  assert.equal(hean([]).code, 2);
  const r = hean(['rnu']);
  assert.equal(r.code, 2);
  assert.match(r.err, /did you mean "run"/);
  assert.equal(hean(['run', 'graphs/sma-cross.yaml', '--bogus']).code, 2);
  assert.equal(hean(['run', 'graphs/sma-cross.yaml', '--chunk', '0']).code, 2);
});

test('run --set overrides a graph param; an unknown one is rejected with a suggestion', () => {
  const r = hean(['run', 'graphs/sma-cross.yaml', '--set', 'fast=5', '--json']);
  assert.equal(r.code, 0, r.err);
  const summary = JSON.parse(r.out);
  assert.equal(summary.params.fast, 5);
  assert.equal(summary.bars, 58419);
  const bad = hean(['run', 'graphs/sma-cross.yaml', '--set', 'fats=5']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /graph\/?.*no param "fats".*did you mean "fast"/s);
});

test('run --trades writes one row per trade with ISO times; the human summary names the data', () => {
  const file = join(tmp, 'trades.csv');
  const r = hean(['run', 'graphs/sma-cross.yaml', '--trades', file]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /58,419 bars, 28 gaps \(128 missing bars, kept as gaps\)/);
  assert.match(r.out, /Sharpe/);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(lines[0], 'entryTime,entryPrice,exitTime,exitPrice,qty,fees,pnl');
  assert.match(lines[1], /^2017-\d\d-\d\dT\d\d:00:00\.000Z,[0-9.]+,2017-/);
  const trades = Number(/trades\s+(\d+)/.exec(r.out)![1]);
  assert.equal(lines.length - 1, trades);
});

test('missing data: exit 1, says where it looked and the command that fetches it', () => {
  const r = hean(['run', 'graphs/sma-cross.yaml'], { HEAN_DATA_DIR: join(tmp, 'empty') });
  assert.equal(r.code, 1);
  assert.match(r.err, /btcusdt_1h_binance_2017-08_2024-04\.csv\.gz not found/);
  assert.match(r.err, /hean data download binance BTCUSDT 1h --from 2017-08-01 --to 2024-05-01/);
});

test('--data binds a file; bad rows stop the run naming file and line', () => {
  const file = join(tmp, 'bad.csv');
  writeFileSync(file, 'time,open,high,low,close,volume\n1502942400000,1,2,0.5,1.5,10\n1502946000000,1.5,2,1,NaN,10\n');
  const r = hean(['run', 'graphs/sma-cross.yaml', '--data', `bars=${file}`]);
  assert.equal(r.code, 1);
  assert.match(r.err, /bad\.csv:3/);
  assert.equal(hean(['run', 'graphs/sma-cross.yaml', '--data', `nope=${file}`]).code, 2);
});

test('validate: ok graphs exit 0', () => {
  const r = hean(['validate', 'graphs/sma-cross.yaml', 'graphs/rsi-reversion.yaml']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /sma-cross\.yaml: ok/);
});

test('nodes lists the catalogue from the declarations; nodes KIND shows params; schema prints the editor schema', () => {
  const list = hean(['nodes']);
  assert.equal(list.code, 0);
  for (const kind of ['source.candles', 'indicator.rsi', 'signal.crossover', 'sizer.fixedFraction', 'sink.broker']) assert.match(list.out, new RegExp(kind.replace('.', '\\.')));
  const one = hean(['nodes', 'indicator.macd']);
  assert.match(one.out, /fastPeriod: integer \(>= 2, <= 100000\) = 12/);
  assert.match(one.out, /macdSignal: number/);
  const family = hean(['nodes', 'signal']);
  assert.ok(family.out.includes('signal.threshold') && !family.out.includes('indicator.rsi'));
  assert.equal(hean(['nodes', 'indicatr.rsi']).code, 2);
  const schema = hean(['schema']);
  assert.equal(schema.out, readFileSync(join(projectRoot, 'schemas', 'graph.schema.json'), 'utf8'));
});

test('npx hean runs without npm warnings (no unknown .npmrc keys), and npm ci runs no dependency install script', () => {
  const r = spawnSync('npm', ['exec', '--offline', '--', 'hean', '--version'], { cwd: projectRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version);
  assert.doesNotMatch(r.stderr, /npm warn/i);
  // A user who only runs graphs needs no compiler: the TA-Lib reference (tests only) is built by
  // `npm run talib`, never by `npm ci`; onnxruntime-node's postinstall (a CUDA download that fails
  // offline) is refused, its CPU library ships in the package; msgpackr-extract's (bullmq's
  // optional msgpack accelerator: it would build or pick a native addon) is refused, msgpackr
  // runs without it. ccxt's postinstall only prints a message; bufferutil (ws's optional
  // native speed-up, a ccxt dependency) would build an addon: ws runs without it.
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.allowScripts, { talib: false, esbuild: false, 'onnxruntime-node': false, 'msgpackr-extract': false, ccxt: false, bufferutil: false });
  assert.equal(pkg.dependencies.talib, undefined);
});
